#include "interpreter/check/sweep_options.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "interpreter/history_columns.hpp"

namespace rnn::interp::checker {

namespace {

using stdlib::ParamType;

// The value of the option `name` and where it is written; nothing when left out.
struct Written {
    std::string value;
    ast::Span span;
};

std::optional<Written> written(const ast::Expr& e, const stdlib::Params& options,
                               const std::string& name) {
    for (std::size_t i = 0; i < e.items.size(); ++i)
        if (e.arg_names[i] == name && options.has(name))
            return Written{options.text(name), e.items[i]->span};
    return std::nullopt;
}

std::string listed(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

// The did-you-mean (when there is one) and every name it could have been.
std::string with_list(const std::string& suggested, const std::string& what,
                      const std::vector<std::string>& names) {
    const std::string list = fmt::format("{}: {}", what, listed(names));
    return suggested.starts_with("did you mean") ? suggested + " " + list : list;
}

// The loop variables every member of the results argument was made with, in the order of
// the sweep's `for` lines (outermost first).
std::vector<std::string> common_loop_variables(const ArgRef& results) {
    std::vector<std::string> out;
    for (std::size_t m = 0; m < results.loops.size(); ++m) {
        std::vector<std::string> here;
        for (const auto& l : results.loops[m])
            here.push_back(l.variable);
        if (m == 0)
            out = here;
        else
            std::erase_if(out, [&](const std::string& v) {
                return std::find(here.begin(), here.end(), v) == here.end();
            });
    }
    return out;
}

// `over: n`: a loop variable of the results' sweep, and not one another option names.
bool loop_variable_ok(Context& c, const ArgRef& results, const Written& w,
                      std::vector<std::string>& taken) {
    const std::vector<std::string> loops = common_loop_variables(results);
    if (loops.empty()) {
        c.diags.error(Code::NotALoopVariable, w.span,
                      fmt::format("'{}' was not made by a sweep, so it has no loop variable '{}'",
                                  results.definition, w.value),
                      "collect a family made in a sweep, e.g. for n in [32, 64] { evaluate "
                      "test[n] = ... } and curve(test.accuracy_mean, over: n)");
        return false;
    }
    if (std::find(loops.begin(), loops.end(), w.value) == loops.end()) {
        c.diags.error(Code::NotALoopVariable, w.span,
                      fmt::format("'{}' is not a loop variable of the sweep that made '{}'",
                                  w.value, results.definition),
                      with_list(suggestion(w.value, loops), "its loop variables", loops));
        return false;
    }
    if (std::find(taken.begin(), taken.end(), w.value) != taken.end()) {
        c.diags.error(Code::NotALoopVariable, w.span,
                      fmt::format("the loop variable '{}' is named twice", w.value),
                      fmt::format("draw against one loop variable and average over another, "
                                  "out of: {}",
                                  listed(loops)));
        return false;
    }
    taken.push_back(w.value);
    return true;
}

// The history columns of the training `name` (an alter's are its training's), validation
// columns named for a task without levels (`val_loss`).
std::vector<std::string> columns_of(const Context& c, const std::string& name) {
    const TrainDef& def = c.program.training_of(name);
    std::vector<std::string> columns =
        history_columns(def, c.program.tasks.at(def.task).entry->metrics, {0});
    columns.erase(columns.begin());  // the epoch is the x axis
    return columns;
}

// A validation column of a level, `val3_accuracy`, stands for its `val_accuracy`: which
// levels a task validates is known only once it is built.
std::string without_level(const std::string& column) {
    if (!column.starts_with("val"))
        return column;
    std::size_t i = 3;
    while (i < column.size() && column[i] >= '0' && column[i] <= '9')
        ++i;
    return i > 3 && i < column.size() && column[i] == '_' ? "val" + column.substr(i) : column;
}

// `metric: accuracy`: a column of every training argument's history.
bool history_column_ok(Context& c, const std::vector<ArgRef>& args, const Written& w) {
    for (const auto& a : args) {
        if (a.kind != ArgRef::Kind::Training || !c.program.trained(a.definition))
            continue;
        const std::vector<std::string> columns = columns_of(c, a.definition);
        if (std::find(columns.begin(), columns.end(), without_level(w.value)) != columns.end())
            continue;
        c.diags.error(Code::UnknownHistoryColumn, w.span,
                      fmt::format("the history of '{}' has no column '{}'", a.definition, w.value),
                      with_list(suggestion(w.value, columns), "its columns", columns));
        return false;
    }
    return true;
}

}  // namespace

bool sweep_options_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                      const stdlib::Schema& schema, const stdlib::Params& options) {
    const auto results = std::find_if(
        args.begin(), args.end(), [](const ArgRef& a) { return a.kind == ArgRef::Kind::Results; });
    std::vector<std::string> taken;
    bool ok = true;
    for (const auto& spec : schema.params) {
        const bool loop = spec.type == ParamType::LoopVariable;
        if (!loop && spec.type != ParamType::HistoryColumn)
            continue;
        const auto w = written(e, options, spec.name);
        if (!w)
            continue;
        if (loop && results != args.end())
            ok = loop_variable_ok(c, *results, *w, taken) && ok;
        else if (!loop)
            ok = history_column_ok(c, args, *w) && ok;
    }
    return ok;
}

}  // namespace rnn::interp::checker
