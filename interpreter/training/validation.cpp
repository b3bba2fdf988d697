#include "interpreter/training/validation.hpp"

#include <memory>
#include <utility>

#include "interpreter/training/learner.hpp"
#include "runtime/cell_traits.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/random.hpp"

namespace rnn::interp {

Validator::Validator(const TrainDef& def, const stdlib::TaskInstance& task, std::uint64_t seed,
                     std::vector<long> validated, std::uint64_t& next_trial)
    : def_(def)
    , task_(task)
    , seed_(seed)
    , key_(rt::stream_key(seed, "train " + def.name + " / validation"))
    , validated_(std::move(validated))
    , next_trial_(next_trial) {}

bool Validator::due(long epoch) const {
    return def_.validate_every > 0 && (epoch + 1) % def_.validate_every == 0;
}

std::vector<LevelValidation> Validator::run(long epoch, const rt::Network<float>& trained,
                                            PassRunner& passes) {
    const bool plastic = !rt::cell_traits(trained.shape.kind).fused;
    rt::Network<float> frozen = trained;  // the trained network without gradients
    // A plastic network is validated as it runs: its fast weights learn within each
    // sequence, on a copy.
    std::unique_ptr<rt::OnlineLearner<float>> validator;
    rt::Optimizer<float> unused(def_.optimizer);
    for (auto& p : frozen.params)
        p.constraint.fixed = !plastic;
    if (plastic)
        validator = make_learner(def_, seed_, frozen, unused);
    const auto trials_per =
        static_cast<arma::uword>(def_.validate_trials > 0 ? def_.validate_trials : def_.batch);
    std::vector<LevelValidation> out;
    for (const long l : validated_) {
        const stdlib::TrialBatch batch = task_.training_batch(
            {epoch, -1, trials_per, def_.schedule, l}, stdlib::TrialDraws(key_, next_trial_));
        next_trial_ += batch.batch;
        Pass pass;
        passes.run(frozen, batch, false, pass, validator.get(), true);
        if (validator)  // every validation batch starts from the trained weights
            frozen = trained;
        out.push_back({l, passes.value(pass.total)(0, 0), passes.metrics(pass, batch)});
    }
    return out;
}

}  // namespace rnn::interp
