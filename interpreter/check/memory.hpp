// The memory check of a checked program: every training and evaluation whose estimated peak
// (memory_estimate.hpp) exceeds the limit is an error at the field to reduce.
#pragma once

#include <utility>
#include <vector>

#include "interpreter/check/context.hpp"
#include "interpreter/check/memory_estimate.hpp"

namespace rnn::interp {

// The shapes of a checked training and evaluation, as the runtime will build them.
MemoryShape training_shape(const Program& program, const TrainDef& def);
MemoryShape evaluation_shape(const Program& program, const EvaluateDef& def);

// The arrays an evaluation writes to its folder (EvaluateDef::arrays), each with its width,
// from the same shapes; `rnn check` prints them with their size.
struct SavedSizes {
    double trials = 0, steps = 0;
    std::vector<std::pair<SavedArray, double>> widths;
};

SavedSizes saved_sizes(const Program& program, const EvaluateDef& def);

namespace checker {

// Reports (E0630) each training and evaluation of c.program that needs more than `limit`.
void check_memory(Context& c, const MemoryLimit& limit);

}  // namespace checker

}  // namespace rnn::interp
