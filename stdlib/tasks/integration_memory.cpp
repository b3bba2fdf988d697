// integration_memory: a pulse of random onset and duration, and a readout that must hold a
// plateau proportional to the duration long after the pulse (seed 002's data1;
// docs/provenance.md §3.2-3.4).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

#include "runtime/signals.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

// Fresh evaluation trials without probe durations or `trials = N`.
constexpr arma::uword kFreshTrials = 100;

// One trial as seed 002's data1 makes it, in steps: the onset, the nominal duration D, and
// whether the cue is shown at all.
struct Pulse {
    long onset = 0;
    long duration = 0;
    bool cue = true;
};

// A jittered duration: UniformDraw{low, high} means whole steps low .. high - 1 (numpy's
// randint), a plain value n means n.
long draw_steps(const UniformDraw& d, rt::RandomStream& s) {
    const auto low = static_cast<long>(d.low), high = static_cast<long>(d.high);
    return high > low ? static_cast<long>(s.uniform_int(low, high - 1)) : low;
}

class IntegrationMemory final : public TaskWithSignals<IntegrationMemory> {
    friend class TaskWithSignals<IntegrationMemory>;  // calls signal_impl

public:
    IntegrationMemory(const Params& p, rt::RandomStream& setup)
        : steps_(static_cast<arma::uword>(p.integer("length")))
        , onset_(p.draw("onset"))
        , duration_(std::holds_alternative<std::vector<double>>(p.get("duration"))
                        ? UniformDraw{}
                        : p.draw("duration"))
        , probes_(std::holds_alternative<std::vector<double>>(p.get("duration"))
                      ? p.integers("duration")
                      : std::vector<long>{})
        , strength_(static_cast<float>(p.real("strength")))
        , slope_(static_cast<float>(p.real("slope")))
        , cost_onset_(p.integer("cost_onset"))
        , no_cue_(p.real("no_cue"))
        , inclusive_end_(p.flag("inclusive_end"))
        , h0_(p.has("h0") ? std::optional<float>(static_cast<float>(p.real("h0"))) : std::nullopt)
        , key_(setup.key()) {
        // The pool: trial i is drawn from its own stream, so the pool is a function of the
        // seed, the task and i only.
        const auto count = static_cast<long>(p.integer("pool"));
        for (long i = 0; i < count; ++i)
            pool_.push_back(pulse(i));
    }

    arma::uword input_size() const override { return 1; }

    arma::uword output_size() const override { return 1; }

    arma::uword steps() const override { return steps_; }

    arma::uword conditions() const override { return probes_.empty() ? 1 : probes_.size(); }

    std::vector<Period> periods() const override {
        const auto cost =
            static_cast<arma::uword>(std::min<long>(cost_onset_, static_cast<long>(steps_)));
        return {{"before_cost", 0, cost}, {"plateau", cost, steps_}};
    }

    // `pool`: `batch` distinct trials of the pool, drawn uniformly; batches independent.
    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        if (request.batch_size > pool_.size())
            throw std::invalid_argument(
                "integration_memory: a batch of " + std::to_string(request.batch_size)
                + " trials does not fit a pool of " + std::to_string(pool_.size()));
        // A partial Fisher-Yates shuffle: the first batch_size indices are the draw.
        std::vector<long> index(pool_.size());
        std::iota(index.begin(), index.end(), 0L);
        std::vector<Pulse> chosen;
        rt::RandomStream pick = draws.batch();
        for (arma::uword k = 0; k < request.batch_size; ++k) {
            const auto j = static_cast<std::size_t>(pick.uniform_int(
                static_cast<std::int64_t>(k), static_cast<std::int64_t>(index.size()) - 1));
            std::swap(index[k], index[j]);
            chosen.push_back(pool_[static_cast<std::size_t>(index[k])]);
        }
        return make_batch(chosen);
    }

    // Fresh trials (never from the pool), 100 unless asked, each from its own stream.
    // With a list of durations (probe trials): one trial per duration, or `count` trials
    // cycling through them; the condition is the duration's index.
    TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const override {
        std::vector<Pulse> fresh;
        std::vector<long> condition;
        const arma::uword n = count > 0 ? count : probes_.empty() ? kFreshTrials : probes_.size();
        for (arma::uword k = 0; k < n; ++k) {
            rt::RandomStream trial = draws.trial(k);
            fresh.push_back(
                draw(trial, probes_.empty() ? -1 : static_cast<long>(k % probes_.size())));
            condition.push_back(probes_.empty() ? 0 : static_cast<long>(k % probes_.size()));
        }
        TrialBatch batch = make_batch(fresh);
        batch.condition = condition;
        return batch;
    }

    // not_minus_one: every step with a target (seed 002's mse_loss1); positive: the
    // plateau of cue trials only (mse_loss2).
    arma::fmat mask(std::string_view name, const TrialBatch& trials) const override {
        const arma::frowvec& target = trials.step_targets.row(0);
        arma::fmat m(1, target.n_elem);
        if (name == "not_minus_one") {
            for (arma::uword i = 0; i < target.n_elem; ++i)
                m(0, i) = target(i) != -1.0F ? 1.0F : 0.0F;
        } else if (name == "positive") {
            for (arma::uword i = 0; i < target.n_elem; ++i)
                m(0, i) = target(i) > 0.0F ? 1.0F : 0.0F;
        } else {
            return TaskInstance::mask(name, trials);
        }
        return m;
    }

    // The trial of pool index i.
    Pulse pulse(long i) const {
        rt::RandomStream s(rt::stream_key(key_, "trial", static_cast<std::uint64_t>(i)));
        return draw(s);
    }

    TrialBatch make_batch(const std::vector<Pulse>& pulses) const {
        TrialBatch batch;
        batch.batch = pulses.size();
        batch.steps = steps_;
        batch.inputs.zeros(1, batch.batch * steps_);
        batch.step_targets.zeros(1, batch.batch * steps_);
        batch.condition.assign(batch.batch, 0);
        batch.initial_state = h0_;
        const auto T = static_cast<long>(steps_);
        for (arma::uword b = 0; b < batch.batch; ++b) {
            const Pulse& p = pulses[b];
            set_variable(batch, "onset", b, static_cast<double>(p.onset));
            set_variable(batch, "duration", b, static_cast<double>(p.duration));
            set_variable(batch, "cue", b, p.cue ? 1.0 : 0.0);
            if (!p.cue)
                continue;  // no input, and a target of 0 everywhere
            const long last = p.onset + p.duration - (inclusive_end_ ? 0 : 1);
            for (long t = std::max(0L, p.onset); t <= std::min(last, T - 1); ++t)
                batch.inputs(0, static_cast<arma::uword>(t) * batch.batch + b) = strength_;
            const float plateau = slope_ * static_cast<float>(p.duration);
            for (long t = std::max(0L, p.onset); t < T; ++t)
                batch.step_targets(0, static_cast<arma::uword>(t) * batch.batch + b) =
                    t < cost_onset_ ? -1.0F : plateau;
        }
        return batch;
    }

private:
    // A trial; with probe durations, the one of index `probe` (or one drawn uniformly when
    // probe < 0).
    Pulse draw(rt::RandomStream& s, long probe = -1) const {
        Pulse p;
        p.cue = !(s.uniform_double() < no_cue_);
        p.onset = draw_steps(onset_, s);
        if (probes_.empty())
            p.duration = draw_steps(duration_, s);
        else if (probe >= 0)
            p.duration = probes_[static_cast<std::size_t>(probe)];
        else
            p.duration = probes_[static_cast<std::size_t>(
                s.uniform_int(0, static_cast<std::int64_t>(probes_.size()) - 1))];
        return p;
    }

    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        if (name == "output")
            return rt::output_signal(tape, net.outputs, 0, trials.batch);
        if (name == "squared_error")
            return rt::squared_error_signal(tape, net.outputs,
                                            arma::conv_to<arma::Mat<T>>::from(trials.step_targets),
                                            trials.batch);
        throw std::logic_error("integration_memory has no signal '" + std::string(name) + "'");
    }

    arma::uword steps_;
    UniformDraw onset_, duration_;
    std::vector<long> probes_;  // durations of probe trials, when `duration` is a list
    float strength_, slope_;
    long cost_onset_;
    double no_cue_;
    bool inclusive_end_;
    std::optional<float> h0_;
    std::uint64_t key_;
    std::vector<Pulse> pool_;
};

}  // namespace

const TaskEntry& integration_memory_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "integration_memory";
        e.doc =
            "A pulse of random onset and duration; the readout must hold slope * duration "
            "from the cost onset to the end of the trial.";
        e.reference = "seed 002 (docs/provenance.md §3.2-3.4): System A's data1 and its losses";
        e.schema.params = {
            {"dt", ParamType::Time, Value{1.0}, 1e-6, 1e6, "ms",
             "the length of one step; durations in ms or s convert through it"},
            {"length", ParamType::Steps, Value{7000.0}, 1.0, 1e7, "steps", "trial length"},
            {"onset", ParamType::JitteredSteps, Value{UniformDraw{2000.0, 4000.0}}, 0.0, 1e7,
             "steps", "pulse onset t_on; m +- s draws whole steps m - s .. m + s - 1 per trial"},
            {"duration", ParamType::JitteredSteps, Value{UniformDraw{50.0, 250.0}}, 0.0, 1e7,
             "steps",
             "nominal pulse duration D, jittered like onset; a list [a, b, ...] makes probe "
             "trials, one per duration when evaluated, drawn from the list when trained"},
            {"strength", ParamType::Real, Value{2.0}, -1e6, 1e6, "",
             "input value while the pulse is on"},
            {"slope", ParamType::Real, Value{0.007}, -1e6, 1e6, "",
             "the plateau target is slope * D (D in steps)"},
            {"cost_onset", ParamType::Steps, Value{4500.0}, 0.0, 1e7, "steps",
             "from here on the target is the plateau; from t_on to here it is -1 (not "
             "evaluated)"},
            {"no_cue", ParamType::Real, Value{0.1}, 0.0, 1.0, "",
             "probability of a trial without input, whose target is 0 everywhere"},
            {"pool", ParamType::Integer, Value{500.0}, 1.0, 1e7, "trials",
             "training trials generated once; each step draws a batch from them"},
            {"inclusive_end", ParamType::Bool, Value{true}, std::nullopt, std::nullopt, "",
             "the input is on for t_on <= t <= t_on + D, D + 1 steps as the seed's code; "
             "false: D steps"},
            {"h0", ParamType::Real, std::nullopt, -1e6, 1e6, "",
             "the initial state of every unit in these trials (seed 002's spontaneous trial: "
             "0.1); none: the network's h0"},
        };
        e.schema.params.back().optional = true;
        e.signals = {{"output", "the readout y_t per trial and step"},
                     {"squared_error", "(y_t - target_t)^2 per trial and step"}};
        e.periods = {{"before_cost", "state indices [0, cost_onset)"},
                     {"plateau", "state indices [cost_onset, length)"}};
        e.metrics = {{"plateau_error", "squared_error", rt::TimeReduction::Mean, "plateau",
                      "mean squared error of the readout over the plateau (no-cue trials "
                      "against 0)"}};
        e.variables = {
            {"onset", "steps",
             "the input step t_on at which the pulse starts (drawn for no-cue trials too)"},
            {"duration", "steps",
             "the nominal duration D: the input is `strength` at steps onset .. onset + D "
             "(D + 1 steps; D steps without inclusive_end) when cue = 1"},
            {"cue", "", "1 when the pulse is shown, 0 for a no-cue trial (no input, target 0)"}};
        e.schedules = {{"pool", "each step draws `batch` distinct trials of the pool"}};
        e.masks = {{"not_minus_one", "every step whose target is not -1 (seed 002's mse_loss1)"},
                   {"positive",
                    "steps whose target is above 0: the plateau of cue trials "
                    "(mse_loss2)"}};
        e.trial_steps = [](const Params& p) {
            return p.integer("length");
        };
        e.evaluation_trials = [](const Params& p) {
            return std::holds_alternative<std::vector<double>>(p.get("duration"))
                       ? static_cast<long>(p.integers("duration").size())
                       : static_cast<long>(kFreshTrials);
        };
        e.output_size = [](const Params&) {
            return 1L;
        };
        e.input_size = [](const Params&) {
            return 1L;
        };
        e.make = [](const Params& p, rt::RandomStream& setup) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<IntegrationMemory>(p, setup);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
