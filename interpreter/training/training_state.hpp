// One training between epochs: everything the next epoch depends on, which a checkpoint
// holds (checkpoint_codec.hpp), so that a training resumed from it ends bit-identical to
// one never interrupted. The data cursor of a task is its epoch index plus the trial stream.
#pragma once

#include <cstdint>
#include <vector>

#include "interpreter/program.hpp"
#include "interpreter/training.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/random.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

struct TrainingState {
    // The initial state of a training: its network as built, no history, epoch 0.
    TrainingState(const Program& program, const TrainDef& def, const stdlib::TaskInstance& task,
                  std::uint64_t seed);

    // The network, the history so far (its rows and the epochs run) and the NaN count.
    TrainedNetwork trained;
    rt::Optimizer<float> optimizer;
    // Training trials are numbered over the whole training (and validation trials over all
    // validations): trial i is the same whatever the batch sizes before it.
    std::uint64_t next_trial = 0;
    std::uint64_t next_validation_trial = 0;
    rt::RandomStream noise;  // the state noise of the training passes
    long level = 0;          // the curriculum's current level
    long level_streak = 0;   // the curriculum's validations in a row at its threshold
    long stop_streak = 0;    // the early stop's epochs in a row meeting stop_when
};

}  // namespace rnn::interp
