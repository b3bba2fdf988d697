// The optimizer steps of an epoch. A gradient step runs a forward pass, then backward and
// the optimizer; an online step runs the batch through a learner that updates the weights
// step by step (docs/learning_rules.md). Both share StepRunner::take: the loss terms under
// the NaN policy (on_nan), and the step's loss, terms and metrics added to the epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "interpreter/program.hpp"
#include "interpreter/training/epoch_record.hpp"
#include "interpreter/training/pass.hpp"
#include "runtime/network.hpp"
#include "runtime/online.hpp"
#include "runtime/optimizer.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// Where a step is, for messages: step `step` of the `steps` of epoch `epoch` (from 0).
struct StepAt {
    long epoch = 0;
    std::size_t step = 0;
    std::size_t steps = 1;
};

class StepRunner {
public:
    explicit StepRunner(const TrainDef& def) : def_(def) {}

    virtual ~StepRunner() = default;

    // One step on `batch`. Returns false when a non-finite loss or gradient ends the epoch
    // (on_nan = end_epoch: no step is taken, the weights are as before); with on_nan = stop
    // it throws RuntimeFailure instead.
    bool take(PassRunner& passes, const stdlib::TrialBatch& batch, const StepAt& at,
              EpochTotals& totals);

protected:
    // Runs the batch through the network (an online learner updates it on the way).
    virtual void run(PassRunner& passes, const stdlib::TrialBatch& batch, Pass& pass) = 0;
    // Undoes what run() changed, for a pass whose loss is not finite.
    virtual void discard() = 0;
    // Updates the network after a pass with a finite loss; false when a non-finite
    // gradient ends the epoch.
    virtual bool update(PassRunner& passes, Pass& pass, const StepAt& at) = 0;

    const TrainDef& def_;
};

// Backpropagation through time and an optimizer step on the trainable raw parameters.
class GradientStepRunner : public StepRunner {
public:
    GradientStepRunner(const TrainDef& def, rt::Network<float>& net,
                       rt::Optimizer<float>& optimizer);

protected:
    void run(PassRunner& passes, const stdlib::TrialBatch& batch, Pass& pass) override;

    void discard() override {}

    bool update(PassRunner& passes, Pass& pass, const StepAt& at) override;

private:
    rt::Network<float>& net_;
    rt::Optimizer<float>& optimizer_;
};

// An online training: the learner updates the network in place, step by step.
class OnlineStepRunner : public StepRunner {
public:
    OnlineStepRunner(const TrainDef& def, std::uint64_t seed, rt::Network<float>& net,
                     rt::Optimizer<float>& optimizer);

protected:
    void run(PassRunner& passes, const stdlib::TrialBatch& batch, Pass& pass) override;
    void discard() override;

    bool update(PassRunner&, Pass&, const StepAt&) override { return true; }

private:
    rt::Network<float>& net_;
    rt::Optimizer<float>& optimizer_;
    std::unique_ptr<rt::OnlineLearner<float>> learner_;
    // An online learner has changed the weights by the time the loss is known: with
    // on_nan = end_epoch a non-finite batch is undone from this copy.
    std::optional<std::pair<std::vector<arma::fmat>, rt::OptimizerState<float>>> undo_;
};

// The runner of a training over `net` and `optimizer` (which it updates).
std::unique_ptr<StepRunner> make_step_runner(const TrainDef& def, std::uint64_t seed,
                                             rt::Network<float>& net,
                                             rt::Optimizer<float>& optimizer);

}  // namespace rnn::interp
