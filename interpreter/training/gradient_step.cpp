#include <fmt/format.h>

#include "interpreter/training.hpp"
#include "interpreter/training/step_runner.hpp"

namespace rnn::interp {

GradientStepRunner::GradientStepRunner(const TrainDef& def, rt::Network<float>& net,
                                       rt::Optimizer<float>& optimizer)
    : StepRunner(def), net_(net), optimizer_(optimizer) {}

void GradientStepRunner::run(PassRunner& passes, const stdlib::TrialBatch& batch, Pass& pass) {
    passes.run(net_, batch, true, pass);
}

bool GradientStepRunner::update(PassRunner& passes, Pass& pass, const StepAt& at) {
    rt::Tape<float>& tape = passes.tape();
    tape.backward(pass.total);
    std::vector<arma::fmat*> params;
    std::vector<arma::fmat*> grads;
    bool finite = true;
    for (auto& p : net_.params) {
        if (!p.trainable())
            continue;
        const rt::Var raw = pass.vars.raw.at(p.name);
        arma::fmat& g = tape.grad(raw);
        if (!g.is_finite() && !def_.nan_ends_epoch)
            throw RuntimeFailure(
                fmt::format("train '{}': the gradient of {} is not finite at epoch {}", def_.name,
                            p.name, at.epoch + 1));
        finite = finite && g.is_finite();
        params.push_back(&p.raw);
        grads.push_back(&g);
    }
    if (!finite)
        return false;
    if (def_.clip_norm > 0.0)
        rt::clip_global_norm(grads, def_.clip_norm);
    optimizer_.step(params, {grads.begin(), grads.end()});
    return true;
}

}  // namespace rnn::interp
