// integration_memory: a pulse of random onset and duration, and a readout that must hold a
// plateau proportional to the duration long after the pulse (seed 002's data1; DIGEST
// section 3.2-3.4).
#pragma once

#include "stdlib/task.hpp"

namespace rnn::stdlib {

const TaskEntry& integration_memory_entry();

}  // namespace rnn::stdlib
