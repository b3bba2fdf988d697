// The rows of a training's history (one per epoch), in the layout of its columns
// (interpreter/history_columns.hpp: epoch, loss, the loss terms, the task's metrics, with
// validation the loss and metrics per validated level, and with a curriculum the level).
#pragma once

#include <string>
#include <vector>

#include "interpreter/history_columns.hpp"
#include "interpreter/program.hpp"
#include "interpreter/training/epoch_record.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// The levels a validation runs: the task's levels, or one (0) for a task without levels.
std::vector<long> validated_levels(const stdlib::TaskInstance& task);

// The row of epoch `epoch` (from 0): the epoch's means, its validations (null in an epoch
// without one: NaN for each of `validated` levels) and the level it trained.
std::vector<double> history_row(const TrainDef& def, const std::vector<stdlib::MetricSpec>& metrics,
                                long epoch, const EpochTotals& totals,
                                const std::vector<LevelValidation>* validations,
                                std::size_t validated, long level);

}  // namespace rnn::interp
