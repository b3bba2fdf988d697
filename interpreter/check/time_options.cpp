#include "interpreter/check/time_options.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/analyses/activity.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp::checker {

namespace {

using stdlib::TaskRef;

// The task of the first evaluation argument (or training, with `trainings`) in the
// program. An evaluation or training with errors of its own is not in the program; the
// options cannot be checked against its task.
const TaskDef* task_of(const Context& c, const std::vector<ArgRef>& args, bool trainings) {
    for (const auto& a : args) {
        if (a.kind == ArgRef::Kind::Evaluation && c.program.evaluates.count(a.definition))
            return &c.program.tasks.at(c.program.evaluates.at(a.definition).task);
        if (trainings && a.kind == ArgRef::Kind::Training && c.program.trained(a.definition))
            return &c.program.tasks.at(c.program.training_of(a.definition).task);
    }
    return nullptr;
}

// Where the option `name` is written in the call (the call itself when left out).
ast::Span option_span(const ast::Expr& e, std::string_view name) {
    for (std::size_t i = 0; i < e.items.size(); ++i)
        if (e.arg_names[i] == name)
            return e.items[i]->span;
    return e.span;
}

// The schema's option that refers to `ref`, or nullptr.
const stdlib::ParamSpec* option_of(const stdlib::Schema& schema, TaskRef ref) {
    for (const auto& p : schema.params)
        if (p.ref == ref)
            return &p;
    return nullptr;
}

// The string value of `p` when it names something in the task (none of its literals).
const std::string* named(const stdlib::ParamSpec& p, const stdlib::Params& options) {
    if (!options.has(p.name) || !std::holds_alternative<std::string>(options.get(p.name)))
        return nullptr;
    const std::string& text = options.text(p.name);
    if (std::find(p.literals.begin(), p.literals.end(), text) != p.literals.end())
        return nullptr;
    return &text;
}

// A `from`/`to` window of steps must lie inside the trial of the task the first
// training or evaluation argument runs on.
bool window_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
               const stdlib::Schema& schema, const stdlib::Params& options) {
    const stdlib::ParamSpec* from_spec = option_of(schema, TaskRef::WindowFrom);
    const stdlib::ParamSpec* to_spec = option_of(schema, TaskRef::WindowTo);
    if (!from_spec || !to_spec || !options.has(from_spec->name) || !options.has(to_spec->name))
        return true;
    const TaskDef* task = task_of(c, args, true);
    if (task == nullptr || !task->entry->trial_steps)
        return true;
    const long trial = task->entry->trial_steps(task->params);
    const long from = options.integer(from_spec->name);
    const long to = options.integer(to_spec->name) > 0 ? options.integer(to_spec->name) : trial;
    if (to > trial || from >= to) {
        auto& d = c.diags.error(
            Code::WindowOutsideTrial, option_span(e, to > trial ? to_spec->name : from_spec->name),
            fmt::format("the window from {} to {} steps is outside the {}-step trial of '{}'", from,
                        to, trial, task->name),
            fmt::format("choose 0 <= from < to <= {}", trial));
        d.notes.emplace_back(task->span, "the task is defined here");
        return false;
    }
    return true;
}

// Time points must parse and name a period of the evaluated task: one of its periods, or
// a numbered one of them (stimulus2).
bool time_points_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                    const stdlib::Schema& schema, const stdlib::Params& options) {
    const TaskDef* task = task_of(c, args, false);
    if (task == nullptr)
        return true;
    bool ok = true;
    for (const auto& spec : schema.params) {
        const std::string* text = spec.ref == TaskRef::TimePoint ? named(spec, options) : nullptr;
        if (text == nullptr)
            continue;
        const ast::Span where = option_span(e, spec.name);
        try {
            const stdlib::TimePoint p = stdlib::parse_time_point(*text);
            if (p.period.empty() || stdlib::has_period(*task->entry, p.period))
                continue;
            c.diags.error(Code::BadTimePoint, where,
                          fmt::format("the task '{}' has no period '{}'", task->name, p.period),
                          suggestion(p.period, stdlib::period_names(*task->entry)));
            ok = false;
        } catch (const std::invalid_argument& err) {
            c.diags.error(Code::BadTimePoint, where, err.what());
            ok = false;
        }
    }
    return ok;
}

// The labels a LabelFamily option may name: the task's labels and the stems of its
// numbered ones ("item" for item1).
std::vector<std::string> label_families(const stdlib::TaskEntry& task) {
    std::vector<std::string> out = stdlib::label_names(task);
    for (const auto& name : stdlib::label_names(task)) {
        const std::string stem = name.substr(0, name.find_last_not_of("0123456789") + 1);
        if (stem != name && stdlib::has_label_family(task, stem))
            out.push_back(stem);
    }
    return out;
}

// Period options must name one of the evaluated task's periods, label options a label its
// trials carry.
bool periods_and_labels_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                           const stdlib::Schema& schema, const stdlib::Params& options) {
    const TaskDef* task = task_of(c, args, false);
    if (task == nullptr)
        return true;
    const stdlib::TaskEntry& entry = *task->entry;
    bool ok = true;
    for (const auto& spec : schema.params) {
        const std::string* text = named(spec, options);
        if (text == nullptr || text->empty())  // "": no period, no label
            continue;
        if (spec.ref == TaskRef::Period && !stdlib::has_period(entry, *text)) {
            c.diags.error(Code::UnknownPeriod, option_span(e, spec.name),
                          fmt::format("the task '{}' has no period '{}'", task->name, *text),
                          suggestion(*text, stdlib::period_names(entry)));
            ok = false;
        } else if ((spec.ref == TaskRef::TrialLabel && !stdlib::has_label(entry, *text))
                   || (spec.ref == TaskRef::LabelFamily
                       && !stdlib::has_label_family(entry, *text))) {
            c.diags.error(
                Code::UnknownLabel, option_span(e, spec.name),
                fmt::format("the trials of the task '{}' carry no label '{}'", task->name, *text),
                suggestion(*text, spec.ref == TaskRef::LabelFamily ? label_families(entry)
                                                                   : stdlib::label_names(entry)));
            ok = false;
        }
    }
    return ok;
}

}  // namespace

bool task_options_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                     const stdlib::Schema& schema, const stdlib::Params& options) {
    const bool times =
        window_ok(c, e, args, schema, options) && time_points_ok(c, e, args, schema, options);
    return periods_and_labels_ok(c, e, args, schema, options) && times;
}

}  // namespace rnn::interp::checker
