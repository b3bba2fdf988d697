// Decision tasks on the period builder: perceptual_dm, context_dm, go_no_go. Each has
// the periods fixation, stimulus, delay and response; the fixation input (channel 0) goes
// off at the response, which is the go cue; output 0 is "fixate", 1.. the choices.
#include <string>
#include <vector>

#include "stdlib/entry_list.hpp"
#include "stdlib/tasks/period_trials.hpp"

namespace rnn::stdlib {

namespace {

const std::vector<std::string> kDecisionPeriods = {"fixation", "stimulus", "delay", "response"};

// The shared durations of the decision tasks, in steps at dt = 20 ms.
SharedDefaults decision_defaults(double stimulus_steps, double delay_steps, double delay_jitter,
                                 double noise) {
    return {{{"fixation", 5.0, 0.0, 0.0, "fixation before the stimulus"},
             {"stimulus", stimulus_steps, 0.0, 1.0, "stimulus presentation"},
             {"delay", delay_steps, delay_jitter, 0.0, "delay between stimulus and response"},
             {"response", 5.0, 0.0, 1.0, "response period (fixation input off: go)"}},
            noise,
            true};
}

std::vector<Duration> decision_durations(const Params& p) {
    std::vector<Duration> out;
    for (const auto& name : kDecisionPeriods)
        out.push_back(Duration::from(p, name));
    return out;
}

long decision_trial_steps(const Params& p) {
    long total = 0;
    for (const auto& d : decision_durations(p))
        total += d.longest();
    return total;
}

// Coherence c in [0, 1] towards `side` (0 or 1) of a pair of channels: (1 + c) / 2 on the
// favoured one, (1 - c) / 2 on the other (as NeuroGym's PerceptualDecisionMaking).
void evidence(PeriodBatchWriter& out, arma::uword first_channel, long side, double c) {
    const auto favoured = first_channel + static_cast<arma::uword>(side);
    const auto other = first_channel + static_cast<arma::uword>(1 - side);
    out.input(favoured, "stimulus", static_cast<float>((1.0 + c) / 2.0));
    out.input(other, "stimulus", static_cast<float>((1.0 - c) / 2.0));
}

ParamSpec coherence_param(const std::string& name, const std::string& doc) {
    return {name,
            ParamType::Draw,
            Value{UniformDraw{3.2, 51.2}},
            0.0,
            100.0,
            "%",
            doc + "; a number, uniform(low, high) drawn per trial, or a list [a, b, ...] of "
                  "which one is drawn uniformly per trial"};
}

// --- perceptual_dm ---------------------------------------------------------------------

class PerceptualDm final : public PeriodTask<PerceptualDm> {
public:
    explicit PerceptualDm(const Params& p)
        : PeriodTask({kDecisionPeriods, "response", 3, 3, true, true}, p)
        , durations_(decision_durations(p))
        , coherence_(NumberDraw::from(p, "coherence")) {}

    arma::uword conditions() const override { return 3; }

    TrialLayout longest_layout() const { return layout_of(kDecisionPeriods, durations_, nullptr); }

    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const TrialLayout layout = layout_of(kDecisionPeriods, durations_, &s);
        const long side = s.uniform_int(0, 1);
        const double c = coherence_.draw(s) / 100.0;
        out.begin_trial(b, layout, catch_trial, catch_trial ? 2 : side);
        // A catch trial shows no stimulus: it has no side and no coherence.
        out.category("side", catch_trial ? -1 : side);
        out.variable("coherence", catch_trial ? arma::datum::nan : 100.0 * c);
        // + 0.0: coherence 0 is 0 on both sides, never -0 (trials.csv would show it).
        out.variable("signed_coherence",
                     catch_trial ? arma::datum::nan : (side == 0 ? 100.0 : -100.0) * c + 0.0);
        if (catch_trial)
            return;
        evidence(out, 1, side, c);
        out.choice_from("response", static_cast<float>(1 + side));
    }

private:
    std::vector<Duration> durations_;
    NumberDraw coherence_;
};

// --- context_dm ------------------------------------------------------------------------

class ContextDm final : public PeriodTask<ContextDm> {
public:
    explicit ContextDm(const Params& p)
        : PeriodTask({kDecisionPeriods, "response", 7, 3, true, true}, p)
        , durations_(decision_durations(p))
        , motion_(NumberDraw::from(p, "motion_coherence"))
        , colour_(NumberDraw::from(p, "colour_coherence")) {}

    arma::uword conditions() const override { return 5; }

    TrialLayout longest_layout() const { return layout_of(kDecisionPeriods, durations_, nullptr); }

    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const TrialLayout layout = layout_of(kDecisionPeriods, durations_, &s);
        const long context = s.uniform_int(0, 1);  // 0: report motion, 1: report colour
        const long motion_side = s.uniform_int(0, 1);
        const double motion = motion_.draw(s) / 100.0;
        const long colour_side = s.uniform_int(0, 1);
        const double colour = colour_.draw(s) / 100.0;
        const long side = context == 0 ? motion_side : colour_side;
        out.begin_trial(b, layout, catch_trial, catch_trial ? 4 : 2 * context + side);
        out.category("context", context);
        out.category("motion_side", catch_trial ? -1 : motion_side);
        out.variable("motion_coherence", catch_trial ? arma::datum::nan : 100.0 * motion);
        out.category("colour_side", catch_trial ? -1 : colour_side);
        out.variable("colour_coherence", catch_trial ? arma::datum::nan : 100.0 * colour);
        // The context cue stays on for the whole trial, catch trials included: it is an
        // instruction, not the stimulus.
        for (const auto& period : kDecisionPeriods)
            out.input(5 + static_cast<arma::uword>(context), period, 1.0F);
        if (catch_trial)
            return;
        evidence(out, 1, motion_side, motion);
        evidence(out, 3, colour_side, colour);
        out.choice_from("response", static_cast<float>(1 + side));
    }

private:
    std::vector<Duration> durations_;
    NumberDraw motion_, colour_;
};

// --- go_no_go ----------------------------------------------------------------------------

class GoNoGo final : public PeriodTask<GoNoGo> {
public:
    explicit GoNoGo(const Params& p)
        : PeriodTask({kDecisionPeriods, "response", 3, 2, true, true}, p)
        , durations_(decision_durations(p))
        , go_(p.real("go")) {}

    arma::uword conditions() const override { return 3; }

    TrialLayout longest_layout() const { return layout_of(kDecisionPeriods, durations_, nullptr); }

    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const TrialLayout layout = layout_of(kDecisionPeriods, durations_, &s);
        const bool go = s.uniform_double() < go_;
        out.begin_trial(b, layout, catch_trial, catch_trial ? 2 : go ? 0 : 1);
        out.category("go", catch_trial ? -1 : go ? 1 : 0);
        if (catch_trial)
            return;
        out.input(go ? 1 : 2, "stimulus", 1.0F);
        if (go)
            out.choice_from("response", 1.0F);  // a no-go trial keeps fixating (class 0)
    }

private:
    std::vector<Duration> durations_;
    double go_;
};

void decision_entry_fields(TaskEntry& e) {
    e.periods = {{"fixation", "fixation before the stimulus"},
                 {"stimulus", "the stimulus"},
                 {"delay", "the delay (may be empty)"},
                 {"response", "the response: fixation input off, the choice is scored"}};
    add_period_task_fields(e, true, "response");
    e.trial_steps = decision_trial_steps;
}

}  // namespace

// Two noisy evidence channels of opposite strength; choose the stronger at the response.
const TaskEntry& perceptual_dm_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "perceptual_dm";
        e.doc =
            "Random-dots motion discrimination: two noisy evidence channels, (1 + c) / 2 and "
            "(1 - c) / 2; report the stronger one when the fixation input goes off.";
        e.reference =
            "Newsome, Britten & Movshon 1989, Nature 341:52; Britten et al. 1992, J Neurosci "
            "12:4745; as NeuroGym's PerceptualDecisionMaking and Song, Yang & Wang 2016, PLoS "
            "Comput Biol 12:e1004792";
        e.schema.params = shared_trial_params(decision_defaults(25.0, 0.0, 0.0, 0.3));
        e.schema.params.push_back(
            coherence_param("coherence", "motion coherence c (percent) of each trial"));
        e.variables = {
            {"side", "",
             "the stronger evidence channel: 0 (input 1, choice 1) or 1 (input 2, choice 2); "
             "-1 on a catch trial"},
            {"coherence", "%",
             "the coherence c drawn; inputs 1 + side and 2 - side get "
             "(1 + c/100) / 2 and (1 - c/100) / 2"},
            {"signed_coherence", "%",
             "coherence signed towards choice 1: +c when side = 0, -c when side = 1 (the x of "
             "a psychometric curve of chose_1)"}};
        decision_entry_fields(e);
        e.output_size = [](const Params&) {
            return 3L;
        };
        e.input_size = [](const Params&) {
            return 3L;
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<PerceptualDm>(p);
        };
        return e;
    }();
    return entry;
}

// Two modalities (motion, colour), a context cue says which one to report.
const TaskEntry& context_dm_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "context_dm";
        e.doc =
            "Context-dependent integration: motion and colour evidence at once, a context cue "
            "(on all trial) says which to report when the fixation input goes off (the go cue).";
        e.reference =
            "Mante, Sussillo, Shenoy & Newsome 2013, Nature 503:78; as NeuroGym's "
            "ContextDecisionMaking";
        e.schema.params = shared_trial_params(decision_defaults(25.0, 10.0, 5.0, 0.3));
        e.schema.params.push_back(
            coherence_param("motion_coherence", "motion coherence (percent) of each trial"));
        e.schema.params.push_back(
            coherence_param("colour_coherence", "colour coherence (percent) of each trial"));
        e.variables = {
            {"context", "", "which modality to report: 0 motion (input 5), 1 colour (input 6)"},
            {"motion_side", "",
             "the stronger motion channel: 0 (input 1, choice 1) or 1 (input 2, choice 2); -1 "
             "on a catch trial"},
            {"motion_coherence", "%", "the motion coherence drawn"},
            {"colour_side", "",
             "the stronger colour channel: 0 (input 3, choice 1) or 1 (input 4, choice 2); -1 "
             "on a catch trial"},
            {"colour_coherence", "%", "the colour coherence drawn"}};
        decision_entry_fields(e);
        e.output_size = [](const Params&) {
            return 3L;
        };
        e.input_size = [](const Params&) {
            return 7L;
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<ContextDm>(p);
        };
        return e;
    }();
    return entry;
}

// Respond on a go stimulus, keep fixating on a no-go stimulus.
const TaskEntry& go_no_go_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "go_no_go";
        e.doc =
            "A go or a no-go stimulus, a delay, then respond (output 1) after a go stimulus and "
            "keep fixating (output 0) after a no-go one.";
        e.reference = "Donders 1868 (transl. 1969, Acta Psychol 30:412); as NeuroGym's GoNogo";
        e.schema.params = shared_trial_params(decision_defaults(5.0, 10.0, 5.0, 0.1));
        e.schema.params.emplace_back("go", ParamType::Real, Value{0.5}, 0.0, 1.0, "",
                                     "fraction of go trials among the non-catch trials");
        e.variables = {{"go", "",
                        "1 for a go stimulus (input 1: respond), 0 for a no-go one (input 2: "
                        "keep fixating); -1 on a catch trial"}};
        decision_entry_fields(e);
        e.output_size = [](const Params&) {
            return 2L;
        };
        e.input_size = [](const Params&) {
            return 3L;
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<GoNoGo>(p);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
