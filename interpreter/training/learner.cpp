#include "interpreter/training/learner.hpp"

#include "runtime/cell_traits.hpp"
#include "runtime/online_cells.hpp"
#include "runtime/plastic.hpp"
#include "runtime/random.hpp"

namespace rnn::interp {

bool learns_online(const TrainDef& def, const rt::Network<float>& net) {
    return rt::learns_online(rt::cell_traits(net.shape.kind), def.rule);
}

std::unique_ptr<rt::OnlineLearner<float>> make_learner(const TrainDef& def, std::uint64_t seed,
                                                       rt::Network<float>& net,
                                                       rt::Optimizer<float>& optimizer) {
    if (!rt::cell_traits(net.shape.kind).fused)
        return std::make_unique<rt::PlasticLearner<float>>(net, def.rule, def.optimizer.lr);
    return std::make_unique<rt::OnlineCellLearner<float>>(
        net, def.rule, optimizer, def.clip_norm,
        rt::RandomStream(rt::stream_key(seed, "train " + def.name + " / feedback")));
}

rt::NetworkVars online_pass(rt::Tape<float>& tape, rt::OnlineLearner<float>& learner,
                            const rt::Network<float>& net, const stdlib::TaskInstance& task,
                            const stdlib::TrialBatch& batch, const LossNode& loss, bool learn) {
    const arma::uword B = batch.batch, T = batch.steps;
    const arma::uword outputs = net.shape.outputs;
    arma::fmat states(net.units(), B * T), outs(outputs, B * T);
    const bool ce = loss.kind == LossNode::Kind::CrossEntropy;
    const arma::fmat weights = loss.mask.empty() ? arma::fmat(1, B * T, arma::fill::ones)
                                                 : arma::fmat(task.mask(loss.mask, batch));
    rt::StepTarget<float> target;
    target.kind = ce ? rt::StepLossKind::CrossEntropy : rt::StepLossKind::Mse;
    target.ignore = static_cast<float>(loss.ignore);
    const arma::uword target_rows = batch.step_targets.n_rows;
    learner.begin(B);
    for (arma::uword t = 0; t < T; ++t) {
        const arma::uword c = t * B;
        const arma::fmat x(const_cast<float*>(batch.inputs.colptr(c)), batch.inputs.n_rows, B,
                           false, true);
        const arma::fmat values(const_cast<float*>(batch.step_targets.colptr(c)), target_rows, B,
                                false, true);
        const arma::fmat w(const_cast<float*>(weights.colptr(c)), 1, B, false, true);
        arma::fmat h(states.colptr(c), net.units(), B, false, true);
        arma::fmat y(outs.colptr(c), outputs, B, false, true);
        target.values = &values;
        target.weights = &w;
        learner.step(x, target, learn, h, y);
    }
    learner.end(learn);
    rt::NetworkVars v;
    for (const auto& p : net.params) {
        v.raw[p.name] = tape.constant(p.raw);
        v.effective[p.name] = v.raw[p.name];
    }
    v.states = tape.constant(std::move(states));
    v.rates = rt::cell_traits(net.shape.kind).rates_differ
                  ? rt::activate(tape, v.states, net.activation)
                  : v.states;
    v.outputs = tape.constant(std::move(outs));
    return v;
}

}  // namespace rnn::interp
