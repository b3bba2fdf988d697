// sequence_wm: a sequence of distinct items, a delay, then recall of each item in order on
// its response cue (seed 004's SequenceWorkingMemoryTask; DIGEST section 4.1, 4.3).
#pragma once

#include "stdlib/task.hpp"

namespace rnn::stdlib {

const TaskEntry& sequence_wm_entry();

}  // namespace rnn::stdlib
