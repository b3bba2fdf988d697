// Online learning in a training (docs/learning_rules.md): whether a training learns step by
// step, its learner, and a batch run through a learner with the result on the tape.
#pragma once

#include <cstdint>
#include <memory>

#include "interpreter/program.hpp"
#include "runtime/network.hpp"
#include "runtime/online.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/tape.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// Whether a training learns step by step (docs/learning_rules.md): the online rules, and
// every training of a plastic network.
bool learns_online(const TrainDef& def, const rt::Network<float>& net);

// The learner of an online training over `net` (which it updates in place).
std::unique_ptr<rt::OnlineLearner<float>> make_learner(const TrainDef& def, std::uint64_t seed,
                                                       rt::Network<float>& net,
                                                       rt::Optimizer<float>& optimizer);

// Runs a learner over a batch, step by step, and puts what it produced on the tape as
// constants, so that the task's signals, the loss and the metrics read it as they read a
// forward pass. The step targets are the batch's readout targets under the loss's mask.
rt::NetworkVars online_pass(rt::Tape<float>& tape, rt::OnlineLearner<float>& learner,
                            const rt::Network<float>& net, const stdlib::TaskInstance& task,
                            const stdlib::TrialBatch& batch, const LossNode& loss, bool learn);

}  // namespace rnn::interp
