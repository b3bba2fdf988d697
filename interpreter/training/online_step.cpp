#include "interpreter/training/learner.hpp"
#include "interpreter/training/step_runner.hpp"

namespace rnn::interp {

OnlineStepRunner::OnlineStepRunner(const TrainDef& def, std::uint64_t seed, rt::Network<float>& net,
                                   rt::Optimizer<float>& optimizer)
    : StepRunner(def)
    , net_(net)
    , optimizer_(optimizer)
    , learner_(make_learner(def, seed, net, optimizer)) {}

void OnlineStepRunner::run(PassRunner& passes, const stdlib::TrialBatch& batch, Pass& pass) {
    undo_.reset();
    if (def_.nan_ends_epoch) {
        undo_.emplace();
        for (const auto& p : net_.params)
            undo_->first.push_back(p.raw);
        undo_->second = optimizer_.state();
    }
    passes.run(net_, batch, true, pass, learner_.get(), true);
}

void OnlineStepRunner::discard() {
    for (std::size_t i = 0; i < net_.params.size(); ++i)
        net_.params[i].raw = undo_->first[i];
    optimizer_.restore(undo_->second);
}

}  // namespace rnn::interp
