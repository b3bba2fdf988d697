#include "interpreter/sweep.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "interpreter/paths.hpp"

namespace rnn::interp {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

struct Binding {
    std::string name;
    const Expr* value;
    ast::Span declared;  // the loop variable in the `for` line
    int* uses;           // counts substitutions, for the unused-variable warning
};

using Env = std::vector<Binding>;

const Binding* bound(const Env& env, const std::string& name) {
    for (auto it = env.rbegin(); it != env.rend(); ++it)
        if (it->name == name)
            return &*it;
    return nullptr;
}

std::string literal_text(const Expr& e) {
    switch (e.kind) {
        case K::Number:
            return fmt::format("{}", e.number);
        case K::Name:
        case K::String:
            return e.text;
        case K::Bool:
            return e.boolean ? "true" : "false";
        default:
            return {};
    }
}

// `{s}` in a string becomes the value of s; other braces stay as written.
std::string interpolate(const std::string& text, const Env& env) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            const auto close = text.find('}', i);
            if (close != std::string::npos) {
                const Binding* b = bound(env, text.substr(i + 1, close - i - 1));
                if (b != nullptr && !literal_text(*b->value).empty()) {
                    out += literal_text(*b->value);
                    ++*b->uses;
                    i = close;
                    continue;
                }
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

ast::ExprPtr substitute(const Expr& e, const Env& env);

// What `variable` stands for in one instance, as its name and a curve's axis read it.
stdlib::LoopValue loop_value(const std::string& variable, const Expr& v) {
    const std::string text = literal_text(v);
    stdlib::LoopValue out{variable, text.empty() ? "(an expression)" : text, std::nullopt};
    if (v.kind == K::Number)
        out.number = v.number;
    return out;
}

// A figure in a sweep whose file name uses no loop variable gets the values before its
// extension (`pca.png` for L = 2 -> `pca_2.png`), so instances never overwrite each other.
std::string suffixed(const std::string& file, const Env& env) {
    std::string values;
    for (const auto& b : env) {
        ++*b.uses;
        values += "_" + literal_text(*b.value);
    }
    const auto dot = file.rfind('.');
    const auto slash = file.rfind('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
        return file + values;
    return file.substr(0, dot) + values + file.substr(dot);
}

std::vector<ast::Field> substitute_fields(const std::vector<ast::Field>& fields, const Env& env) {
    std::vector<ast::Field> out;
    out.reserve(fields.size());
    for (const auto& f : fields) {
        ast::Field g;
        g.kind = f.kind;
        g.name = f.name;
        g.name_span = f.name_span;
        g.span = f.span;
        if (f.value)
            g.value = substitute(*f.value, env);
        for (const auto& m : f.modifiers)
            g.modifiers.push_back(
                {m.name, m.argument ? substitute(*m.argument, env) : nullptr, m.span});
        out.push_back(std::move(g));
    }
    return out;
}

// A deep copy with every loop variable replaced by its value. The value keeps the span of
// the use, so a mistake in a value is reported where the variable is used.
ast::ExprPtr substitute(const Expr& e, const Env& env) {
    if (e.kind == K::Name) {
        if (const Binding* b = bound(env, e.text)) {
            ++*b->uses;
            auto v = substitute(*b->value, {});
            v->span = e.span;
            return v;
        }
    }
    auto out = std::make_unique<Expr>();
    out->kind = e.kind;
    out->span = e.span;
    out->number = e.number;
    out->unit = e.unit;
    out->boolean = e.boolean;
    out->text = e.kind == K::String ? interpolate(e.text, env) : e.text;
    out->arg_names = e.arg_names;
    out->depth = e.depth;
    for (const auto& item : e.items)
        out->items.push_back(substitute(*item, env));
    out->fields = substitute_fields(e.fields, env);
    return out;
}

class Expander {
public:
    explicit Expander(Diagnostics& d) : d_(d) {}

    void statements(const std::vector<ast::Statement>& list, Env& env,
                    const std::vector<stdlib::LoopValue>& loops, const ast::Span& where,
                    std::vector<Instance>& out) {
        for (const auto& s : list) {
            if (failed_)
                return;
            if (s.kind == ast::Statement::Kind::For) {
                sweep(s, env, loops, out);
            } else if (auto i = instance(s, env, loops)) {
                out.push_back(std::move(*i));
                out.back().sweep = where;
            }
        }
    }

    // Every name a statement defines, anywhere in the file (loop variables may not hide one).
    void collect_definitions(const std::vector<ast::Statement>& list) {
        for (const auto& s : list) {
            if (!s.name.empty())
                definitions_.emplace(s.name, s.name_span);
            collect_definitions(s.children);
        }
    }

    bool had_errors() const { return d_.error_count() > errors_at_start_; }

private:
    // The instance of `s` for the current values, or nothing when it cannot be named (the
    // mistake is reported; checking it further would only repeat it).
    std::optional<Instance> instance(const ast::Statement& s, const Env& env,
                                     const std::vector<stdlib::LoopValue>& loops) {
        Instance inst;
        ast::Statement& t = inst.statement;
        t.kind = s.kind;
        t.span = s.span;
        t.keyword_span = s.keyword_span;
        t.name = s.name;
        t.name_span = s.name_span;
        t.head = s.head ? substitute(*s.head, env) : nullptr;
        t.target = s.target ? substitute(*s.target, env) : nullptr;
        t.has_body = s.has_body;
        t.body = substitute_fields(s.body, env);
        t.file = interpolate(s.file, env);
        if (s.kind == ast::Statement::Kind::Plot && t.file == s.file && !env.empty())
            t.file = suffixed(s.file, env);
        t.file_span = s.file_span;
        inst.bindings = stdlib::loop_values_text(loops);
        inst.loops = loops;
        if (!env.empty()
            && (s.kind == ast::Statement::Kind::Seed || s.kind == ast::Statement::Kind::Output)) {
            d_.error(Code::TopLevelOnly, s.keyword_span,
                     fmt::format("'{}' belongs at the top level of the file, not in a sweep",
                                 ast::statement_keyword(s.kind)),
                     s.kind == ast::Statement::Kind::Seed
                         ? "give each training its own seed in the sweep: 'seed = s' in its block"
                         : "");
            return std::nullopt;
        }
        if (s.name_index.empty())
            return inst;  // in a sweep, the checker reports the repeated definition
        if (env.empty()) {
            d_.error(Code::IndexOutsideSweep, s.name_index.front()->span,
                     "indexed names are only allowed inside a 'for' sweep",
                     fmt::format("write 'for i in 1..3 {{ ... {}[i] ... }}', or drop the index",
                                 s.name));
            return inst;
        }
        std::string index;
        for (const auto& i : s.name_index) {
            const auto v = substitute(*i, env);
            const std::string text = index_text(*v);
            if (text.empty() || (i->kind == K::Name && !bound(env, i->text))) {
                d_.error(Code::IndexNotLoopVariable, i->span,
                         i->kind == K::Name ? fmt::format(
                             "'{}' is not a loop variable of an enclosing sweep", i->text)
                                            : "an index must be a loop variable or a literal value",
                         env.empty() ? "" : fmt::format("index by '{}'", env.back().name));
                return std::nullopt;
            }
            if (!index_printable(*i, text, env))
                return std::nullopt;
            index += (index.empty() ? "" : ",") + text;
        }
        inst.family = s.name;
        t.name = s.name + "[" + index + "]";
        return inst;
    }

    // An instance's name becomes a folder name and a TOML key of metrics.toml and
    // manifest.toml, so an index value may hold no control character: false after
    // reporting one at the index (and where a loop variable's value was written).
    bool index_printable(const Expr& index, const std::string& text, const Env& env) {
        const auto c = control_character(text);
        if (!c)
            return true;
        auto& e = d_.error(
            Code::IndexControlCharacter, index.span,
            fmt::format("the index value holds a control character, {}",
                        control_character_name(*c)),
            "an index names the instance's results folder and its keys in metrics.toml: use "
            "printable text such as \"a_b\"");
        if (const Binding* b = index.kind == K::Name ? bound(env, index.text) : nullptr)
            e.notes.emplace_back(b->value->span, "the value comes from here");
        return false;
    }

    // The values of one loop variable, or false after reporting why there are none.
    bool values(const Expr& iterable, const Env& env, std::vector<ast::ExprPtr>& out) {
        const auto it = substitute(iterable, env);
        if (it->kind == K::List) {
            if (it->items.empty()) {
                d_.error(Code::EmptyRange, iterable.span, "the sweep's list is empty");
                return false;
            }
            for (auto& item : it->items)
                out.push_back(std::move(item));
            return true;
        }
        if (it->kind == K::Range) {
            const Expr& lo = *it->items[0];
            const Expr& hi = *it->items[1];
            for (const Expr* b : {&lo, &hi}) {
                if (b->kind != K::Number || !b->unit.empty() || b->number != std::floor(b->number)
                    || std::abs(b->number) > 1e9) {
                    d_.error(Code::RangeNotWhole, b->span,
                             "a sweep range needs whole numbers without units, e.g. 1..20",
                             "sweep over other values with a list: [0.5, 1.0, 2.0]");
                    return false;
                }
            }
            if (lo.number > hi.number) {
                d_.error(Code::EmptyRange, iterable.span,
                         fmt::format("the range {}..{} is empty", lo.number, hi.number),
                         "ranges count upwards and include both ends");
                return false;
            }
            if (hi.number - lo.number + 1 > static_cast<double>(kMaxSweepInstances)) {
                d_.error(Code::SweepTooLarge, iterable.span,
                         fmt::format("the range {}..{} has more than {} values", lo.number,
                                     hi.number, kMaxSweepInstances));
                return false;
            }
            for (double v = lo.number; v <= hi.number; v += 1.0) {
                auto n = std::make_unique<Expr>();
                n->kind = K::Number;
                n->number = v;
                n->span = lo.span;
                out.push_back(std::move(n));
            }
            return true;
        }
        d_.error(Code::WrongType, iterable.span,
                 "a sweep runs over a range such as 1..20 or a list such as [tanh, relu]");
        return false;
    }

    void sweep(const ast::Statement& s, Env& env, const std::vector<stdlib::LoopValue>& enclosing,
               std::vector<Instance>& out) {
        // Each loop variable's values; combinations run with the last variable fastest.
        std::vector<std::vector<ast::ExprPtr>> all(s.loops.size());
        std::size_t combinations = 1;
        std::set<std::string> names;
        for (std::size_t k = 0; k < s.loops.size(); ++k) {
            const auto& [name, iterable] = s.loops[k];
            const ast::Span at = k < s.loop_spans.size() ? s.loop_spans[k] : iterable->span;
            if (const Binding* outer = bound(env, name); outer || !names.insert(name).second) {
                auto& e = d_.error(Code::LoopVariableTwice, at,
                                   fmt::format("the loop variable '{}' is already bound by {}",
                                               name, outer ? "an enclosing sweep" : "this sweep"),
                                   "give each loop variable its own name");
                if (outer)
                    e.notes.emplace_back(outer->declared, "bound here");
                return;
            }
            if (const auto def = definitions_.find(name); def != definitions_.end()) {
                auto& e = d_.error(
                    Code::LoopVariableShadows, at,
                    fmt::format("the loop variable '{}' has the name of a definition", name),
                    "rename the loop variable; inside the sweep it would replace every use of "
                    "the definition by its values");
                e.notes.emplace_back(def->second, "defined here");
                return;
            }
            if (!values(*iterable, env, all[k]))
                return;
            combinations *= all[k].size();
            if (combinations * std::max<std::size_t>(out.size(), 1) > kMaxSweepInstances) {
                d_.error(
                    Code::SweepTooLarge, s.keyword_span,
                    fmt::format("the sweep expands to more than {} instances", kMaxSweepInstances));
                failed_ = true;
                return;
            }
        }
        std::vector<int> uses(s.loops.size(), 0);
        std::vector<std::size_t> at(s.loops.size(), 0);
        const std::size_t base = env.size();
        for (std::size_t c = 0; c < combinations && !failed_; ++c) {
            std::vector<stdlib::LoopValue> here = enclosing;
            for (std::size_t k = 0; k < s.loops.size(); ++k) {
                const Expr& v = *all[k][at[k]];
                env.push_back({s.loops[k].first, &v,
                               k < s.loop_spans.size() ? s.loop_spans[k] : s.loops[k].second->span,
                               &uses[k]});
                here.push_back(loop_value(s.loops[k].first, v));
            }
            statements(s.children, env, here, s.keyword_span, out);
            env.resize(base);
            for (std::size_t k = s.loops.size(); k-- > 0;) {
                if (++at[k] < all[k].size())
                    break;
                at[k] = 0;
            }
            if (out.size() > kMaxSweepInstances) {
                d_.error(Code::SweepTooLarge, s.keyword_span,
                         fmt::format("the sweeps expand to more than {} statements",
                                     kMaxSweepInstances));
                failed_ = true;
            }
        }
        for (std::size_t k = 0; k < s.loops.size(); ++k)
            if (uses[k] == 0 && !failed_ && !had_errors())
                d_.warning(Code::UnusedLoopVariable,
                           k < s.loop_spans.size() ? s.loop_spans[k] : s.loops[k].second->span,
                           fmt::format("the loop variable '{}' is not used in the sweep's body",
                                       s.loops[k].first),
                           "every instance of the body is then the same");
    }

    Diagnostics& d_;
    std::size_t errors_at_start_ = d_.error_count();
    std::map<std::string, ast::Span> definitions_;
    bool failed_ = false;
};

}  // namespace

std::string index_text(const Expr& e) {
    return literal_text(e);
}

std::vector<Instance> expand_sweeps(const std::vector<ast::Statement>& statements,
                                    Diagnostics& diags) {
    std::vector<Instance> out;
    Env env;
    Expander expander(diags);
    expander.collect_definitions(statements);
    expander.statements(statements, env, {}, ast::Span{}, out);
    return out;
}

}  // namespace rnn::interp
