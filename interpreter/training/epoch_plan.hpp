// The steps of one epoch: which trials each optimizer step draws (how many, of which
// curriculum level) and the batch request it makes of the task.
#pragma once

#include <vector>

#include <armadillo>

#include "interpreter/program.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

struct PlannedStep {
    long level = 0;
    arma::uword trials = 0;
    std::vector<long> trial_levels;  // mixed replay: the level of each trial
};

// The steps of an epoch: `batches` steps of `batch` trials, or the curriculum's step at the
// current level followed by its replay of earlier levels, as separate steps (seed 004) or
// inside the same batch (replay = mixed).
std::vector<PlannedStep> plan_epoch(const TrainDef& def, const std::vector<long>& levels,
                                    long level);

// The task's request for step k of epoch `epoch` (from 0) of the plan.
stdlib::BatchRequest step_request(const TrainDef& def, long epoch,
                                  const std::vector<PlannedStep>& plan, std::size_t k);

}  // namespace rnn::interp
