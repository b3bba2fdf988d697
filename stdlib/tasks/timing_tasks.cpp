// ready_set_go on the period builder: measure an interval between two flashes and produce
// it after the second, as a ramp read out by regression.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "stdlib/entry_list.hpp"
#include "stdlib/tasks/period_trials.hpp"

namespace rnn::stdlib {

namespace {

const std::vector<std::string> kReadySetGoPeriods = {"fixation", "ready", "measure", "set",
                                                     "production"};

// The interval t_s runs from the ready onset to the set onset; the ramp the readout must
// produce runs from the set onset, 0 there and 1 t_s steps later (the go time), then holds 1.
class ReadySetGo final : public PeriodTask<ReadySetGo> {
    friend class TaskWithSignals<ReadySetGo>;
    friend class PeriodTask<ReadySetGo>;

public:
    explicit ReadySetGo(const Params& p)
        : PeriodTask({kReadySetGoPeriods, "set", 3, 1, true, false}, p)
        , fixation_(Duration::from(p, "fixation"))
        , interval_(Duration::from(p, "interval"))
        , flash_(p.integer("flash"))
        , hold_(p.integer("hold")) {
        if (interval_.shortest() <= flash_)
            throw std::invalid_argument(
                "ready_set_go: the shortest interval (" + std::to_string(interval_.shortest())
                + " steps) must be longer than a flash (" + std::to_string(flash_) + " steps)");
    }

    arma::uword conditions() const override {
        return static_cast<arma::uword>(interval_.longest() - interval_.shortest() + 2);
    }

    TrialLayout longest_layout() const { return layout(fixation_.longest(), interval_.longest()); }

    // The condition of a trial is its interval less the shortest (catch trials: the last).
    void write_trial(PeriodBatchWriter& out, arma::uword b, rt::RandomStream& s,
                     bool catch_trial) const {
        const long fixation = fixation_.draw(s);
        const long interval = interval_.draw(s);
        out.begin_trial(
            b, layout(fixation, interval), catch_trial,
            catch_trial ? static_cast<long>(conditions()) - 1 : interval - interval_.shortest());
        out.variable("interval", static_cast<double>(interval));
        if (catch_trial)
            return;  // no flashes, and the readout stays at 0
        out.input(1, "ready", 1.0F);
        out.input(2, "set", 1.0F);
        const arma::uword set = out.layout().at("set").begin;
        for (arma::uword t = set; t < out.layout().length(); ++t)
            out.target_at(
                0, t, std::min(1.0F, static_cast<float>(t - set) / static_cast<float>(interval)));
    }

    static long trial_steps(const Params& p) {
        return Duration::from(p, "fixation").longest() + 2 * Duration::from(p, "interval").longest()
               + p.integer("hold");
    }

private:
    TrialLayout layout(long fixation, long interval) const {
        TrialLayout out;
        out.append("fixation", fixation);
        out.append("ready", flash_);
        out.append("measure", interval - flash_);
        out.append("set", flash_);
        out.append("production", interval - flash_ + hold_);
        return out;
    }

    // timing_error: per trial |t_p - t_s| / t_s, where t_p is twice the steps from the set
    // onset to the first output >= 1/2 (the time a linear ramp through that point reaches 1);
    // the trial's remaining steps when it never does. Catch trials: 0.
    template <typename T>
    rt::Var task_signal(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        if (name != "timing_error")
            throw std::logic_error("ready_set_go has no signal '" + std::string(name) + "'");
        const arma::Mat<T>& y = tape.value(net.outputs);
        const BatchLayouts layouts(shape(), trials);
        arma::Mat<T> out(trials.batch, trials.steps, arma::fill::zeros);
        for (arma::uword b = 0; b < trials.batch; ++b) {
            if (layouts.catch_trial(b))
                continue;
            const arma::uword set = layouts.begin(b, 3), end = layouts.end(b);
            const double interval = static_cast<double>(set - layouts.begin(b, 1));
            double produced = static_cast<double>(end - set);
            for (arma::uword t = set; t < end; ++t)
                if (y(0, t * trials.batch + b) >= T(0.5)) {
                    produced = 2.0 * static_cast<double>(t - set);
                    break;
                }
            out.row(b).fill(static_cast<T>(std::abs(produced - interval) / interval));
        }
        return tape.constant(std::move(out));
    }

    Duration fixation_, interval_;
    long flash_, hold_;
};

}  // namespace

// Ready and set flashes an interval apart; a ramp after set must reach 1 that interval later.
const TaskEntry& ready_set_go_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "ready_set_go";
        e.doc =
            "Ready and set flashes t_s apart; from the set onset the readout must ramp from 0 "
            "to 1 in t_s (the go time), then hold 1.";
        e.reference =
            "Jazayeri & Shadlen 2010, Nat Neurosci 13:1020; ramp readout as Wang, Narain, "
            "Hosseini & Jazayeri 2018, Nat Neurosci 21:102";
        e.schema.params = shared_trial_params(
            {{{"fixation", 5.0, 0.0, 0.0, "fixation before the ready flash"},
              {"interval", 32.0, 8.0, 2.0,
               "the sample interval t_s, ready onset to set onset (by default 480 .. 780 ms, "
               "Jazayeri & Shadlen's short prior)"}},
             0.0,
             true});
        e.schema.params.emplace_back("flash", ParamType::Steps, Value{2.0}, 1.0, 1e7, "steps",
                                     "duration of the ready and the set flash (below t_s)");
        e.schema.params.emplace_back("hold", ParamType::Steps, Value{5.0}, 0.0, 1e7, "steps",
                                     "steps after the go time where the readout must hold 1");
        e.periods = {{"fixation", "fixation before the ready flash"},
                     {"ready", "the ready flash"},
                     {"measure", "from the ready offset to the set onset"},
                     {"set", "the set flash: the ramp starts, the fixation input goes off"},
                     {"production", "from the set offset: the ramp to 1 at t_s, then hold"}};
        e.variables = {{"interval", "steps",
                        "the sample interval t_s drawn, ready onset to set onset (drawn on a "
                        "catch trial too, which shows no flashes)"}};
        add_period_task_fields(e, false, "production");
        e.signals.push_back({"timing_error",
                             "per trial |t_p - t_s| / t_s, t_p twice the steps from set to the "
                             "first readout >= 1/2 (repeated at every step, no gradient)"});
        e.metrics.push_back({"timing_error", "timing_error", rt::TimeReduction::Mean, "production",
                             "relative error of the produced interval (catch trials: 0)"});
        e.trial_steps = ReadySetGo::trial_steps;
        e.output_size = [](const Params&) {
            return 1L;
        };
        e.input_size = [](const Params&) {
            return 3L;
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<ReadySetGo>(p);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
