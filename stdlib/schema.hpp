// Typed parameter schemas of stdlib entries. A schema drives three things: checking a
// script (types, ranges, units, required, did-you-mean), `rnn doc` (docs/stdlib.md), and
// reading resolved values inside the entry. Keeping them in one table per entry is what
// keeps the docs from drifting from the code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rnn::stdlib {

// A value drawn per trial: uniform(low, high) — one draw in [low, high) each time.
struct UniformDraw {
    double low = 0.0;
    double high = 0.0;
};

// The value of a parameter after checking: numbers (integers are stored exactly in a
// double), booleans, strings (and enumeration choices), per-trial draws, lists of numbers,
// lists of strings.
using Value = std::variant<double, bool, std::string, UniformDraw, std::vector<double>,
                           std::vector<std::string>>;

enum class ParamType {
    Integer,  // a whole number
    Real,     // any number
    Steps,    // a duration: `N steps`, or ms/s converted to steps through the task's dt
    Time,     // a time in ms: `N ms` or `N s` (stored in ms), e.g. a dt or a time constant
    Bool,
    String,
    Choice,  // one name out of `choices`
    Draw,    // a number, uniform(low, high) drawn per trial, or a list (one drawn uniformly)
    // A duration as Steps, or `m +- s` (both durations): whole steps drawn per trial from
    // m - s to m + s - 1, stored as UniformDraw{m - s, m + s} (high excluded); a plain
    // duration n is stored as n; a list of durations [a, b, ...] (probe trials, one per
    // element) as a list of steps.
    JitteredSteps,
    IntegerList,  // [a, b, ...] of whole numbers (a single number n is [n]); not empty
    StringList,   // ["a", "b", ...] of strings (a single string "a" is ["a"]); not empty
    // A file named by a string, relative to the script that names it. The checker refuses
    // anything but a readable regular file and stores the resolved path (a string); tasks
    // put the file's content hash into their node key, so a changed file re-runs.
    File,
    // A name written bare that the entry's arguments define, checked against them before
    // anything runs: a loop variable of the sweep that made the results argument
    // (curve's `over: n`), or a column of the training argument's history (`metric: loss`).
    LoopVariable,
    HistoryColumn,
    // A block of declarations that the checker of a declared task reads itself (a
    // paradigm's variables, periods and inputs, its target): documented, never resolved
    // into Params.
    Declaration,
};

std::string_view param_type_name(ParamType t);

// What an option names in the task that the entry's evaluation (or training) runs, beyond
// its type: a String option that is a time point, a period or a trial label, a Steps
// option that bounds a window. The checker checks such an option against that task's
// periods, labels and trial length before anything runs.
enum class TaskRef {
    None,
    TimePoint,    // PERIOD.start|middle|end, +N or -N steps, or a step (parse_time_point)
    Period,       // one of the task's periods, or a numbered one of them ("": none)
    WindowFrom,   // a window's first step, inside the trial
    WindowTo,     // the step after a window, inside the trial (0: the trial's end)
    TrialLabel,   // a label its trials carry: condition, or one of the task's own ("": none)
    LabelFamily,  // a trial label, or the stem of a numbered family of them ("item")
    Variable,     // one of the variables its trials draw (TaskEntry::variables)
    Metric,       // one of its metrics
};

// How `rnn doc` names what a TaskRef option takes ("" for None: its type says it).
std::string_view task_ref_name(TaskRef r);

struct ParamSpec {
    ParamSpec(std::string name_, ParamType type_, std::optional<Value> default_,
              std::optional<double> min_, std::optional<double> max_, std::string unit_,
              std::string doc_, std::vector<std::string> choices_ = {})
        : name(std::move(name_))
        , type(type_)
        , default_value(std::move(default_))
        , min(min_)
        , max(max_)
        , unit(std::move(unit_))
        , doc(std::move(doc_))
        , choices(std::move(choices_)) {}

    std::string name;
    ParamType type = ParamType::Real;
    std::optional<Value> default_value;  // none: the parameter is required
    std::optional<double> min;           // inclusive bounds, for numbers and draws
    std::optional<double> max;
    std::string unit;                  // shown in docs and messages ("steps", "trials", "")
    std::string doc;                   // one line
    std::vector<std::string> choices;  // for Choice
    // Without a default, the parameter is required unless it is optional: then it may be
    // left out, and Params::has() says whether it was given.
    bool optional = false;
    // For a duration in steps whose default stands for a time: the step length (ms) at
    // which the default holds. A block with another `dt` gets the default rescaled to the
    // same time (rounded to whole steps), so changing dt alone keeps the task's timing.
    double default_at_dt = 0.0;
    // What the value names in the task (TaskRef), and the words taken as they are instead
    // (fixed_points' input: "zero").
    TaskRef ref = TaskRef::None;
    std::vector<std::string> literals;

    bool required() const { return !default_value.has_value() && !optional; }

    // This spec, naming `r` in the task (for entry tables: `ParamSpec{...}.refers_to(...)`).
    ParamSpec refers_to(TaskRef r, std::vector<std::string> words = {}) && {
        ref = r;
        literals = std::move(words);
        return std::move(*this);
    }
};

struct Schema {
    std::vector<ParamSpec> params;

    const ParamSpec* find(std::string_view name) const;
    std::vector<std::string> names() const;
};

// Resolved parameter values of one stdlib entry instance, read by the entry's code. The
// checker guarantees every value is present and of its schema type, so the accessors
// throw std::logic_error only on a programming error.
class Params {
public:
    void set(const std::string& name, Value v) { values_[name] = std::move(v); }

    bool has(const std::string& name) const { return values_.count(name) != 0; }

    const Value& get(const std::string& name) const;

    double real(const std::string& name) const;
    long integer(const std::string& name) const;
    bool flag(const std::string& name) const;
    const std::string& text(const std::string& name) const;
    UniformDraw draw(const std::string& name) const;  // a plain number n gives [n, n]
    std::vector<long> integers(const std::string& name) const;
    const std::vector<std::string>& texts(const std::string& name) const;

    const std::map<std::string, Value>& values() const { return values_; }

private:
    std::map<std::string, Value> values_;
};

// Fills every missing value with its schema default.
Params with_defaults(const Schema& schema, Params given);

// A value as the .rnn source would write it (for manifests and docs).
std::string format_value(const Value& v);

}  // namespace rnn::stdlib
