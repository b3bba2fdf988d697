#include "interpreter/training/epoch_plan.hpp"

#include <algorithm>
#include <cmath>

namespace rnn::interp {

std::vector<PlannedStep> plan_epoch(const TrainDef& def, const std::vector<long>& levels,
                                    long level) {
    const auto batch_size = static_cast<arma::uword>(def.batch);
    std::vector<PlannedStep> plan;
    for (long k = 0; k < def.batches; ++k) {
        if (!def.curriculum) {
            plan.push_back({0, batch_size, {}});
            continue;
        }
        std::vector<long> earlier;
        for (const long l : levels)
            if (l < level)
                earlier.push_back(l);
        if (earlier.empty() || def.curriculum->mix <= 0.0) {
            plan.push_back({level, batch_size, {}});
            continue;
        }
        const auto current = std::max<arma::uword>(
            1, static_cast<arma::uword>(
                   std::floor(static_cast<double>(batch_size) * (1.0 - def.curriculum->mix))));
        const arma::uword rest = batch_size > current ? batch_size - current : 0;
        const arma::uword each = std::max<arma::uword>(1, rest / earlier.size());
        if (def.curriculum->mixed_replay) {
            PlannedStep step{level, 0, std::vector<long>(current, level)};
            for (const long l : earlier)
                step.trial_levels.insert(step.trial_levels.end(), each, l);
            step.trials = step.trial_levels.size();
            plan.push_back(std::move(step));
            continue;
        }
        plan.push_back({level, current, {}});
        for (const long l : earlier)
            plan.push_back({l, each, {}});
    }
    return plan;
}

stdlib::BatchRequest step_request(const TrainDef& def, long epoch,
                                  const std::vector<PlannedStep>& plan, std::size_t k) {
    return {epoch,          epoch * static_cast<long>(plan.size()) + static_cast<long>(k),
            plan[k].trials, def.schedule,
            plan[k].level,  plan[k].trial_levels};
}

}  // namespace rnn::interp
