// Where in a trial an analysis looks: time points and windows named after a task's
// periods, read out of an evaluation's recorded activity. Every analysis entry that reads
// activity goes through these, so "the end of the stimulus" means the same step
// everywhere (docs/analyses.md, "Time points").
//
// Indices are aligned: activity step t is the state after the network has read input
// step t. A state offset k reads step t + k instead; seed 004's analyses read GRU and
// LSTM states one step late (docs/provenance.md §4.2, §4.9), which `state_offset: 1` reproduces.
#pragma once

#include <string>
#include <vector>

#include <armadillo>

#include "stdlib/results.hpp"
#include "stdlib/schema.hpp"

namespace rnn::stdlib {

// A time point as written in a script: "PERIOD.start", "PERIOD.middle", "PERIOD.end"
// (the period's first step, begin + (end - begin) / 2, its last step), optionally
// followed by "+N" or "-N" steps, or a plain step number "120".
struct TimePoint {
    std::string period;  // empty: `step` is absolute
    enum class Anchor { Start, Middle, End } anchor = Anchor::Start;
    long shift = 0;  // steps added to the anchor (or the absolute step)
};

// Parses a time point; throws std::invalid_argument with a message for people.
TimePoint parse_time_point(const std::string& text);

// The step of a time point in trial `trial`, with its own period boundaries when the
// trials' timing differs, plus the state offset. Throws std::invalid_argument naming the
// periods there are when the period is unknown, or when the step falls outside the trial.
arma::uword step_of(const TimePoint& point, const std::vector<Period>& periods, arma::uword trial,
                    arma::uword steps, long state_offset);

// The activity of every trial at one time point: trials x units.
arma::mat activity_at(const EvaluationArg& ev, const std::string& point, long state_offset);

// A window of steps [from, to) of every trial, all trials the same length: either a
// named period (`during`, trial 0's boundaries; an error when the trials' boundaries
// differ) or from/to steps (to = 0: the trial's end). Shifted by the state offset.
struct StepWindow {
    arma::uword from = 0;
    arma::uword to = 0;
};

StepWindow window_of(const EvaluationArg& ev, const Params& options);

// The activity over a window: trials x units x window steps.
arma::cube activity_window(const EvaluationArg& ev, const StepWindow& w);

// The options every activity-reading entry shares, appended to its schema: `at` (when
// `with_at`), `during`, `from`, `to`, `state_offset`.
void add_time_options(Schema& schema, bool with_at, bool with_window);

// A trial label of the evaluation by name, with the names there are in the message when
// it has none of that name.
const std::vector<long>& trial_label(const EvaluationArg& ev, const std::string& name);

// The trials a label is defined for (value >= 0; -1 marks a trial without it, as an item
// past a sequence's end) and the label's value there, as class ids.
struct LabelledTrials {
    arma::uvec trials;
    arma::uvec classes;
};

LabelledTrials labelled_trials(const EvaluationArg& ev, const std::string& name);

}  // namespace rnn::stdlib
