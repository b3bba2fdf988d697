#include "interpreter/training/step_runner.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "interpreter/training.hpp"
#include "interpreter/training/learner.hpp"

namespace rnn::interp {

bool StepRunner::take(PassRunner& passes, const stdlib::TrialBatch& batch, const StepAt& at,
                      EpochTotals& totals) {
    Pass pass;
    run(passes, batch, pass);
    std::vector<double> values;
    bool finite = true;
    for (std::size_t i = 0; i < pass.terms.size(); ++i) {
        const double v = def_.loss[i].sign * passes.value(pass.terms[i])(0, 0);
        if (!std::isfinite(v) && !def_.nan_ends_epoch)
            throw RuntimeFailure(
                fmt::format("train '{}': the loss term {} became {} at epoch {}{}", def_.name,
                            def_.loss[i].name, v, at.epoch + 1,
                            at.steps > 1 ? fmt::format(", step {}", at.step + 1) : std::string()));
        finite = finite && std::isfinite(v);
        values.push_back(v);
    }
    if (!finite) {  // on_nan = end_epoch: no step, the rest of the epoch is skipped
        discard();
        return false;
    }
    if (!update(passes, pass, at))
        return false;
    // Recorded only for steps taken; the row holds their means.
    totals.add(passes.value(pass.total)(0, 0), values, passes.metrics(pass, batch));
    return true;
}

std::unique_ptr<StepRunner> make_step_runner(const TrainDef& def, std::uint64_t seed,
                                             rt::Network<float>& net,
                                             rt::Optimizer<float>& optimizer) {
    if (learns_online(def, net))
        return std::make_unique<OnlineStepRunner>(def, seed, net, optimizer);
    return std::make_unique<GradientStepRunner>(def, net, optimizer);
}

}  // namespace rnn::interp
