// memory_recall: present a +-1 pattern with a random gain, then remove the input, and ask
// the state to keep overlapping the pattern (seed 000; docs/provenance.md §1.2-1.3).
#include <algorithm>
#include <stdexcept>

#include "runtime/signals.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

class MemoryRecall final : public TaskWithSignals<MemoryRecall> {
    friend class TaskWithSignals<MemoryRecall>;  // calls signal_impl

public:
    MemoryRecall(const Params& p, rt::RandomStream& setup)
        : units_(static_cast<arma::uword>(p.integer("units")))
        , present_(static_cast<arma::uword>(p.integer("present")))
        , retain_(static_cast<arma::uword>(p.integer("retain")))
        , gain_(NumberDraw::from(p, "gain"))
        , noise_(p.real("noise"))
        , flip_(p.real("flip"))
        , signed_(p.flag("signed")) {
        // The fixed set of patterns, drawn once: each entry +1 with probability 1/2.
        const auto count = static_cast<arma::uword>(p.integer("patterns"));
        patterns_.set_size(units_, count);
        for (auto& x : patterns_)
            x = setup.uniform_double() > 0.5 ? 1.0F : -1.0F;
    }

    arma::uword input_size() const override { return units_; }

    arma::uword steps() const override { return present_ + retain_; }

    arma::uword conditions() const override { return patterns_.n_cols; }

    std::vector<Period> periods() const override {
        return {{"present", 0, present_}, {"retain", present_, present_ + retain_}};
    }

    // The schedule decides the trials; the train's batch size does not apply.
    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        std::vector<long> which;
        const long epoch = request.epoch;
        if (request.schedule == "together") {
            for (arma::uword i = 0; i < patterns_.n_cols; ++i)
                which.push_back(static_cast<long>(i));
        } else {  // alternate: epoch e trains pattern e mod P alone
            which.push_back(epoch % static_cast<long>(patterns_.n_cols));
        }
        return make_trials(which, draws);
    }

    // One trial per pattern, or `count` trials cycling through the patterns.
    TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const override {
        std::vector<long> which;
        for (arma::uword i = 0; i < (count > 0 ? count : patterns_.n_cols); ++i)
            which.push_back(static_cast<long>(i % patterns_.n_cols));
        return make_trials(which, draws);
    }

    arma::fmat matrix(std::string_view name, const TrialBatch* trials) const override {
        if (name == "patterns")
            return patterns_;
        if (name == "current_pattern" && trials != nullptr)
            return trials->targets;
        throw std::logic_error("memory_recall has no matrix '" + std::string(name) + "'");
    }

private:
    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        if (name != "overlap")
            throw std::logic_error("memory_recall has no signal '" + std::string(name) + "'");
        return rt::overlap(tape, net.states, arma::conv_to<arma::Mat<T>>::from(trials.targets),
                           signed_);
    }

    // Trials showing the given patterns: input = gain * (possibly corrupted) pattern during
    // the presentation steps, zero afterwards. The gain is drawn once per trial.
    TrialBatch make_trials(const std::vector<long>& which, const TrialDraws& draws) const {
        TrialBatch batch;
        batch.batch = which.size();
        batch.steps = steps();
        batch.condition = which;
        batch.targets.set_size(units_, batch.batch);
        batch.inputs.zeros(units_, batch.batch * batch.steps);
        for (arma::uword b = 0; b < batch.batch; ++b) {
            rt::RandomStream trial = draws.trial(b);
            const arma::fvec clean = patterns_.col(static_cast<arma::uword>(which[b]));
            batch.targets.col(b) = clean;
            arma::fvec shown = clean;
            if (noise_ > 0.0)
                for (auto& x : shown)
                    x = std::clamp(static_cast<float>(x + noise_ * trial.normal()), -1.0F, 1.0F);
            if (flip_ > 0.0)
                for (auto& x : shown)
                    if (trial.uniform_double() < flip_)
                        x = -x;
            const double gain = gain_.draw(trial);
            set_category(batch, "pattern", b, which[b]);
            set_variable(batch, "gain", b, gain);
            shown *= static_cast<float>(gain);
            for (arma::uword t = 0; t < present_; ++t)
                batch.inputs.col(t * batch.batch + b) = shown;
        }
        return batch;
    }

    arma::uword units_, present_, retain_;
    NumberDraw gain_;
    double noise_, flip_;
    bool signed_;
    arma::fmat patterns_;
};

}  // namespace

const TaskEntry& memory_recall_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "memory_recall";
        e.doc =
            "Present a random +-1 pattern with a random gain, remove it, and keep overlapping it.";
        e.reference =
            "seed 000 (docs/provenance.md §1): learning Hopfield-like recurrent weights by BPTT";
        e.units_param = "units";
        e.schema.params = {
            {"units", ParamType::Integer, Value{64.0}, 1.0, 100000.0, "units",
             "pattern size; the network must have as many units"},
            {"patterns", ParamType::Integer, Value{2.0}, 1.0, 100000.0, "",
             "number of fixed patterns, drawn once (+1 or -1 with probability 1/2)"},
            {"dt", ParamType::Time, Value{0.0}, 0.0, 1e6, "ms",
             "the length of one step; when set, durations may be written in ms or s "
             "(0: in steps only)"},
            {"present", ParamType::Steps, Value{200.0}, 1.0, 1e7, "steps",
             "presentation: input = gain * pattern"},
            {"retain", ParamType::Steps, Value{800.0}, 1.0, 1e7, "steps", "retention: input = 0"},
            {"gain", ParamType::Draw, Value{UniformDraw{2.0, 3.5}}, 0.0, 1e6, "",
             "input gain, drawn once per trial: a number, uniform(low, high) or a list [a, "
             "b, ...] of which one is drawn uniformly"},
            {"noise", ParamType::Real, Value{0.0}, 0.0, 100.0, "",
             "Gaussian corruption of the shown pattern: clamp(m + noise * eps, -1, 1)"},
            {"flip", ParamType::Real, Value{0.0}, 0.0, 1.0, "",
             "probability of flipping each entry of the shown pattern"},
            {"signed", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
             "signed overlap; by default |m . h| / N, so -m also counts as recalled"},
        };
        e.signals = {{"overlap", "|m . h_t| / N per trial and step, against the clean pattern"}};
        e.periods = {{"present", "state indices [0, present)"},
                     {"retain", "state indices [present, present + retain)"}};
        e.metrics = {
            {"reaction", "overlap", rt::TimeReduction::Max, "present",
             "maximum overlap during presentation"},
            {"retention", "overlap", rt::TimeReduction::Mean, "retain",
             "mean overlap during retention"},
        };
        e.variables = {{"pattern", "", "the pattern shown (its column of task.patterns)"},
                       {"gain", "", "the input gain drawn: the input is gain * the shown pattern"}};
        e.schedules = {{"alternate", "epoch e trains pattern e mod P alone (batch 1)"},
                       {"together", "every epoch trains all patterns as one batch"}};
        e.matrices = {{"patterns", "all patterns, units x P"},
                      {"current_pattern", "the clean pattern of each trial in the batch"}};
        e.input_size = [](const Params& p) {
            return p.integer("units");
        };
        e.trial_steps = [](const Params& p) {
            return p.integer("present") + p.integer("retain");
        };
        e.step_trials = [](const Params& p, std::string_view schedule, long) {
            return schedule == "together" ? p.integer("patterns") : 1L;
        };
        e.evaluation_trials = [](const Params& p) {
            return p.integer("patterns");
        };
        e.make = [](const Params& p, rt::RandomStream& setup) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<MemoryRecall>(p, setup);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
