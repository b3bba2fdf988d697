// The columns of a training's history, from its definition alone, so that the checker
// (history's `metric` option) and the training (training/history.cpp) agree on them.
#pragma once

#include <string>
#include <vector>

#include "interpreter/program.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// epoch, loss, the loss terms, the task's metrics, with validation the loss and metrics per
// validated level (`val_` for the one level of a task without levels, `valN_` for level
// N), and with a curriculum the level trained.
std::vector<std::string> history_columns(const TrainDef& def,
                                         const std::vector<stdlib::MetricSpec>& metrics,
                                         const std::vector<long>& validated);

}  // namespace rnn::interp
