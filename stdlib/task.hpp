// The interface every stdlib task implements, and the entry that registers it. A task
// makes trials (inputs, per-trial conditions), names its periods (windows of time steps)
// and signals (per-trial, per-step quantities computed from the network's outputs on the
// tape), and defines its metrics as reductions of signals over periods.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <armadillo>

#include "runtime/network.hpp"
#include "runtime/random.hpp"
#include "runtime/signals.hpp"
#include "runtime/tape.hpp"
#include "stdlib/schema.hpp"

namespace rnn::stdlib {

// A window of state indices [begin, end): index t is the state after input step t. When
// the trials of a batch have different timings (random durations, mixed sequence lengths),
// trial b's window is [trial_begin[b], trial_end[b]) and begin/end are trial 0's (what a
// figure marks); otherwise every trial shares [begin, end).
struct Period {
    Period() = default;

    Period(std::string name_, arma::uword begin_, arma::uword end_)
        : name(std::move(name_)), begin(begin_), end(end_) {}

    std::string name;
    arma::uword begin = 0;
    arma::uword end = 0;
    std::vector<arma::uword> trial_begin;
    std::vector<arma::uword> trial_end;

    bool per_trial() const { return !trial_begin.empty(); }

    arma::uword begin_of(arma::uword b) const { return per_trial() ? trial_begin.at(b) : begin; }

    arma::uword end_of(arma::uword b) const { return per_trial() ? trial_end.at(b) : end; }
};

// One quantity a task drew for each trial of a batch (perceptual_dm's coherence,
// integration_memory's onset, sequence_wm's item at each position): one value per trial,
// in the batch's trial order. An evaluation writes them to trials.csv, and analyses and
// figures group trials by them (TaskEntry::variables documents each).
// A category (side, context, an item) holds whole numbers, -1 where the trial has none (a
// catch trial's side, a position past a sequence's end); a quantity (coherence, onset) any
// number, NaN where the trial has none. They differ only as labels (variable_labels).
struct TrialVariable {
    std::string name;
    std::vector<double> values;
    bool category = false;
};

struct TrialBatch {
    arma::fmat inputs;   // input_size x (batch * steps), column t * batch + b
    arma::fmat targets;  // per-trial reference vectors (memory_recall: the clean
                         // pattern of each trial), units x batch
    // The target of the readout at every step, output_size x (batch * steps), for tasks
    // trained through a readout (empty otherwise).
    arma::fmat step_targets;
    std::vector<long> condition;  // which condition (pattern, class) each trial shows
    arma::uword batch = 0;
    arma::uword steps = 0;
    // The initial state of every unit in these trials, when the task sets one (seed 002's
    // spontaneous trial starts at h0 = 0.1); otherwise the network's own h0.
    std::optional<float> initial_state;
    // The periods of these trials when their timing differs from batch to batch (sequence
    // lengths); empty: TaskInstance::periods().
    std::vector<Period> periods;
    // 1 for a catch trial (no stimulus, no response asked), for tasks that have them.
    std::vector<std::uint8_t> catch_trial;
    // The labels analyses decode or group by, beyond `condition`: one per variable, made
    // from `variables` by variable_labels() when the task's batch is made (one value per
    // trial; -1 where the trial has none).
    std::map<std::string, std::vector<long>> labels;
    // Every variable the task drew for these trials, in the order its entry lists them
    // (TaskEntry::variables); set_variable() fills them.
    std::vector<TrialVariable> variables;
};

// Sets variable `name` of trial `trial` in a batch of `batch.batch` trials (adding the
// variable, NaN for the trials not set yet, on its first use).
void set_variable(TrialBatch& batch, std::string_view name, arma::uword trial, double value);

// As set_variable, for a category: a whole number, -1 where the trial has none.
void set_category(TrialBatch& batch, std::string_view name, arma::uword trial, long value);

// The variable `name` of a batch, or nullptr.
const TrialVariable* find_variable(const TrialBatch& batch, std::string_view name);

// The label of each variable, per trial (docs/analyses.md, "Labels"): a category's own
// value; a quantity's trials grouped by distinct value, numbered 0, 1, ... in ascending
// order of the value. -1 where the trial has none (a negative category, NaN).
std::map<std::string, std::vector<long>> variable_labels(const std::vector<TrialVariable>& vars);

// A Draw parameter's value for one trial: a fixed number, uniform(low, high), or one of a
// list [a, b, ...] drawn uniformly (the coherences of a psychometric curve).
struct NumberDraw {
    static NumberDraw from(const Params& p, const std::string& name);

    double draw(rt::RandomStream& s) const;

    UniformDraw range;
    std::vector<double> choices;  // a list, when not empty
};

// Where the random draws of a batch come from. Trial i of a batch draws from its own
// stream, keyed by (the batch source's key, the trial's index counted over the whole
// source), so every trial is a function of (seed, the path of whoever asks, trial index):
// the same whatever was drawn before it, whatever the batch size, the thread count or the
// order in which trials are built. Draws that concern a whole batch (which sequence
// length, which trials of a fixed pool) come from the stream of the batch itself.
class TrialDraws {
public:
    TrialDraws(std::uint64_t key, std::uint64_t first_trial) : key_(key), first_(first_trial) {}

    // The stream of the batch's trial i (global index first_trial + i).
    rt::RandomStream trial(arma::uword i) const {
        return rt::RandomStream(rt::stream_key(key_, "trial", first_ + i));
    }

    // The stream of the batch-level draws.
    rt::RandomStream batch() const {
        return rt::RandomStream(rt::stream_key(key_, "batch", first_));
    }

    std::uint64_t first_trial() const { return first_; }

private:
    std::uint64_t key_;
    std::uint64_t first_;
};

// What the training loop asks of a task: the trials of step `step` (0-based, counted over
// the whole training) of epoch `epoch`, `batch_size` trials (the train's `batch`).
struct BatchRequest {
    long epoch = 0;
    long step = 0;
    arma::uword batch_size = 1;
    std::string_view schedule;
    long level = 0;  // for tasks with levels(): the level (sequence length) to use; 0: any
    // When not empty (a curriculum's mixed replay): the level of each trial, batch_size of
    // them; the batch mixes levels.
    std::vector<long> trial_levels = {};
};

struct SignalSpec {
    std::string name;
    std::string doc;
};

// A metric is a signal reduced over a period per trial (and averaged over trials when
// a batch summary is wanted).
struct MetricSpec {
    std::string name;
    std::string signal;
    rt::TimeReduction reduction = rt::TimeReduction::Mean;
    std::string period;
    std::string doc;
};

struct NamedDoc {
    std::string name;
    std::string doc;
};

struct VariableDoc {
    std::string name;
    std::string unit;
    std::string doc;
};

class TaskInstance {
public:
    virtual ~TaskInstance() = default;

    virtual arma::uword input_size() const = 0;
    virtual arma::uword steps() const = 0;
    virtual std::vector<Period> periods() const = 0;
    virtual arma::uword conditions() const = 0;

    // The difficulty levels a curriculum steps through, ascending (sequence_wm: its
    // lengths); empty for tasks without.
    virtual std::vector<long> levels() const { return {}; }

    // The size of the readout the task's targets need (0: the task reads the states).
    virtual arma::uword output_size() const { return 0; }

    // The trials of one training step under the named schedule (checked beforehand
    // against the entry's schedule list). Random draws come from `draws`; the caller
    // advances its trial index by the batch's size.
    TrialBatch training_batch(const BatchRequest& request, const TrialDraws& draws) const {
        return labelled(make_training_batch(request, draws));
    }

    // Fresh trials for evaluation: `count` of them, or the task's own number when count is
    // 0 (memory_recall: one per pattern).
    TrialBatch evaluation_batch(const TrialDraws& draws, arma::uword count) const {
        return labelled(make_evaluation_batch(draws, count));
    }

    // A signal (batch x steps) from the network's forward pass (its states, rates and
    // readout, each features x (batch * steps)).
    virtual rt::Var signal(std::string_view name, rt::Tape<float>& tape, const rt::NetworkVars& net,
                           const TrialBatch& trials) const = 0;
    virtual rt::Var signal(std::string_view name, rt::Tape<double>& tape,
                           const rt::NetworkVars& net, const TrialBatch& trials) const = 0;

    // A named constant matrix of the task ("patterns"), or of a batch ("current_pattern").
    virtual arma::fmat matrix(std::string_view name, const TrialBatch* trials) const {
        (void)trials;
        throw std::logic_error("the task has no matrix '" + std::string(name) + "'");
    }

    // A named mask over the steps of a batch (TaskEntry::masks), 1 x (batch * steps): which
    // steps a masked loss counts.
    virtual arma::fmat mask(std::string_view name, const TrialBatch& trials) const {
        (void)trials;
        throw std::logic_error("the task has no mask '" + std::string(name) + "'");
    }

protected:
    // What training_batch and evaluation_batch return, before their labels are made from
    // their variables (so every task's labels are made in one place).
    virtual TrialBatch make_training_batch(const BatchRequest& request,
                                           const TrialDraws& draws) const = 0;
    virtual TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const = 0;

private:
    static TrialBatch labelled(TrialBatch batch) {
        batch.labels = variable_labels(batch.variables);
        return batch;
    }
};

// Where a task's entry comes from: the stdlib, or a script that declares the task itself
// (`paradigm`: trials written in the language; `arrays`: trials read from .npy files). The
// stdlib registers `paradigm` and `arrays` with schemas that document their fields; the
// checker makes each declared task's own entry (interpreter/check/declared_task.hpp).
enum class TaskOrigin { Stdlib, Paradigm, Arrays };

// Fresh trials an evaluation draws unless its block or its task says otherwise.
inline constexpr arma::uword kEvaluationTrials = 200;

struct TaskEntry {
    TaskOrigin origin = TaskOrigin::Stdlib;
    std::string name;
    std::string doc;        // one line
    std::string reference;  // where the task comes from
    Schema schema;
    std::vector<SignalSpec> signals;
    std::vector<NamedDoc> periods;
    std::vector<MetricSpec> metrics;
    std::vector<NamedDoc> schedules;  // the first is the default
    std::vector<NamedDoc> matrices;   // names usable as `task.NAME` in expressions
    std::vector<NamedDoc> masks;      // for masked losses: masked_mse(output, target, mask: M)
    // Every quantity its trials draw (TrialBatch::variables), in the order trials.csv shows
    // them, with its unit ("" for a category or a count) and one-line doc; a numbered
    // family by its first member (item1). Each is a label too, beside `condition`.
    std::vector<VariableDoc> variables;
    // The name of each input row, where the task names them (a paradigm's channels:
    // "fixation", "motion 1", "motion 2"); empty: figures say "input N".
    std::vector<std::string> input_names;
    // Bytes the task holds while it makes trials, where that is not small (an arrays task's
    // arrays); empty: negligible. The memory estimate (E0630) counts it.
    std::function<double(const Params&)> held_bytes;
    // The readout size the task's targets need with these parameters (0: none).
    std::function<long(const Params&)> output_size;
    // The input width of its trials with these parameters (`TASK.inputs` in scripts).
    std::function<long(const Params&)> input_size;
    // Which parameter says how many units the network's state must have (or "").
    std::string units_param;
    // The number of steps of one trial with these parameters (for checking time windows).
    std::function<long(const Params&)> trial_steps;
    // The trials of one training step where the schedule, not the train's `batch`, decides
    // (memory_recall: one pattern, or all of them); empty: `batch`. For memory estimates.
    std::function<long(const Params&, std::string_view schedule, long batch)> step_trials;
    // The trials of an evaluation without `trials = N` (memory_recall: one per pattern);
    // empty: kEvaluationTrials.
    std::function<long(const Params&)> evaluation_trials;
    std::function<std::unique_ptr<TaskInstance>(const Params&, rt::RandomStream& setup)> make;
};

// Sets an entry's input_size, output_size and trial_steps to numbers that do not depend on
// its parameters (a task the script declares: its sizes are known once it is checked).
void set_fixed_sizes(TaskEntry& e, long inputs, long outputs, long steps);

// What a script may name in a task, as the checker checks options that refer to it
// (TaskRef). Periods and labels may be numbered members of a family the entry lists by
// name or by its first member: stimulus2 where it lists stimulus, item3 where it lists
// item1.
std::vector<std::string> period_names(const TaskEntry& task);
bool has_period(const TaskEntry& task, std::string_view name);
// "condition", then the task's variables (each is a label).
std::vector<std::string> label_names(const TaskEntry& task);
bool has_label(const TaskEntry& task, std::string_view name);
// A label, or the stem of a numbered family of them ("item" for item1, item2, ...).
bool has_label_family(const TaskEntry& task, std::string_view name);

// The two signal overloads of a task written once: Derived::signal_impl<T>(name, tape,
// net, trials) serves both the float (training) and the double (gradient check) tape.
template <typename Derived> class TaskWithSignals : public TaskInstance {
public:
    rt::Var signal(std::string_view name, rt::Tape<float>& tape, const rt::NetworkVars& net,
                   const TrialBatch& trials) const override {
        return static_cast<const Derived&>(*this).signal_impl(name, tape, net, trials);
    }

    rt::Var signal(std::string_view name, rt::Tape<double>& tape, const rt::NetworkVars& net,
                   const TrialBatch& trials) const override {
        return static_cast<const Derived&>(*this).signal_impl(name, tape, net, trials);
    }
};

// The periods that apply to a batch.
inline std::vector<Period> periods_of(const TaskInstance& task, const TrialBatch& batch) {
    return batch.periods.empty() ? task.periods() : batch.periods;
}

}  // namespace rnn::stdlib
