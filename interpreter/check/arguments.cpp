#include "interpreter/check/arguments.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/network.hpp"
#include "interpreter/check/value.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using SK = ast::Statement::Kind;

// `name` is not defined: suggests a definition (or a sweep family, where one may be named).
void nothing_named(Context& c, const Expr& e, const std::string& name, bool families) {
    c.diags.error(Code::UnknownName, e.span, fmt::format("nothing named '{}' is defined", name),
                  suggestion(name, c.names_to_suggest(std::nullopt, families)));
}

// The loop variables of the sweeps in the file, in order of first appearance.
std::vector<std::string> loop_variables(const Context& c) {
    std::vector<std::string> out;
    for (const auto& i : c.instances)
        for (const auto& l : i.loops)
            if (std::find(out.begin(), out.end(), l.variable) == out.end())
                out.push_back(l.variable);
    return out;
}

// `scatter(n, test.accuracy_mean)` with `n` a loop variable: results are drawn against a
// loop variable by curve, which this says, with the call's other results in the example
// (true after reporting).
bool loop_variable_as_results(Context& c, const Expr& call, std::size_t item) {
    // A loop variable has no definition's name (E0804): the sweeps are read only for a
    // bare name that is neither a definition nor a family, a mistake either way.
    const std::string name = dotted(*call.items[item]);
    if (name.empty() || split_dots(name).size() != 1 || c.lookup(name) != nullptr
        || c.families.count(name) != 0)
        return false;
    const std::vector<std::string> loops = loop_variables(c);
    auto is_loop = [&](const std::string& n) {
        return std::find(loops.begin(), loops.end(), n) != loops.end();
    };
    if (!is_loop(name))
        return false;
    std::string results = "test.accuracy_mean";
    for (std::size_t k = 0; k < call.items.size(); ++k)
        if (const std::string other = dotted(*call.items[k]);
            k != item && call.arg_names[k].empty() && !other.empty() && !is_loop(other)) {
            results = other;
            break;
        }
    c.diags.error(Code::LoopVariableAsResults, call.items[item]->span,
                  fmt::format("'{}' is a loop variable, not the results of evaluations or "
                              "analyses",
                              name),
                  fmt::format("draw results against a loop variable with curve: plot "
                              "curve({}, over: {})",
                              results, name));
    return true;
}

// An analysis read by another must come first in the file, so the graph has no cycles
// and a reader finds what an analysis reads above it.
bool analysis_before(Context& c, const std::string& name, const ast::Span& where) {
    if (c.program.analyses.count(name))
        return true;
    if (!c.analyses_checked.count(name))  // otherwise it had errors of its own
        c.diags.error(Code::AnalysisDefinedLater, where,
                      fmt::format("the analysis '{}' is defined further down", name),
                      "move its analyze line above this one");
    return false;
}

// The numbers an evaluation or analysis offers to tables and scatter plots: the
// analysis' scalar results, or the means of the evaluation's metrics.
std::vector<std::string> quantities_of(const Context& c, const std::string& name,
                                       bool& is_analysis) {
    std::vector<std::string> out;
    if (const auto a = c.program.analyses.find(name); a != c.program.analyses.end()) {
        is_analysis = true;
        for (const auto& o : a->second.entry->outputs)
            if (!o.is_array())
                out.push_back(o.name);
    } else if (const auto ev = c.program.evaluates.find(name); ev != c.program.evaluates.end()) {
        is_analysis = false;
        for (const auto& m : c.program.tasks.at(ev->second.task).entry->metrics)
            out.push_back(m.name + "_mean");
    }
    return out;
}

// The quantity of `name.QUANTITY` (or the only one) that every member offers.
std::optional<std::string> results_quantity(Context& c, const Expr& e, const std::string& text,
                                            const std::vector<std::string>& parts,
                                            const std::vector<std::string>& common) {
    if (parts.size() > 2
        || (parts.size() == 2
            && std::find(common.begin(), common.end(), parts[1]) == common.end())) {
        c.diags.error(
            Code::UnknownQuantity, e.span,
            fmt::format("'{}' has no number '{}'", parts[0], text.substr(parts[0].size() + 1)),
            common.empty() ? std::string("its members have no number in common")
                           : suggestion(parts.back(), common));
        return std::nullopt;
    }
    if (parts.size() == 2)
        return parts[1];
    if (common.size() == 1)
        return common.front();
    std::string list;
    for (const auto& q : common)
        list += (list.empty() ? "" : ", ") + q;
    c.diags.error(Code::UnknownQuantity, e.span,
                  fmt::format("say which number of '{}' to take", parts[0]),
                  fmt::format("write {}.NAME, NAME one of: {}", parts[0], list));
    return std::nullopt;
}

// `precision.error_mean`: one number from each member of a sweep family (or from one
// definition) of evaluations or analyses; the quantity may be left out when there is
// only one.
std::optional<ArgRef> results_argument(Context& c, const Expr& e, const stdlib::ArgSpec& spec,
                                       const std::string& text,
                                       const std::vector<std::string>& parts) {
    ArgRef r;
    r.kind = ArgRef::Kind::Results;
    r.definition = parts[0];
    r.label = text;
    if (c.lookup(parts[0]) != nullptr)
        r.members = {parts[0]};
    else if (const auto f = c.families.find(parts[0]); f != c.families.end())
        r.members = f->second;
    else {
        nothing_named(c, e, parts[0], true);
        return std::nullopt;
    }
    std::vector<std::string> common;
    for (std::size_t i = 0; i < r.members.size(); ++i) {
        const std::string& m = r.members[i];
        c.used.insert(m);
        const Declared* decl = c.lookup(m);
        r.loops.push_back(decl->instance->loops);
        if (decl->kind != SK::Analyze && decl->kind != SK::Evaluate) {
            c.diags.error(Code::ArgumentKind, e.span,
                          fmt::format("'{}' expects results (of evaluations or analyses), but "
                                      "'{}' is a {}",
                                      spec.name, m, ast::statement_keyword(decl->kind)),
                          "collect what an evaluate or analyze line computed");
            return std::nullopt;
        }
        if (decl->kind == SK::Analyze && !analysis_before(c, m, e.span))
            return std::nullopt;
        if (decl->kind == SK::Evaluate && !c.program.evaluates.count(m))
            return std::nullopt;  // it had errors of its own
        bool is_analysis = false;
        const std::vector<std::string> q = quantities_of(c, m, is_analysis);
        r.member_is_analysis.push_back(is_analysis);
        if (i == 0)
            common = q;
        else
            std::erase_if(common, [&](const std::string& x) {
                return std::find(q.begin(), q.end(), x) == q.end();
            });
    }
    const auto quantity = results_quantity(c, e, text, parts, common);
    if (!quantity)
        return std::nullopt;
    r.member = *quantity;
    return r;
}

// What a reference to the definition `decl` with `parts` names: r.kind (and r.member);
// false after reporting a reference that is no argument or names nothing there.
bool reference_kind(Context& c, const Expr& e, const std::string& text,
                    const std::vector<std::string>& parts, const Declared& decl, ArgRef& r) {
    const bool trained = decl.kind == SK::Train || decl.kind == SK::Alter;
    if (trained && parts.size() == 1)
        r.kind = ArgRef::Kind::Training;
    else if (decl.kind == SK::Evaluate && parts.size() == 1)
        r.kind = ArgRef::Kind::Evaluation;
    else if (trained && parts.size() == 2) {
        r.kind = ArgRef::Kind::TrainedTensor;
        r.member = parts[1];
        if (!c.program.trained(parts[0]))
            return false;
        const auto t = c.program.trains.find(c.program.training_of(parts[0]).name);
        const std::vector<std::string> tensors =
            tensor_names(c.program.networks.at(t->second.network));
        if (std::find(tensors.begin(), tensors.end(), parts[1]) == tensors.end()) {
            c.diags.error(
                Code::UnknownTensor, e.span,
                fmt::format("the trained network '{}' has no tensor '{}'", parts[0], parts[1]),
                suggestion(parts[1], tensors));
            return false;
        }
    } else if (decl.kind == SK::Analyze && parts.size() == 1) {
        r.kind = ArgRef::Kind::Analysis;
        if (!analysis_before(c, parts[0], e.span))
            return false;
    } else if (decl.kind == SK::Task && parts.size() == 1) {
        r.kind = ArgRef::Kind::Task;
    } else if (decl.kind == SK::Task && parts.size() == 2) {
        r.kind = ArgRef::Kind::TaskMatrix;
        r.member = parts[1];
        const auto t = c.program.tasks.find(parts[0]);
        if (t == c.program.tasks.end())
            return false;
        std::vector<std::string> names;
        for (const auto& m : t->second.entry->matrices)
            if (m.name != "current_pattern")
                names.push_back(m.name);
        if (std::find(names.begin(), names.end(), parts[1]) == names.end()) {
            c.diags.error(Code::UnknownMatrix, e.span,
                          fmt::format("the task '{}' has no matrix '{}' here", parts[0], parts[1]),
                          suggestion(parts[1], names));
            return false;
        }
    } else if (decl.kind == SK::Network && parts.size() == 1) {
        // An untrained network can be evaluated (evaluate x = net on task), but an analysis
        // of a network's weights or dynamics reads a trained instance of it.
        c.diags.error(Code::NotAnArgument, e.span,
                      fmt::format("'{}' is a network definition, not a trained network", text),
                      fmt::format("train it first (train fit = {} on TASK {{ ... }}) and pass "
                                  "fit; an evaluation of it needs no training",
                                  text));
        return false;
    } else {
        c.diags.error(Code::NotAnArgument, e.span,
                      fmt::format("'{}' cannot be used as an argument here", text),
                      "use a training (fit), a trained tensor (fit.W_self), an evaluation (test) "
                      "or a task matrix (memories.patterns)");
        return false;
    }
    return true;
}

// An analysis argument reads the results of the analyses its spec names (rdm figures
// draw rdm analyses): another analysis is reported with the kinds it takes.
bool analysis_accepted(Context& c, const Expr& e, const stdlib::ArgSpec& spec, const ArgRef& r) {
    const AnalyzeDef& a = c.program.analyses.at(r.definition);
    if (spec.accepts(a.entry->name))
        return true;
    std::string kinds;
    for (std::size_t i = 0; i < spec.analyses.size(); ++i)
        kinds += (i == 0 ? "" : i + 1 == spec.analyses.size() ? " or " : ", ") + spec.analyses[i];
    auto& d =
        c.diags.error(Code::ArgumentKind, e.span,
                      fmt::format("'{}' expects an analysis of kind {}, but '{}' is of kind {}",
                                  spec.name, kinds, r.definition, a.entry->name));
    d.notes.emplace_back(a.span, fmt::format("'{}' is defined here", r.definition));
    return false;
}

// `fit` naming a sweep family where the spec takes one (history overlays them): one
// argument per member, in the sweep's order, each with its loop values; nothing when
// `e` names no family (then it is checked as one argument).
std::optional<std::vector<ArgRef>> family_arguments(Context& c, const Expr& e,
                                                    const stdlib::ArgSpec& spec, bool& ok) {
    const std::string text = dotted(e);
    const auto f = c.families.find(text);
    if (!spec.family || text.empty() || f == c.families.end() || c.lookup(text) != nullptr)
        return std::nullopt;
    std::vector<ArgRef> out;
    c.used.insert(text);
    for (const std::string& m : f->second) {
        Expr member;
        member.kind = ast::Expr::Kind::Name;
        member.text = m;
        member.span = e.span;
        auto r = argument(c, member, spec);
        if (!r) {
            ok = false;
            return out;
        }
        r->loops = {c.lookup(m)->instance->loops};
        out.push_back(std::move(*r));
    }
    return out;
}

}  // namespace

std::optional<ArgRef> argument(Context& c, const Expr& e, const stdlib::ArgSpec& spec) {
    const std::string text = dotted(e);
    if (text.empty()) {
        c.diags.error(Code::ExpectedReferenceArgument, e.span,
                      fmt::format("'{}' expects a reference such as fit.W_self, found {}",
                                  spec.name, kind_words(e)));
        return std::nullopt;
    }
    const auto parts = split_dots(text);
    c.used.insert(parts[0]);
    if (spec.kind == stdlib::ArgKind::Results)
        return results_argument(c, e, spec, text, parts);
    const Declared* decl = c.lookup(parts[0]);
    if (decl == nullptr && c.family_reference(parts[0], e.span))
        return std::nullopt;
    if (decl == nullptr) {
        nothing_named(c, e, parts[0], false);
        return std::nullopt;
    }
    ArgRef r;
    r.definition = parts[0];
    r.label = text;
    if (!reference_kind(c, e, text, parts, *decl, r))
        return std::nullopt;
    const bool matrix = r.kind == ArgRef::Kind::TrainedTensor || r.kind == ArgRef::Kind::TaskMatrix;
    const bool fits =
        (spec.kind == stdlib::ArgKind::Matrix && matrix)
        || (spec.kind == stdlib::ArgKind::Training && r.kind == ArgRef::Kind::Training)
        || (spec.kind == stdlib::ArgKind::Evaluation && r.kind == ArgRef::Kind::Evaluation)
        || (spec.kind == stdlib::ArgKind::Task && r.kind == ArgRef::Kind::Task)
        || (spec.kind == stdlib::ArgKind::Analysis && r.kind == ArgRef::Kind::Analysis);
    if (!fits) {
        c.diags.error(Code::ArgumentKind, e.span,
                      fmt::format("'{}' expects {}, but '{}' is {}", spec.name,
                                  with_article(stdlib::arg_kind_name(spec.kind)), text,
                                  matrix                             ? "a matrix"
                                  : r.kind == ArgRef::Kind::Training ? "a training"
                                  : r.kind == ArgRef::Kind::Task     ? "a task"
                                  : r.kind == ArgRef::Kind::Analysis ? "an analysis"
                                                                     : "an evaluation"));
        return std::nullopt;
    }
    if (r.kind == ArgRef::Kind::Analysis && !analysis_accepted(c, e, spec, r))
        return std::nullopt;
    if (spec.activity && r.kind == ArgRef::Kind::Evaluation) {
        const auto ev = c.program.evaluates.find(r.definition);
        if (ev == c.program.evaluates.end())
            return std::nullopt;  // the evaluation had errors of its own
        ev->second.keep_activity = true;
    }
    return r;
}

template <typename Entry>
bool call(Context& c, const Expr& e, const Entry& entry, std::vector<ArgRef>& args,
          stdlib::Params& options) {
    std::size_t positional = 0;
    bool ok = true;
    for (std::size_t i = 0; i < e.items.size(); ++i) {
        if (!e.arg_names[i].empty()) {
            const stdlib::ParamSpec* spec = entry.schema.find(e.arg_names[i]);
            if (!spec) {
                c.diags.error(Code::UnknownOption, e.items[i]->span,
                              fmt::format("'{}' has no option '{}'", entry.name, e.arg_names[i]),
                              suggestion(e.arg_names[i], entry.schema.names()));
                ok = false;
            } else if (auto v = value(c, *e.items[i], *spec, kNoStepLength)) {
                options.set(spec->name, *v);
            } else {
                ok = false;
            }
            continue;
        }
        const std::size_t slot =
            std::min(positional, entry.args.empty() ? 0 : entry.args.size() - 1);
        if (entry.args.empty()
            || (positional >= entry.args.size() && !entry.args.back().variadic)) {
            c.diags.error(Code::TooManyArguments, e.items[i]->span,
                          fmt::format("'{}' takes {} argument{}", entry.name, entry.args.size(),
                                      entry.args.size() == 1 ? "" : "s"));
            ok = false;
            continue;
        }
        ++positional;
        if (entry.args[slot].kind == stdlib::ArgKind::Results && loop_variable_as_results(c, e, i))
            ok = false;
        else if (auto members = family_arguments(c, *e.items[i], entry.args[slot], ok))
            args.insert(args.end(), members->begin(), members->end());
        else if (auto r = argument(c, *e.items[i], entry.args[slot]))
            args.push_back(*r);
        else
            ok = false;
    }
    if (positional < entry.args.size()) {
        c.diags.error(Code::MissingArgument, e.span,
                      fmt::format("'{}' needs the argument '{}' ({})", entry.name,
                                  entry.args[positional].name, entry.args[positional].doc));
        ok = false;
    }
    options = stdlib::with_defaults(entry.schema, std::move(options));
    return ok;
}

template bool call(Context&, const Expr&, const stdlib::AnalysisEntry&, std::vector<ArgRef>&,
                   stdlib::Params&);
template bool call(Context&, const Expr&, const stdlib::FigureEntry&, std::vector<ArgRef>&,
                   stdlib::Params&);

}  // namespace rnn::interp::checker
