// Working-memory tasks on the period builder: delay_match_sample and parametric_wm (choices
// after a delay; output 0 is "fixate"), and flip_flop (a continuous memory of the last pulse
// per channel, read out by regression).
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "stdlib/entry_list.hpp"
#include "stdlib/tasks/period_trials.hpp"

namespace rnn::stdlib {

namespace {

// The durations of a two-stimulus trial: fixation, first stimulus, delay, second stimulus,
// response; both stimuli last `stimulus` (drawn separately).
std::vector<Duration> two_stimulus_durations(const Params& p) {
    return {Duration::from(p, "fixation"), Duration::from(p, "stimulus"),
            Duration::from(p, "delay"), Duration::from(p, "stimulus"),
            Duration::from(p, "response")};
}

long two_stimulus_trial_steps(const Params& p) {
    long total = 0;
    for (const auto& d : two_stimulus_durations(p))
        total += d.longest();
    return total;
}

SharedDefaults two_stimulus_defaults() {
    return {{{"fixation", 5.0, 0.0, 0.0, "fixation before the first stimulus"},
             {"stimulus", 10.0, 0.0, 1.0, "each stimulus presentation (both are drawn apart)"},
             {"delay", 25.0, 5.0, 0.0, "delay between the two stimuli"},
             {"response", 5.0, 0.0, 1.0, "response period (fixation input off: go)"}},
            0.1,
            true};
}

// --- delay_match_sample ------------------------------------------------------------------

const std::vector<std::string> kMatchPeriods = {"fixation", "sample", "delay", "test", "response"};

class DelayMatchSample final : public PeriodTask<DelayMatchSample> {
public:
    explicit DelayMatchSample(const Params& p)
        : PeriodTask({kMatchPeriods, "response", 1 + static_cast<arma::uword>(p.integer("stimuli")),
                      3, true, true},
                     p)
        , durations_(two_stimulus_durations(p))
        , stimuli_(p.integer("stimuli"))
        , match_(p.real("match")) {}

    arma::uword conditions() const override { return 3; }

    TrialLayout longest_layout() const { return layout_of(kMatchPeriods, durations_, nullptr); }

    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const TrialLayout layout = layout_of(kMatchPeriods, durations_, &s);
        const long sample = s.uniform_int(0, stimuli_ - 1);
        const bool match = s.uniform_double() < match_;
        // A non-match test is any other item, uniformly.
        const long test = match ? sample : (sample + 1 + s.uniform_int(0, stimuli_ - 2)) % stimuli_;
        out.begin_trial(b, layout, catch_trial, catch_trial ? 2 : match ? 0 : 1);
        out.category("sample", catch_trial ? -1 : sample);
        out.category("test", catch_trial ? -1 : test);
        out.category("match", catch_trial ? -1 : match ? 1 : 0);
        if (catch_trial)
            return;
        out.input(1 + static_cast<arma::uword>(sample), "sample", 1.0F);
        out.input(1 + static_cast<arma::uword>(test), "test", 1.0F);
        out.choice_from("response", match ? 1.0F : 2.0F);
    }

private:
    std::vector<Duration> durations_;
    long stimuli_;
    double match_;
};

// --- parametric_wm -----------------------------------------------------------------------

const std::vector<std::string> kComparePeriods = {"fixation", "f1", "delay", "f2", "response"};

class ParametricWm final : public PeriodTask<ParametricWm> {
public:
    explicit ParametricWm(const Params& p)
        : PeriodTask({kComparePeriods, "response", 2, 3, true, true}, p)
        , durations_(two_stimulus_durations(p))
        , frequencies_(p.integers("frequencies"))
        , difference_(p.real("difference")) {
        const auto [lo, hi] = std::minmax_element(frequencies_.begin(), frequencies_.end());
        low_ = static_cast<double>(*lo) - difference_;
        high_ = static_cast<double>(*hi) + difference_;
    }

    arma::uword conditions() const override { return 3; }

    TrialLayout longest_layout() const { return layout_of(kComparePeriods, durations_, nullptr); }

    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const TrialLayout layout = layout_of(kComparePeriods, durations_, &s);
        const auto f1 = static_cast<double>(frequencies_[static_cast<std::size_t>(
            s.uniform_int(0, static_cast<std::int64_t>(frequencies_.size()) - 1))]);
        const bool higher = s.uniform_double() < 0.5;  // f2 above f1
        const double f2 = higher ? f1 + difference_ : f1 - difference_;
        out.begin_trial(b, layout, catch_trial, catch_trial ? 2 : higher ? 1 : 0);
        out.variable("f1", catch_trial ? arma::datum::nan : f1);
        out.variable("f2", catch_trial ? arma::datum::nan : f2);
        out.category("higher", catch_trial ? -1 : higher ? 1 : 0);
        if (catch_trial)
            return;
        out.input(1, "f1", scaled(f1));
        out.input(1, "f2", scaled(f2));
        out.choice_from("response", higher ? 2.0F : 1.0F);
    }

private:
    // A frequency on the input channel: 0 at the lowest f2, 1 at the highest.
    float scaled(double f) const { return static_cast<float>((f - low_) / (high_ - low_)); }

    std::vector<Duration> durations_;
    std::vector<long> frequencies_;
    double difference_, low_ = 0.0, high_ = 1.0;
};

// --- flip_flop ---------------------------------------------------------------------------

const std::vector<std::string> kFlipFlopPeriods = {"trial"};

class FlipFlop final : public PeriodTask<FlipFlop> {
public:
    explicit FlipFlop(const Params& p)
        : PeriodTask({kFlipFlopPeriods, "trial", static_cast<arma::uword>(p.integer("bits")),
                      static_cast<arma::uword>(p.integer("bits")), false, false},
                     p)
        , durations_{Duration::from(p, "length")}
        , bits_(static_cast<arma::uword>(p.integer("bits")))
        // A Poisson-like rate per channel: the chance of a pulse in one step of dt ms.
        , pulse_probability_(std::min(1.0, p.real("rate") * p.real("dt") / 1000.0)) {}

    arma::uword conditions() const override { return 2; }

    TrialLayout longest_layout() const { return layout_of(kFlipFlopPeriods, durations_, nullptr); }

    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const TrialLayout layout = layout_of(kFlipFlopPeriods, durations_, &s);
        out.begin_trial(b, layout, catch_trial, catch_trial ? 1 : 0);
        std::vector<float> held(bits_, 0.0F);
        long pulses = 0;
        for (arma::uword t = 0; !catch_trial && t < layout.length(); ++t)
            for (arma::uword ch = 0; ch < bits_; ++ch) {
                if (s.uniform_double() < pulse_probability_) {
                    held[ch] = s.uniform_double() < 0.5 ? -1.0F : 1.0F;
                    out.input_at(ch, t, held[ch]);
                    ++pulses;
                }
                out.target_at(ch, t, held[ch]);  // the state after input t holds it
            }
        // A catch trial has no pulses: every output holds 0.
        out.variable("pulses", static_cast<double>(pulses));
        for (arma::uword ch = 0; ch < bits_; ++ch)
            out.variable("final" + std::to_string(ch + 1), held[ch]);
    }

private:
    std::vector<Duration> durations_;
    arma::uword bits_;
    double pulse_probability_;
};

}  // namespace

// Sample, delay, test: is the test the sample?
const TaskEntry& delay_match_sample_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "delay_match_sample";
        e.doc =
            "A sample item, a delay, a test item: report match (output 1) or non-match (output "
            "2) when the fixation input goes off.";
        e.reference =
            "Miller & Desimone 1994, Science 263:520; Miller, Erickson & Desimone 1996, J "
            "Neurosci 16:5154; as NeuroGym's DelayMatchSample";
        e.schema.params = shared_trial_params(two_stimulus_defaults());
        e.schema.params.emplace_back("stimuli", ParamType::Integer, Value{4.0}, 2.0, 1000.0, "",
                                     "number of items, each a one-hot input channel");
        e.schema.params.emplace_back("match", ParamType::Real, Value{0.5}, 0.0, 1.0, "",
                                     "fraction of match trials");
        e.periods = {{"fixation", "fixation before the sample"},
                     {"sample", "the sample item"},
                     {"delay", "the delay"},
                     {"test", "the test item"},
                     {"response", "the response: fixation input off, the choice is scored"}};
        e.variables = {
            {"sample", "", "the sample item (input 1 + sample); -1 on a catch trial"},
            {"test", "", "the test item (input 1 + test); -1 on a catch trial"},
            {"match", "",
             "1 when the test is the sample (choice 1), 0 when not (choice 2); -1 on a catch "
             "trial"}};
        add_period_task_fields(e, true, "response");
        e.trial_steps = two_stimulus_trial_steps;
        e.output_size = [](const Params&) {
            return 3L;
        };
        e.input_size = [](const Params& p) {
            return 1 + p.integer("stimuli");
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<DelayMatchSample>(p);
        };
        return e;
    }();
    return entry;
}

// Two vibrotactile-like frequencies separated by a delay: was f1 above f2?
const TaskEntry& parametric_wm_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "parametric_wm";
        e.doc =
            "Two frequencies f1 and f2 on one graded input channel, separated by a delay; report "
            "f1 > f2 (output 1) or f1 < f2 (output 2) when the fixation input goes off.";
        e.reference =
            "Romo, Brody, Hernandez & Lemus 1999, Nature 399:470; as NeuroGym's "
            "DelayComparison";
        e.schema.params = shared_trial_params(two_stimulus_defaults());
        e.schema.params.emplace_back(
            "frequencies", ParamType::IntegerList,
            Value{std::vector<double>{10.0, 14.0, 18.0, 22.0, 26.0, 30.0, 34.0}}, 1.0, 1e4, "Hz",
            "f1 of each trial, drawn uniformly from the list");
        e.schema.params.emplace_back(
            "difference", ParamType::Real, Value{8.0}, 1e-3, 1e4, "Hz",
            "f2 = f1 + difference or f1 - difference (equally likely); the input is the "
            "frequency scaled to [0, 1] over min - difference .. max + difference");
        e.periods = {{"fixation", "fixation before f1"},
                     {"f1", "the first frequency"},
                     {"delay", "the delay"},
                     {"f2", "the second frequency"},
                     {"response", "the response: fixation input off, the choice is scored"}};
        e.variables = {
            {"f1", "Hz", "the first frequency, drawn from `frequencies`; none on a catch trial"},
            {"f2", "Hz", "the second frequency, f1 + difference or f1 - difference"},
            {"higher", "",
             "1 when f2 is above f1 (choice 2), 0 when below (choice 1); -1 on a catch trial"}};
        add_period_task_fields(e, true, "response");
        e.trial_steps = two_stimulus_trial_steps;
        e.output_size = [](const Params&) {
            return 3L;
        };
        e.input_size = [](const Params&) {
            return 2L;
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<ParametricWm>(p);
        };
        return e;
    }();
    return entry;
}

// Pulses on a few channels; each output holds the sign of its channel's last pulse.
const TaskEntry& flip_flop_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "flip_flop";
        e.doc =
            "Random +1/-1 one-step pulses on `bits` channels; output k must hold the sign of "
            "the last pulse on channel k (0 before the first).";
        e.reference = "Sussillo & Barak 2013, Neural Computation 25:626 (the 3-bit flip-flop)";
        e.schema.params =
            shared_trial_params({{{"length", 100.0, 0.0, 1.0, "trial length"}}, 0.0, false});
        e.schema.params.emplace_back("bits", ParamType::Integer, Value{3.0}, 1.0, 1000.0, "",
                                     "channels, each with its own output");
        e.schema.params.emplace_back(
            "rate", ParamType::Real, Value{2.0}, 0.0, 1e6, "Hz",
            "pulses per second on each channel: a pulse in a step with probability rate * dt");
        e.periods = {{"trial", "the whole trial, every step scored"}};
        e.variables = {{"pulses", "", "the pulses of the trial, over every channel"},
                       {"final1", "",
                        "the sign output 1 must hold at the trial's end: that of channel 1's last "
                        "pulse, 0 without one (final2, ... likewise, up to bits)"}};
        add_period_task_fields(e, false, "trial");
        e.trial_steps = [](const Params& p) {
            return Duration::from(p, "length").longest();
        };
        e.output_size = [](const Params& p) {
            return p.integer("bits");
        };
        e.input_size = [](const Params& p) {
            return p.integer("bits");
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<FlipFlop>(p);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
