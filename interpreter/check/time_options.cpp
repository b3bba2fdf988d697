#include "interpreter/check/time_options.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/analyses/activity.hpp"

namespace rnn::interp::checker {

bool time_points_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                    const stdlib::Params& options) {
    const TaskDef* task = nullptr;
    for (const auto& a : args) {
        const auto ev = c.program.evaluates.find(a.definition);
        // An evaluation with errors of its own is not in the program; its time points
        // cannot be checked against a task.
        if (a.kind == ArgRef::Kind::Evaluation && !task && ev != c.program.evaluates.end())
            task = &c.program.tasks.at(ev->second.task);
    }
    if (task == nullptr)
        return true;
    bool ok = true;
    for (const char* name : {"at", "a", "b", "input"}) {
        if (!options.has(name) || !std::holds_alternative<std::string>(options.get(name)))
            continue;
        const std::string& text = options.text(name);
        if (std::string_view(name) == "input" && text == "zero")
            continue;
        ast::Span where = e.span;
        for (std::size_t i = 0; i < e.items.size(); ++i)
            if (e.arg_names[i] == name)
                where = e.items[i]->span;
        try {
            const stdlib::TimePoint p = stdlib::parse_time_point(text);
            if (p.period.empty())
                continue;
            std::string base = p.period;
            while (!base.empty() && std::isdigit(static_cast<unsigned char>(base.back())))
                base.pop_back();
            std::vector<std::string> periods;
            for (const auto& q : task->entry->periods)
                periods.push_back(q.name);
            if (std::find(periods.begin(), periods.end(), p.period) == periods.end()
                && (base == p.period
                    || std::find(periods.begin(), periods.end(), base) == periods.end())) {
                c.diags.error(Code::BadTimePoint, where,
                              fmt::format("the task '{}' has no period '{}'", task->name, p.period),
                              suggestion(p.period, periods));
                ok = false;
            }
        } catch (const std::invalid_argument& err) {
            c.diags.error(Code::BadTimePoint, where, err.what());
            ok = false;
        }
    }
    return ok;
}

bool window_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
               const stdlib::Params& options) {
    if (!options.has("from") || !options.has("to"))
        return true;
    const TaskDef* task = nullptr;
    for (const auto& a : args) {
        if (a.kind == ArgRef::Kind::Evaluation && c.program.evaluates.count(a.definition))
            task = &c.program.tasks.at(c.program.evaluates.at(a.definition).task);
        else if (a.kind == ArgRef::Kind::Training && c.program.trained(a.definition))
            task = &c.program.tasks.at(c.program.training_of(a.definition).task);
        if (task)
            break;
    }
    if (task == nullptr || !task->entry->trial_steps)
        return true;
    const long trial = task->entry->trial_steps(task->params);
    const long from = options.integer("from");
    const long to = options.integer("to") > 0 ? options.integer("to") : trial;
    auto where = [&](const char* name) {
        for (std::size_t i = 0; i < e.items.size(); ++i)
            if (e.arg_names[i] == name)
                return e.items[i]->span;
        return e.span;
    };
    if (to > trial || from >= to) {
        auto& d = c.diags.error(
            Code::WindowOutsideTrial, where(to > trial ? "to" : "from"),
            fmt::format("the window from {} to {} steps is outside the {}-step trial of '{}'", from,
                        to, trial, task->name),
            fmt::format("choose 0 <= from < to <= {}", trial));
        d.notes.emplace_back(task->span, "the task is defined here");
        return false;
    }
    return true;
}

}  // namespace rnn::interp::checker
