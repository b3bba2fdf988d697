// The period-based trial builder the classic cognitive tasks share (docs/tasks.md).
//
// A trial is a sequence of named periods (fixation, stimulus, delay, response, or a task's
// own), each lasting a fixed or a jittered whole number of steps drawn per trial. Trials of
// one batch have their own timing: every trial is laid out from step 0 and padded to the
// longest trial the parameters allow, so a batch always has the same number of steps and
// trial i is a function of (seed, path, i) alone — whatever batch it lands in. Padding steps
// carry no input and no target, and every mask leaves them out.
//
// The layout of every trial travels with its batch: TrialBatch::periods holds every trial's
// own window per period (so `mean(signal, during: delay)` reduces each trial over its own
// delay, and masks and signals are computed per trial) and TrialBatch::catch_trial which
// trials are catch trials.
#pragma once

#include <string>
#include <vector>

#include <armadillo>

#include "runtime/random.hpp"
#include "runtime/signals.hpp"
#include "stdlib/task.hpp"

namespace rnn::stdlib {

// A duration parameter's value, drawn per trial: `n` steps, `m +- s` (whole steps m - s ..
// m + s - 1, stored as UniformDraw{m - s, m + s}), or a list of durations (one drawn
// uniformly).
struct Duration {
    static Duration from(const Params& p, const std::string& name);

    long draw(rt::RandomStream& s) const;
    long longest() const;
    long shortest() const;

    UniformDraw range;
    std::vector<long> choices;  // a list, when not empty
};

// A duration parameter of a task: its name, its default in steps (at the default dt) with
// an optional jitter (m +- s), and its one-line doc.
struct DurationDefault {
    std::string name;
    double steps = 0.0;
    double jitter = 0.0;
    double min = 0.0;  // the fewest steps allowed
    std::string doc;
};

// The defaults of the shared parameters of a classic task.
struct SharedDefaults {
    std::vector<DurationDefault> durations;
    double noise = 0.1;
    bool grace = true;  // the task scores a response period (a grace applies at its start)
};

// The shared schema fragment every classic task starts with: dt, the task's durations,
// catch, noise and (for tasks that score a response) grace.
std::vector<ParamSpec> shared_trial_params(const SharedDefaults& defaults);

// The shared values read from resolved parameters.
struct SharedSettings {
    explicit SharedSettings(const Params& p);

    double catch_fraction = 0.0;
    double noise = 0.0;
    arma::uword grace = 0;
};

// One trial's timing: periods back to back from step 0.
class TrialLayout {
public:
    void append(const std::string& name, long steps);

    const Period& at(const std::string& name) const;

    const std::vector<Period>& periods() const { return periods_; }

    arma::uword length() const { return periods_.empty() ? 0 : periods_.back().end; }

private:
    std::vector<Period> periods_;
};

// How a classic task lays out its trials and reads its readout.
struct PeriodTaskShape {
    std::vector<std::string> periods;  // every trial's periods, in order
    // The period that starts the response: from its begin to the trial's end the fixation
    // input is off, and those steps (less the grace at their start) are scored; the target
    // of the last scored step is the trial's answer.
    std::string response;
    arma::uword inputs = 0;
    arma::uword outputs = 0;
    bool fixation_input = true;  // input channel 0 is 1 before the response, 0 from it
    // Choice tasks: step_targets is one row of classes (0 = fixate, 1.. the choices, -1 on
    // padding), trained with cross_entropy. Otherwise: `outputs` rows of values (0 on
    // padding), trained with masked_mse.
    bool choice = true;
    // Score the response period alone, not to the trial's end (a paradigm, whose periods
    // may go on after its response: an inter-trial interval).
    bool response_alone = false;
};

// The per-trial timing recovered from a batch (the layouts its builder stored).
struct BatchLayouts {
    BatchLayouts(const PeriodTaskShape& shape, const TrialBatch& batch);

    arma::uword begin(arma::uword b, std::size_t period) const;
    arma::uword end(arma::uword b) const;  // the trial's last step + 1
    // The end of trial b's scored steps: the trial's end, or with `response_alone` the end
    // of the response period.
    arma::uword response_end(arma::uword b) const;
    bool catch_trial(arma::uword b) const;
    // The scored response steps of trial b: [response begin + grace, response_end).
    arma::uword scored_begin(arma::uword b, arma::uword grace) const;

    const PeriodTaskShape& shape;
    const TrialBatch& batch;
    std::size_t response_index = 0;
};

// Writes the trials of one batch: inputs (input_size x batch*steps, column t*batch + b),
// step targets, the stored layouts, conditions and periods.
class PeriodBatchWriter {
public:
    PeriodBatchWriter(const PeriodTaskShape& shape, arma::uword batch, arma::uword steps);

    // Starts trial b: its layout (periods in the shape's order) and whether it is a catch
    // trial. Writes the fixation input and, for choice tasks, the fixation target (class 0)
    // over the whole trial and -1 on its padding.
    void begin_trial(arma::uword b, const TrialLayout& layout, bool catch_trial, long condition);

    // Sets input `channel` to `value` over the named period of the current trial.
    void input(arma::uword channel, const std::string& period, float value);

    void input_at(arma::uword channel, arma::uword t, float value);

    // Adds `value` to input `channel` at step t of the current trial (a paradigm's noise).
    void add_input_at(arma::uword channel, arma::uword t, float value);

    // For choice tasks: target class `c` from the named period's begin to the trial's end.
    void choice_from(const std::string& period, float c);

    void target_at(arma::uword row, arma::uword t, float value);

    // The current trial's value of a variable the task drew (TaskEntry::variables): a
    // quantity, or a category (-1: none, as a catch trial's side).
    void variable(std::string_view name, double value);
    void category(std::string_view name, long value);

    // Gaussian noise of standard deviation sigma on every input channel but the fixation
    // channel, at every step of the current trial (not its padding); sigma is per step,
    // not rescaled with dt.
    void add_noise(double sigma, rt::RandomStream& s);

    const TrialLayout& layout() const { return *layout_; }

    TrialBatch finish();

private:
    const PeriodTaskShape& shape_;
    TrialBatch batch_;
    std::vector<TrialLayout> layouts_;
    const TrialLayout* layout_ = nullptr;
    arma::uword b_ = 0;
};

// The masks of a period task (1 x batch*steps): `response` (the scored response steps) and
// `all` (every step of every trial but the grace steps and the padding).
arma::fmat period_mask(const PeriodTaskShape& shape, std::string_view name,
                       const TrialBatch& trials, arma::uword grace);

// The masks every period task has, for its entry.
std::vector<NamedDoc> period_mask_docs();

// The entry fields every period task shares (set its periods and own variables first): the
// variables the writer adds to every trial after the task's own (catch, then each period's
// onset and duration in steps: delay_onset, delay_duration), its schedule, its masks, and the
// signals and
// metric of its readout: choice tasks `correct` and `choice_accuracy`, regression tasks
// `squared_error`, `error` and `mse` (each metric the per-trial value, reduced over
// `metric_period`, which holds for every trial since the value is the same at every step).
void add_period_task_fields(TaskEntry& e, bool choice, const std::string& metric_period);

// The readout's signals and metrics alone (add_period_task_fields' last part), for tasks
// that are not laid out in periods (arrays).
void add_readout_fields(TaskEntry& e, bool choice, const std::string& metric_period);

// Choice tasks' signals, from the class whose logit, averaged over the trial's scored
// response steps, is the largest (the trial's choice): `correct` (1 when it is the trial's
// target class), `choice` (the class) and `chose_1` (1 when it is class 1). The value is
// repeated at every step of the trial (batch x steps, no gradient).
arma::mat choice_signal(std::string_view name, const PeriodTaskShape& shape,
                        const arma::mat& logits, const TrialBatch& trials, arma::uword grace);

// choice_signal's values for trials scored where `scored` (1 x batch*steps) is not 0, against
// each trial's target class (`target`, one per trial): a trial without a scored step gets 0.
arma::mat masked_choice_signal(std::string_view name, const arma::mat& logits,
                               const TrialBatch& trials, const arma::fmat& scored,
                               const std::vector<long>& target);

// Regression tasks: per trial, the squared error summed over outputs and averaged over the
// scored steps from `from_period`'s begin to the trial's end (less the grace), repeated at
// every step (no gradient).
arma::mat trial_mean_error(const PeriodTaskShape& shape, const arma::mat& outputs,
                           const TrialBatch& trials, const std::string& from_period,
                           arma::uword grace);

// trial_mean_error over the steps where `scored` (1 x batch*steps) is not 0, whichever.
arma::mat masked_trial_error(const arma::mat& outputs, const TrialBatch& trials,
                             const arma::fmat& scored);

// What a classic task implements (Derived): input_size, output_size, conditions and
//   TrialLayout longest_layout() const;  the longest trial (the steps of every batch)
//   void write_trial(PeriodBatchWriter&, arma::uword b, rt::RandomStream&, bool catch_trial)
//       draws trial b's timing and condition, starts it and writes its stimulus and targets
//   template <typename T> rt::Var task_signal(name, tape, net, trials) const
//       (optional) signals of its own; throws for an unknown name.
// The base builds batches (trial b from draws.trial(b): first the catch draw, then the
// task's draws, then the noise), masks, and the signals `correct` (choice tasks) or
// `squared_error` and `error` (regression tasks).
template <typename Derived> class PeriodTask : public TaskWithSignals<Derived> {
    friend class TaskWithSignals<Derived>;

public:
    PeriodTask(PeriodTaskShape shape, const Params& p) : shape_(std::move(shape)), shared_(p) {}

    arma::uword input_size() const override { return shape_.inputs; }

    arma::uword output_size() const override { return shape_.outputs; }

    arma::uword steps() const override { return derived().longest_layout().length(); }

    std::vector<Period> periods() const override { return derived().longest_layout().periods(); }

    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        return make_batch(request.batch_size, draws);
    }

    // Fresh trials, 200 unless asked.
    TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const override {
        return make_batch(count > 0 ? count : kEvaluationTrials, draws);
    }

    arma::fmat mask(std::string_view name, const TrialBatch& trials) const override {
        if (name != "response" && name != "all")
            return TaskInstance::mask(name, trials);
        return period_mask(shape_, name, trials, shared_.grace);
    }

    const PeriodTaskShape& shape() const { return shape_; }

    const SharedSettings& shared() const { return shared_; }

protected:
    TrialBatch make_batch(arma::uword count, const TrialDraws& draws) const {
        PeriodBatchWriter out(shape_, count, steps());
        for (arma::uword b = 0; b < count; ++b) {
            rt::RandomStream s = draws.trial(b);
            // Drawn first and always, so the rest of a trial's draws do not depend on it.
            const bool catch_trial = s.uniform_double() < shared_.catch_fraction;
            derived().write_trial(out, b, s, catch_trial);
            out.add_noise(shared_.noise, s);
        }
        return out.finish();
    }

    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        if (shape_.choice && (name == "correct" || name == "choice" || name == "chose_1"))
            return tape.constant(arma::conv_to<arma::Mat<T>>::from(
                choice_signal(name, shape_, arma::conv_to<arma::mat>::from(tape.value(net.outputs)),
                              trials, shared_.grace)));
        if (!shape_.choice && name == "squared_error")
            return rt::squared_error_signal(tape, net.outputs,
                                            arma::conv_to<arma::Mat<T>>::from(trials.step_targets),
                                            trials.batch);
        if (!shape_.choice && name == "error")
            return tape.constant(arma::conv_to<arma::Mat<T>>::from(
                trial_mean_error(shape_, arma::conv_to<arma::mat>::from(tape.value(net.outputs)),
                                 trials, shape_.response, shared_.grace)));
        return derived().task_signal(name, tape, net, trials);
    }

    // Tasks without signals of their own.
    template <typename T>
    rt::Var task_signal(std::string_view name, rt::Tape<T>&, const rt::NetworkVars&,
                        const TrialBatch&) const {
        throw std::logic_error("the task has no signal '" + std::string(name) + "'");
    }

    // The layout from the task's duration parameters, in the shape's period order.
    // (s == nullptr: the longest durations.)
    static TrialLayout layout_of(const std::vector<std::string>& names,
                                 const std::vector<Duration>& durations, rt::RandomStream* s) {
        TrialLayout out;
        for (std::size_t i = 0; i < names.size(); ++i)
            out.append(names[i], s ? durations[i].draw(*s) : durations[i].longest());
        return out;
    }

private:
    const Derived& derived() const { return static_cast<const Derived&>(*this); }

    PeriodTaskShape shape_;
    SharedSettings shared_;
};

}  // namespace rnn::stdlib
