#include "interpreter/check/task_options.hpp"

#include <algorithm>
#include <cctype>
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

// A time point must parse and name a period of the evaluated task: one of its periods,
// or a numbered one of them (stimulus2).
bool time_point_ok(Context& c, const ast::Span& where, const TaskDef& task,
                   const std::string& text) {
    try {
        const stdlib::TimePoint p = stdlib::parse_time_point(text);
        if (p.period.empty() || stdlib::has_period(*task.entry, p.period))
            return true;
        c.diags.error(Code::BadTimePoint, where,
                      fmt::format("the task '{}' has no period '{}'", task.name, p.period),
                      suggestion(p.period, stdlib::period_names(*task.entry)));
    } catch (const std::invalid_argument& err) {
        c.diags.error(Code::BadTimePoint, where, err.what());
    }
    return false;
}

// A period option must name one of the task's periods ("": none).
bool period_ok(Context& c, const ast::Span& where, const TaskDef& task, const std::string& text) {
    if (text.empty() || stdlib::has_period(*task.entry, text))
        return true;
    c.diags.error(Code::UnknownPeriod, where,
                  fmt::format("the task '{}' has no period '{}'", task.name, text),
                  suggestion(text, stdlib::period_names(*task.entry)));
    return false;
}

// The names a help line lists; with `families`, a numbered family (listed by its first
// member) as "item1, item2, ...".
std::string name_list(const std::vector<std::string>& names, bool families) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + n;
        if (families && n.size() > 1 && n.back() == '1'
            && !std::isdigit(static_cast<unsigned char>(n[n.size() - 2])))
            out += ", " + n.substr(0, n.size() - 1) + "2, ...";
    }
    return out;
}

// The help of a name not found: the closest one, then every name there is.
std::string help_listing(const std::string& text, const std::vector<std::string>& candidates,
                         const std::vector<std::string>& listed, std::string_view what,
                         bool families) {
    const std::string best = closest_name(text, candidates);
    const std::string all = fmt::format("{}: {}", what, name_list(listed, families));
    return best.empty() ? all : fmt::format("did you mean '{}'? {}", best, all);
}

// A label option must name a label the task's trials carry ("": none); a family option
// may also name the stem of numbered ones ("item" for item1, item2, ...). A variable option
// must name one of the task's variables (a numbered one of a family: item3).
bool label_ok(Context& c, const ast::Span& where, const TaskDef& task, const std::string& text,
              TaskRef ref) {
    const stdlib::TaskEntry& entry = *task.entry;
    const bool family = ref == TaskRef::LabelFamily, variable = ref == TaskRef::Variable;
    const bool found = variable ? text != "condition" && stdlib::has_label(entry, text)
                       : family ? stdlib::has_label_family(entry, text)
                                : stdlib::has_label(entry, text);
    if (text.empty() || found)
        return true;
    std::vector<std::string> names = stdlib::label_names(entry);
    if (variable)
        names.erase(names.begin());  // "condition" is a label, not a variable
    const std::vector<std::string> listed = names;
    for (const auto& name : listed) {
        const std::string stem = name.substr(0, name.find_last_not_of("0123456789") + 1);
        if (family && stem != name && stdlib::has_label_family(entry, stem))
            names.push_back(stem);
    }
    c.diags.error(Code::UnknownLabel, where,
                  fmt::format("the trials of the task '{}' carry no {} '{}'", task.name,
                              variable ? "variable" : "label", text),
                  help_listing(text, names, listed,
                               variable ? "its trials' variables" : "its trials' labels", true));
    return false;
}

// A metric option must name one of the task's metrics.
bool metric_ok(Context& c, const ast::Span& where, const TaskDef& task, const std::string& text) {
    std::vector<std::string> names;
    for (const auto& m : task.entry->metrics)
        names.push_back(m.name);
    if (std::find(names.begin(), names.end(), text) != names.end())
        return true;
    c.diags.error(Code::UnknownMetric, where,
                  fmt::format("the task '{}' has no metric '{}'", task.name, text),
                  help_listing(text, names, names, "its metrics", false));
    return false;
}

}  // namespace

bool task_options_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                     const stdlib::Schema& schema, const stdlib::Params& options) {
    const bool window = window_ok(c, e, args, schema, options);
    const TaskDef* task = task_of(c, args, false);
    if (task == nullptr)
        return window;
    bool ok = window;
    for (const auto& spec : schema.params) {
        const std::string* text = named(spec, options);
        if (text == nullptr)
            continue;
        const ast::Span where = option_span(e, spec.name);
        if (spec.ref == TaskRef::TimePoint && window)  // a window outside the trial stops them
            ok = time_point_ok(c, where, *task, *text) && ok;
        else if (spec.ref == TaskRef::Period)
            ok = period_ok(c, where, *task, *text) && ok;
        else if (spec.ref == TaskRef::TrialLabel || spec.ref == TaskRef::LabelFamily
                 || spec.ref == TaskRef::Variable)
            ok = label_ok(c, where, *task, *text, spec.ref) && ok;
        else if (spec.ref == TaskRef::Metric)
            ok = metric_ok(c, where, *task, *text) && ok;
    }
    return ok;
}

}  // namespace rnn::interp::checker
