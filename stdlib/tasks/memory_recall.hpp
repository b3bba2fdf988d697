// memory_recall: present a +-1 pattern with a random gain, then remove the input, and ask
// the state to keep overlapping the pattern (seed 000; DIGEST section 1.2-1.3).
#pragma once

#include "stdlib/task.hpp"

namespace rnn::stdlib {

const TaskEntry& memory_recall_entry();

}  // namespace rnn::stdlib
