#include "interpreter/training/pass.hpp"

#include "interpreter/training/learner.hpp"
#include "interpreter/training/metrics.hpp"
#include "runtime/ops.hpp"

namespace rnn::interp {

PassRunner::PassRunner(const TrainDef& def, const stdlib::TaskInstance& task,
                       const std::vector<stdlib::MetricSpec>& metrics, rt::RandomStream& noise)
    : def_(def), task_(task), metrics_(metrics), noise_stream_(noise) {}

void PassRunner::run(const rt::Network<float>& net, const stdlib::TrialBatch& batch,
                     bool with_noise, Pass& pass, rt::OnlineLearner<float>* learner, bool learn) {
    tape_.clear();
    if (with_noise && net.noise > 0.0) {
        noise_.set_size(net.units(), batch.inputs.n_cols);
        noise_stream_.fill_normal(noise_, 0.0, net.noise);
    }
    pass.vars = learner != nullptr
                    ? online_pass(tape_, *learner, net, task_, batch, def_.loss.front().node, learn)
                    : rt::forward(tape_, net, batch.inputs, batch.batch,
                                  with_noise && net.noise > 0.0 ? &noise_ : nullptr,
                                  batch.initial_state, def_.truncate);
    pass.builder = std::make_unique<LossBuilder>(tape_, pass.vars, task_, batch, net.activation);
    for (const auto& t : def_.loss) {
        const rt::Var v = pass.builder->build(t.node);
        pass.terms.push_back(v);
        const rt::Var signed_term = t.sign < 0 ? rt::scale(tape_, v, -1.0F) : v;
        pass.total = pass.total.valid() ? rt::add(tape_, pass.total, signed_term) : signed_term;
    }
}

std::map<std::string, double> PassRunner::metrics(Pass& pass,
                                                  const stdlib::TrialBatch& batch) const {
    return batch_metrics(metrics_, task_, batch, tape_, *pass.builder);
}

}  // namespace rnn::interp
