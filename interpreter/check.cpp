#include "interpreter/check.hpp"

#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "interpreter/paths.hpp"
#include "interpreter/statements.hpp"
#include "interpreter/sweep.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "stdlib/analyses/activity.hpp"

namespace rnn::interp {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

// The items of a list, or the value itself when it is not a list (`lesion = 3`).
std::vector<const Expr*> list_items(const Expr& e) {
    std::vector<const Expr*> items;
    if (e.kind == K::List)
        for (const auto& i : e.items)
            items.push_back(i.get());
    else
        items.push_back(&e);
    return items;
}

// Constant numeric expressions: numbers, + - * /, unary minus, sqrt(x).
std::optional<double> constant_number(const Expr& e) {
    switch (e.kind) {
        case K::Number:
            if (!e.unit.empty())
                return std::nullopt;
            return e.number;
        case K::Unary:
            if (e.text == "-")
                if (auto v = constant_number(*e.items[0]))
                    return -*v;
            return std::nullopt;
        case K::Binary: {
            const auto a = constant_number(*e.items[0]);
            const auto b = constant_number(*e.items[1]);
            if (!a || !b)
                return std::nullopt;
            if (e.text == "+")
                return *a + *b;
            if (e.text == "-")
                return *a - *b;
            if (e.text == "*")
                return *a * *b;
            if (e.text == "/" && *b != 0.0)
                return *a / *b;
            return std::nullopt;
        }
        case K::Call:
            if (e.text == "sqrt" && e.items.size() == 1 && e.arg_names[0].empty())
                if (auto v = constant_number(*e.items[0]); v && *v >= 0.0)
                    return std::sqrt(*v);
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

std::string dotted(const Expr& e);

// "a boolean", "an integer": names of types and kinds inside sentences.
std::string with_article(std::string_view word) {
    const bool vowel =
        !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos;
    return std::string(vowel ? "an " : "a ") + std::string(word);
}

std::string kind_words(const Expr& e) {
    switch (e.kind) {
        case K::Number:
            return e.unit.empty() ? "a number" : "a number in " + e.unit;
        case K::String:
            return "a string";
        case K::Bool:
            return "a boolean";
        case K::Name:
            return "the name '" + e.text + "'";
        case K::List:
            return "a list";
        case K::Range:
            return "a range";
        case K::Jitter:
            return "a jittered value";
        case K::Call:
            return "a call of '" + e.text + "'";
        case K::BlockCall:
            return "a '" + e.text + "' block";
        case K::Member:
        case K::Index: {
            const std::string ref = dotted(e);
            return ref.empty() ? "an expression" : "the reference '" + ref + "'";
        }
        default:
            return "an expression";
    }
}

// "a.b.c" for a chain of names and members, with sweep instances as `fit[3]`, or "" if the
// expression is something else.
std::string dotted(const Expr& e) {
    if (e.kind == K::Name)
        return e.text;
    if (e.kind == K::Member) {
        const std::string base = dotted(*e.items[0]);
        return base.empty() ? std::string() : base + "." + e.text;
    }
    if (e.kind == K::Index && e.items[0]->kind == K::Name) {
        std::string index;
        for (std::size_t i = 1; i < e.items.size(); ++i) {
            const std::string v = index_text(*e.items[i]);
            if (v.empty())
                return {};
            index += (i > 1 ? "," : "") + v;
        }
        return e.items[0]->text + "[" + index + "]";
    }
    return {};
}

// The parts of a dotted reference; a dot inside an index (`lr[0.5]`) does not split.
std::vector<std::string> split_dots(const std::string& s) {
    std::vector<std::string> out(1);
    int depth = 0;
    for (const char c : s) {
        if (c == '[')
            ++depth;
        else if (c == ']')
            --depth;
        if (c == '.' && depth == 0)
            out.emplace_back();
        else
            out.back().push_back(c);
    }
    return out;
}

class Checker {
public:
    Checker(Diagnostics& diags, const SourceMap* sources) : d_(diags), sources_(sources) {}

    std::optional<Program> run(const ast::Module& m) {
        const std::size_t first = d_.all().size();
        instances_ = expand_sweeps(m.statements, d_);
        // A sweep that did not expand hides what its body uses: no unused-name warnings then.
        const bool expanded = d_.error_count() == 0;
        // Pass 1: collect definitions, so order in the file does not matter.
        for (const auto& i : instances_)
            declare(i);
        // Pass 2: check each in dependency order (tasks and networks first).
        using SK = ast::Statement::Kind;
        each({SK::Task}, [&](const ast::Statement& s) { task_def(s); });
        each({SK::Network}, [&](const ast::Statement& s) { network_def(s); });
        each({SK::Seed, SK::Output, SK::Train}, [&](const ast::Statement& s) {
            if (s.kind == SK::Seed)
                seed_stmt(s);
            else if (s.kind == SK::Output)
                output_stmt(s);
            else
                train_def(s);
        });
        each({SK::Alter}, [&](const ast::Statement& s) { alter_def(s); });
        each({SK::Evaluate}, [&](const ast::Statement& s) { evaluate_def(s); });
        each({SK::Analyze, SK::Plot}, [&](const ast::Statement& s) {
            if (s.kind == SK::Analyze)
                analyze_def(s);
            else
                plot_def(s);
        });
        if (expanded)
            unused_warnings();
        d_.drop_repeats(first);
        if (d_.has_errors())
            return std::nullopt;
        every_definition_checked();
        return std::move(p_);
    }

private:
    // A definition left out of the program without a diagnostic would silently vanish from
    // the run: that is a bug of the checker, so it stops here instead.
    void every_definition_checked() const {
        using SK = ast::Statement::Kind;
        auto kept = [this](const ast::Statement& s) {
            switch (s.kind) {
                case SK::Task:
                    return p_.tasks.count(s.name) > 0;
                case SK::Network:
                    return p_.networks.count(s.name) > 0;
                case SK::Train:
                    return p_.trains.count(s.name) > 0;
                case SK::Alter:
                    return p_.alters.count(s.name) > 0;
                case SK::Evaluate:
                    return p_.evaluates.count(s.name) > 0;
                case SK::Analyze:
                    return p_.analyses.count(s.name) > 0;
                default:  // plots are counted below; the rest define nothing
                    return true;
            }
        };
        std::size_t plots = 0;
        for (const auto& i : instances_) {
            plots += i.statement.kind == SK::Plot ? 1 : 0;
            if (!kept(i.statement))
                throw std::logic_error(
                    fmt::format("internal error: the checker left out the {} '{}' without a "
                                "diagnostic; please report this with the script",
                                ast::statement_keyword(i.statement.kind), i.statement.name));
        }
        if (plots != p_.plots.size())
            throw std::logic_error(fmt::format(
                "internal error: the checker kept {} of {} plots without a diagnostic; please "
                "report this with the script",
                p_.plots.size(), plots));
    }

    struct Declared {
        ast::Statement::Kind kind;
        const ast::Statement* stmt;
        const Instance* instance;
    };

    // Checks the statements of the given kinds in file order. Diagnostics raised while
    // checking a sweep instance get a note saying which instance it was.
    template <typename Check>
    void each(std::initializer_list<ast::Statement::Kind> kinds, Check check) {
        for (const auto& i : instances_) {
            if (std::find(kinds.begin(), kinds.end(), i.statement.kind) == kinds.end())
                continue;
            const std::size_t mark = d_.all().size();
            check(i.statement);
            if (!i.bindings.empty())
                d_.add_note_since(mark, i.sweep,
                                  fmt::format("in the sweep instance where {}", i.bindings));
        }
    }

    void declare(const Instance& i) {
        const ast::Statement& s = i.statement;
        if (s.name.empty())
            return;
        if (!i.family.empty())
            families_[i.family].push_back(s.name);
        const auto [it, fresh] = declared_.emplace(s.name, Declared{s.kind, &s, &i});
        if (fresh) {
            const auto [dir, free] = directories_.emplace(node_directory(s.name), &s);
            if (!free) {
                auto& e = d_.error(Code::DefinedTwice, s.name_span,
                                   fmt::format("'{}' and '{}' would share the results folder '{}/'",
                                               dir->second->name, s.name, dir->first));
                e.notes.emplace_back(dir->second->name_span, "the other definition");
            }
            return;
        }
        const ast::Statement& other = *it->second.stmt;
        if (!i.bindings.empty() && other.name_span.begin == s.name_span.begin
            && other.name_span.file == s.name_span.file) {
            // The same line of a sweep's body, once per value: it needs an index.
            if (i.family.empty())
                d_.error(Code::UnindexedInSweep, s.name_span,
                         fmt::format("'{}' is defined once per value of the sweep", s.name),
                         fmt::format("index it by the loop variables, e.g. '{}[{}]'", s.name,
                                     i.bindings.substr(0, i.bindings.find(' '))));
            else
                d_.error(Code::DefinedTwice, s.name_span,
                         fmt::format("two instances of the sweep are both named '{}'", s.name),
                         "index the definition by every loop variable that varies");
            return;
        }
        auto& e =
            d_.error(Code::DefinedTwice, s.name_span, fmt::format("'{}' is defined twice", s.name));
        e.notes.emplace_back(other.name_span, "first defined here");
    }

    const Declared* lookup(const std::string& name) const {
        const auto it = declared_.find(name);
        return it == declared_.end() ? nullptr : &it->second;
    }

    // `TASK.inputs` or `TASK.outputs`: the input width or readout size a task's trials
    // have (e.g. `inputs = seqs.inputs`); nothing for other expressions, -1 after an error.
    std::optional<long> task_size(const Expr& e) {
        const std::string text = dotted(e);
        const auto parts = split_dots(text);
        if (parts.size() != 2 || (parts[1] != "inputs" && parts[1] != "outputs"))
            return std::nullopt;
        const Declared* decl = lookup(parts[0]);
        if (decl == nullptr || decl->kind != ast::Statement::Kind::Task)
            return std::nullopt;
        used_.insert(parts[0]);
        if (!p_.tasks.count(parts[0]))
            task_def(*decl->stmt);
        const auto it = p_.tasks.find(parts[0]);
        if (it == p_.tasks.end())
            return -1;  // the task has errors, reported there
        const auto& size =
            parts[1] == "inputs" ? it->second.entry->input_size : it->second.entry->output_size;
        return size ? size(it->second.params) : 0;
    }

    // A name that is a sweep's family rather than one definition: reports it and returns true.
    bool family_reference(const std::string& name, const ast::Span& where) {
        const auto f = families_.find(name);
        if (f == families_.end() || lookup(name) != nullptr)
            return false;
        d_.error(Code::SweepFamilyReference, where,
                 fmt::format("'{}' is a sweep of {} definitions ({}{}); name one of them", name,
                             f->second.size(), f->second.front(),
                             f->second.size() > 1 ? " ... " + f->second.back() : ""),
                 fmt::format("write e.g. '{}'", f->second.front()));
        return true;
    }

    std::vector<std::string> names_of(ast::Statement::Kind kind) const {
        std::vector<std::string> out;
        for (const auto& [name, decl] : declared_)
            if (decl.kind == kind)
                out.push_back(name);
        return out;
    }

    // A reference to a definition of the wanted kind; reports what is wrong otherwise.
    const ast::Statement* reference(const Expr& e, ast::Statement::Kind kind, const char* what) {
        const std::string name = e.kind == K::Name || e.kind == K::Index ? dotted(e) : "";
        if (name.empty()) {
            d_.error(Code::ExpectedDefinition, e.span,
                     fmt::format("expected the name of a {}, found {}", what, kind_words(e)));
            return nullptr;
        }
        used_.insert(name);
        const Declared* decl = lookup(name);
        if (decl == nullptr) {
            if (!family_reference(name, e.span))
                d_.error(Code::UnknownName, e.span, fmt::format("no {} named '{}'", what, name),
                         suggestion(name, names_of(kind)));
            return nullptr;
        }
        // An altered training stands wherever a training does.
        const bool trained =
            kind == ast::Statement::Kind::Train && decl->kind == ast::Statement::Kind::Alter;
        if (decl->kind != kind && !trained) {
            auto& err = d_.error(Code::WrongKind, e.span,
                                 fmt::format("'{}' is a {}, not a {}", name,
                                             ast::statement_keyword(decl->kind), what));
            err.notes.emplace_back(decl->stmt->name_span, "defined here");
            return nullptr;
        }
        return decl->stmt;
    }

    void seed_stmt(const ast::Statement& s) {
        if (first_seed_ != nullptr)
            d_.error(Code::SeedTwice, s.keyword_span, "the script seed is set twice")
                .notes.emplace_back(first_seed_->keyword_span, "first set here");
        else
            first_seed_ = &s;
        const auto v = constant_number(*s.head);
        if (!v || *v < 0 || *v != std::floor(*v) || *v > 9.0e15)
            d_.error(Code::BadSeed, s.head->span, "the seed must be a whole number from 0 to 9e15");
        else
            p_.seed = static_cast<std::uint64_t>(*v);
    }

    void output_stmt(const ast::Statement& s) {
        if (first_output_ != nullptr)
            d_.error(Code::OutputTwice, s.keyword_span, "the output directory is set twice")
                .notes.emplace_back(first_output_->keyword_span, "first set here");
        else
            first_output_ = &s;
        const std::string& path = s.head->text;
        if (const std::string why = unsafe_relative_path(path); !why.empty())
            d_.error(Code::UnsafePath, s.head->span, "the output directory " + why,
                     "write a relative path such as \"runs/name\", or pass --out DIR to 'rnn run'");
        else
            p_.output = path;
    }

    // --- values against a schema -----------------------------------------------------------
    std::optional<stdlib::Value> value(const Expr& e, const stdlib::ParamSpec& spec) {
        using T = stdlib::ParamType;
        auto range_ok = [&](double v, const ast::Span& where) {
            if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
                d_.error(Code::OutOfRange, where,
                         fmt::format("'{}' = {} is out of range", spec.name, v),
                         fmt::format("'{}' must be in [{}, {}]", spec.name,
                                     spec.min ? fmt::format("{}", *spec.min) : "-inf",
                                     spec.max ? fmt::format("{}", *spec.max) : "inf"));
                return false;
            }
            return true;
        };
        const std::string want = fmt::format("'{}' expects {}", spec.name,
                                             with_article(stdlib::param_type_name(spec.type)));
        if (spec.type == T::Integer)
            if (const auto derived = task_size(e)) {
                if (*derived < 0 || !range_ok(static_cast<double>(*derived), e.span))
                    return std::nullopt;
                return stdlib::Value{static_cast<double>(*derived)};
            }
        // A duration in whole steps (ms and s through dt), without the range check.
        auto to_steps = [&](const Expr& x) -> std::optional<double> {
            if (x.kind != K::Number || x.unit.empty()) {
                d_.error(Code::DurationNeedsUnit, x.span,
                         fmt::format("'{}' is a duration: give its unit, e.g. '{} = 200 steps'",
                                     spec.name, spec.name));
                return std::nullopt;
            }
            double steps = x.number;
            if (x.unit == "ms" || x.unit == "s") {
                if (dt_ms_ <= 0.0) {
                    d_.error(Code::DurationNeedsDt, x.span,
                             fmt::format("'{}' is given in {}, but no dt converts it to steps",
                                         spec.name, x.unit),
                             "give the duration in steps, or set the task's step length, "
                             "e.g. 'dt = 1 ms'");
                    return std::nullopt;
                }
                const double ms = x.unit == "s" ? x.number * 1000.0 : x.number;
                steps = ms / dt_ms_;
                if (std::abs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps)) {
                    d_.error(Code::NotWholeSteps, x.span,
                             fmt::format("'{}' = {} {} is {:.4g} steps of dt = {} ms; a "
                                         "duration must be a whole number of steps",
                                         spec.name, x.number, x.unit, steps, dt_ms_));
                    return std::nullopt;
                }
                steps = std::round(steps);
            } else if (x.unit != "steps") {
                d_.error(Code::NotATimeUnit, x.span,
                         fmt::format("'{}' is a duration; '{}' is not a unit of time", spec.name,
                                     x.unit),
                         "use steps, ms or s");
                return std::nullopt;
            } else if (x.number != std::floor(x.number)) {
                d_.error(Code::NotWholeSteps, x.span,
                         fmt::format("'{}' must be a whole number of steps", spec.name));
                return std::nullopt;
            }
            return steps;
        };
        switch (spec.type) {
            case T::Integer:
            case T::Real: {
                if (e.kind == K::Number && !e.unit.empty() && e.unit != "trials"
                    && e.unit != "epochs") {
                    d_.error(Code::UnitNotAllowed, e.span,
                             fmt::format("'{}' is a plain number; the unit '{}' does not apply",
                                         spec.name, e.unit));
                    return std::nullopt;
                }
                std::optional<double> v =
                    e.kind == K::Number ? std::optional<double>(e.number) : constant_number(e);
                if (!v) {
                    d_.error(Code::WrongType, e.span,
                             fmt::format("{}, found {}", want, kind_words(e)));
                    return std::nullopt;
                }
                if (spec.type == T::Integer && *v != std::floor(*v)) {
                    d_.error(Code::NotWhole, e.span,
                             fmt::format("'{}' must be a whole number, found {}", spec.name, *v));
                    return std::nullopt;
                }
                if (!range_ok(*v, e.span))
                    return std::nullopt;
                return stdlib::Value{*v};
            }
            case T::Steps: {
                const auto steps = to_steps(e);
                if (!steps || !range_ok(*steps, e.span))
                    return std::nullopt;
                return stdlib::Value{*steps};
            }
            case T::IntegerList: {
                std::vector<const Expr*> items;
                if (e.kind == K::List)
                    for (const auto& item : e.items)
                        items.push_back(item.get());
                else
                    items.push_back(&e);
                if (items.empty()) {
                    d_.error(Code::WrongType, e.span, fmt::format("{}; the list is empty", want));
                    return std::nullopt;
                }
                std::vector<double> values;
                for (const Expr* item : items) {
                    const auto v = constant_number(*item);
                    if (!v || *v != std::floor(*v)) {
                        d_.error(Code::WrongType, item->span,
                                 fmt::format("{}, found {}", want, kind_words(*item)));
                        return std::nullopt;
                    }
                    if (!range_ok(*v, item->span))
                        return std::nullopt;
                    values.push_back(*v);
                }
                return stdlib::Value{std::move(values)};
            }
            case T::JitteredSteps: {
                if (e.kind == K::List) {
                    std::vector<double> values;
                    for (const auto& item : e.items) {
                        const auto steps = to_steps(*item);
                        if (!steps || !range_ok(*steps, item->span))
                            return std::nullopt;
                        values.push_back(*steps);
                    }
                    if (values.empty()) {
                        d_.error(Code::WrongType, e.span,
                                 fmt::format("{}; the list is empty", want));
                        return std::nullopt;
                    }
                    return stdlib::Value{std::move(values)};
                }
                if (e.kind != K::Jitter) {
                    const auto steps = to_steps(e);
                    if (!steps || !range_ok(*steps, e.span))
                        return std::nullopt;
                    return stdlib::Value{*steps};
                }
                const auto mean = to_steps(*e.items[0]);
                const auto spread = to_steps(*e.items[1]);
                if (!mean || !spread)
                    return std::nullopt;
                if (*spread < 0.0 || !range_ok(*mean - *spread, e.span)
                    || !range_ok(*mean + *spread - (*spread > 0.0 ? 1.0 : 0.0), e.span))
                    return std::nullopt;
                if (*spread == 0.0)
                    return stdlib::Value{*mean};
                return stdlib::Value{stdlib::UniformDraw{*mean - *spread, *mean + *spread}};
            }
            case T::Time: {
                if (e.kind != K::Number || (e.unit != "ms" && e.unit != "s")) {
                    d_.error(e.kind == K::Number && !e.unit.empty() ? Code::NotATimeUnit
                                                                    : Code::DurationNeedsUnit,
                             e.span,
                             fmt::format("'{}' is a time: write it in ms or s, e.g. '{} = 1 ms'",
                                         spec.name, spec.name),
                             e.kind == K::Number && e.unit == "steps"
                                 ? "a step has no length until dt gives it one"
                                 : "");
                    return std::nullopt;
                }
                const double ms = e.unit == "s" ? e.number * 1000.0 : e.number;
                if (!range_ok(ms, e.span))
                    return std::nullopt;
                return stdlib::Value{ms};
            }
            case T::Bool:
                if (e.kind != K::Bool) {
                    d_.error(Code::WrongType, e.span,
                             fmt::format("{} (true or false), found {}", want, kind_words(e)));
                    return std::nullopt;
                }
                return stdlib::Value{e.boolean};
            case T::String:
                if (e.kind != K::String) {
                    d_.error(Code::WrongType, e.span,
                             fmt::format("{}, found {}", want, kind_words(e)));
                    return std::nullopt;
                }
                return stdlib::Value{e.text};
            case T::File: {
                if (e.kind != K::String) {
                    d_.error(Code::WrongType, e.span,
                             fmt::format("{}, found {}", want, kind_words(e)));
                    return std::nullopt;
                }
                if (auto path = data_file(e))
                    return stdlib::Value{std::move(*path)};
                return std::nullopt;
            }
            case T::Choice: {
                if (e.kind != K::Name) {
                    d_.error(Code::WrongType, e.span,
                             fmt::format("{}, found {}", want, kind_words(e)),
                             suggestion("", spec.choices));
                    return std::nullopt;
                }
                for (const auto& c : spec.choices)
                    if (c == e.text)
                        return stdlib::Value{e.text};
                d_.error(Code::NotAChoice, e.span,
                         fmt::format("'{}' is not a valid value for '{}'", e.text, spec.name),
                         suggestion(e.text, spec.choices));
                return std::nullopt;
            }
            case T::Draw: {
                if (const auto v = constant_number(e)) {
                    if (!range_ok(*v, e.span))
                        return std::nullopt;
                    return stdlib::Value{*v};
                }
                if (e.kind == K::Call && e.text == "uniform") {
                    const bool positional =
                        std::all_of(e.arg_names.begin(), e.arg_names.end(),
                                    [](const std::string& n) { return n.empty(); });
                    if (e.items.size() != 2 || !positional) {
                        d_.error(Code::BadDraw, e.span,
                                 "uniform(low, high) takes two numbers, by position");
                        return std::nullopt;
                    }
                    const auto lo = constant_number(*e.items[0]);
                    const auto hi = constant_number(*e.items[1]);
                    if (!lo || !hi) {
                        d_.error(Code::BadDraw, (!lo ? e.items[0] : e.items[1])->span,
                                 "uniform(low, high) takes two numbers");
                        return std::nullopt;
                    }
                    if (!(*lo < *hi)) {
                        d_.error(Code::EmptyInterval, e.span,
                                 fmt::format("uniform({}, {}) is empty: low must be below high",
                                             *lo, *hi));
                        return std::nullopt;
                    }
                    if (!range_ok(*lo, e.items[0]->span) || !range_ok(*hi, e.items[1]->span))
                        return std::nullopt;
                    return stdlib::Value{stdlib::UniformDraw{*lo, *hi}};
                }
                d_.error(Code::WrongType, e.span, fmt::format("{}, found {}", want, kind_words(e)));
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    // Checks `name = value` fields against a schema into params (starting from `base`).
    stdlib::Params fields(const std::vector<ast::Field>& body, const stdlib::Schema& schema,
                          const std::string& what, stdlib::Params base, const ast::Span& where,
                          std::vector<const ast::Field*>* others = nullptr) {
        std::map<std::string, const ast::Field*> seen;
        // The step length comes first: durations in ms are converted through it.
        const double outer_dt = dt_ms_;
        dt_ms_ = 0.0;
        if (const stdlib::ParamSpec* dt = schema.find("dt");
            dt && dt->type == stdlib::ParamType::Time) {
            if (base.has("dt"))
                dt_ms_ = base.real("dt");
            else if (dt->default_value)
                dt_ms_ = std::get<double>(*dt->default_value);
            for (const auto& f : body)
                if (f.name == "dt" && f.kind == ast::Field::Kind::Assign)
                    if (auto v = value(*f.value, *dt))
                        dt_ms_ = std::get<double>(*v);
        }

        struct RestoreDt {
            double& dt;
            double outer;

            ~RestoreDt() { dt = outer; }
        } restore{dt_ms_, outer_dt};

        for (const auto& f : body) {
            if (auto [it, fresh] = seen.emplace(f.name, &f); !fresh) {
                auto& e = d_.error(Code::GivenTwice, f.name_span,
                                   fmt::format("'{}' is given twice", f.name));
                e.notes.emplace_back(it->second->name_span, "first given here");
                continue;
            }
            const stdlib::ParamSpec* spec = schema.find(f.name);
            if (spec == nullptr || f.kind != ast::Field::Kind::Assign) {
                if (others != nullptr) {
                    others->push_back(&f);
                    continue;
                }
                d_.error(Code::UnknownParameter, f.name_span,
                         fmt::format("{} has no parameter '{}'", what, f.name),
                         suggestion(f.name, schema.names()));
                continue;
            }
            if (f.name == "dt" && spec->type == stdlib::ParamType::Time) {
                if (dt_ms_ > 0.0 || base.has("dt"))
                    base.set("dt", stdlib::Value{dt_ms_});
                continue;  // checked above
            }
            if (auto v = value(*f.value, *spec))
                base.set(f.name, *v);
        }
        for (const auto& spec : schema.params)
            if (spec.required() && !base.has(spec.name) && !seen.count(spec.name))
                d_.error(Code::MissingParameter, where,
                         fmt::format("{} needs '{}' ({})", what, spec.name, spec.doc),
                         fmt::format("add '{} = ...' to the block", spec.name));
        // Durations left at a default that stands for a time follow this block's dt.
        for (const auto& spec : schema.params) {
            if (spec.default_at_dt <= 0.0 || dt_ms_ <= 0.0 || dt_ms_ == spec.default_at_dt
                || seen.count(spec.name) || base.has(spec.name) || !spec.default_value)
                continue;
            const double scale = spec.default_at_dt / dt_ms_;
            auto steps = [&](double v) {
                return std::max(spec.min.value_or(0.0), std::round(v * scale));
            };
            if (const auto* d = std::get_if<stdlib::UniformDraw>(&*spec.default_value))
                base.set(spec.name, stdlib::Value{stdlib::UniformDraw{
                                        steps(d->low), std::max(steps(d->high), steps(d->low))}});
            else if (const auto* v = std::get_if<double>(&*spec.default_value))
                base.set(spec.name, stdlib::Value{steps(*v)});
        }
        return stdlib::with_defaults(schema, std::move(base));
    }

    // --- task ------------------------------------------------------------------------
    // Bases are checked before what derives from them; a chain of bases that leads back to
    // where it started is a cycle, reported once at each definition in it.
    struct Defining {
        std::vector<const ast::Statement*>& stack;

        ~Defining() { stack.pop_back(); }
    };

    bool enter(const ast::Statement& s) {
        const auto at = std::find(defining_.begin(), defining_.end(), &s);
        if (at == defining_.end()) {
            defining_.push_back(&s);
            return true;
        }
        std::string chain;
        for (auto it = at; it != defining_.end(); ++it)
            chain += (*it)->name + " -> ";
        chain += s.name;
        auto& e = d_.error(Code::DependencyCycle, s.head->span,
                           fmt::format("'{}' is defined in terms of itself: {}", s.name, chain));
        for (auto it = at + 1; it != defining_.end(); ++it) {
            cyclic_.insert(*it);
            e.notes.emplace_back((*it)->head->span,
                                 fmt::format("'{}' derives from here", (*it)->name));
        }
        cyclic_.insert(&s);
        return false;
    }

    void task_def(const ast::Statement& s) {
        if (p_.tasks.count(s.name) || cyclic_.count(&s) || !enter(s))
            return;
        const Defining guard{defining_};
        TaskDef t;
        t.name = s.name;
        t.span = s.span;
        stdlib::Params base;
        if (s.head->kind == K::Name && (t.entry = stdlib::find_task(s.head->text)) == nullptr) {
            // A variant of another task: inherit its values.
            const Declared* decl = lookup(s.head->text);
            if (decl != nullptr && decl->kind == ast::Statement::Kind::Task) {
                used_.insert(s.head->text);
                if (!p_.tasks.count(s.head->text))
                    task_def(*decl->stmt);
                const auto it = p_.tasks.find(s.head->text);
                if (it == p_.tasks.end())
                    return;  // the base has errors
                t.entry = it->second.entry;
                base = it->second.params;
                t.data_origin = it->second.data_origin;
            } else {
                std::vector<std::string> names;
                for (const auto* e : stdlib::tasks())
                    names.push_back(e->name);
                for (const auto& n : names_of(ast::Statement::Kind::Task))
                    names.push_back(n);
                d_.error(Code::UnknownTask, s.head->span,
                         fmt::format("unknown task '{}'", s.head->text),
                         suggestion(s.head->text, names));
                return;
            }
        } else if (t.entry == nullptr) {
            d_.error(Code::ExpectedDefinition, s.head->span,
                     fmt::format("expected a task name, found {}", kind_words(*s.head)));
            return;
        }
        if (p_.tasks.count(s.name))
            return;  // already checked as a base
        if (t.data_origin.empty())
            t.data_origin = s.name;
        t.params = fields(s.body, t.entry->schema, fmt::format("task '{}'", t.entry->name),
                          std::move(base), s.name_span);
        t.files_key = files_key(t.entry->schema, t.params);
        p_.tasks.emplace(s.name, std::move(t));
    }

    // --- network -----------------------------------------------------------------------
    std::optional<rt::Initializer> initializer(const Expr& e, std::string& text) {
        text = e.kind == K::Call ? e.text : dotted(e);
        // name -> (kind, whether it takes a gain); the others take positional numbers.
        static const std::map<std::string, rt::InitKind> gained = {
            {"xavier_uniform", rt::InitKind::XavierUniform},
            {"xavier_normal", rt::InitKind::XavierNormal},
            {"orthogonal", rt::InitKind::Orthogonal},
            {"identity", rt::InitKind::Identity}};
        const std::vector<std::string> known = {
            "normal",        "uniform",    "zeros",    "constant",       "xavier_uniform",
            "xavier_normal", "orthogonal", "identity", "fan_in_uniform", "bernoulli"};
        if (e.kind == K::Name && (e.text == "zeros" || e.text == "fan_in_uniform"))
            return rt::Initializer{
                e.text == "zeros" ? rt::InitKind::Zeros : rt::InitKind::FanInUniform, 0, 0};
        if (e.kind == K::Name && gained.count(e.text))
            return rt::Initializer{gained.at(e.text), 1.0, 0};
        if (e.kind != K::Call) {
            d_.error(
                Code::BadInitializer, e.span,
                fmt::format("expected an initialiser such as normal(0.1), found {}", kind_words(e)),
                suggestion(e.kind == K::Name ? e.text : "", known));
            return std::nullopt;
        }
        const bool takes_gain = gained.count(e.text) != 0;
        std::vector<double> args;
        for (std::size_t i = 0; i < e.items.size(); ++i) {
            if (!e.arg_names[i].empty() && !(takes_gain && e.arg_names[i] == "gain")) {
                d_.error(
                    Code::InitializerArguments, e.items[i]->span,
                    takes_gain
                        ? fmt::format("{}() takes only 'gain'", e.text)
                        : fmt::format("{}() takes its arguments by position, not by name", e.text));
                return std::nullopt;
            }
            const auto v = constant_number(*e.items[i]);
            if (!v) {
                d_.error(Code::InitializerArguments, e.items[i]->span,
                         "initialiser arguments must be numbers");
                return std::nullopt;
            }
            args.push_back(*v);
        }
        auto arity = [&](std::size_t n) {
            if (args.size() == n)
                return true;
            d_.error(Code::InitializerArguments, e.span,
                     fmt::format("{}() takes {} argument{}", e.text, n, n == 1 ? "" : "s"));
            return false;
        };
        if (takes_gain) {
            if (args.size() > 1) {
                d_.error(
                    Code::InitializerArguments, e.span,
                    fmt::format("{}() takes at most a gain, e.g. {}(gain: 0.9)", e.text, e.text));
                return std::nullopt;
            }
            return rt::Initializer{gained.at(e.text), args.empty() ? 1.0 : args[0], 0};
        }
        if (e.text == "normal") {
            if (!arity(1))
                return std::nullopt;
            if (args[0] < 0) {
                d_.error(Code::NegativeDeviation, e.items[0]->span,
                         "the standard deviation must not be negative");
                return std::nullopt;
            }
            return rt::Initializer{rt::InitKind::Normal, args[0], 0};
        }
        if (e.text == "uniform") {
            if (!arity(2))
                return std::nullopt;
            if (!(args[0] < args[1])) {
                d_.error(Code::EmptyInterval, e.span, "uniform(low, high) needs low < high");
                return std::nullopt;
            }
            return rt::Initializer{rt::InitKind::Uniform, args[0], args[1]};
        }
        if (e.text == "zeros" || e.text == "fan_in_uniform") {
            if (!arity(0))
                return std::nullopt;
            return rt::Initializer{
                e.text == "zeros" ? rt::InitKind::Zeros : rt::InitKind::FanInUniform, 0, 0};
        }
        if (e.text == "constant") {
            if (!arity(1))
                return std::nullopt;
            return rt::Initializer{rt::InitKind::Constant, args[0], 0};
        }
        if (e.text == "bernoulli") {
            if (!arity(1))
                return std::nullopt;
            if (args[0] < 0 || args[0] > 1) {
                d_.error(Code::InitializerArguments, e.items[0]->span,
                         "bernoulli(p) draws 1 with probability p: p is between 0 and 1");
                return std::nullopt;
            }
            return rt::Initializer{rt::InitKind::Bernoulli, args[0], 0};
        }
        d_.error(Code::BadInitializer, e.span, fmt::format("unknown initialiser '{}'", e.text),
                 suggestion(e.text, known));
        return std::nullopt;
    }

    // The runtime layout of a network's tensors with the options given so far (empty when
    // a required option is missing; columns are 0 where they depend on the task).
    static std::vector<rt::TensorLayout> layout_of(const NetworkDef& net) {
        if (net.entry == nullptr || !net.params.has("units"))
            return {};
        const stdlib::Params p = stdlib::with_defaults(net.entry->schema, net.params);
        for (const auto& spec : net.entry->schema.params)
            if (spec.required() && !p.has(spec.name))
                return {};  // e.g. a misspelt `outputs` of the plastic kind, reported already
        return rt::tensor_layout(stdlib::network_shape(*net.entry, p, 0));
    }

    // The tensor `name`, or the first of the family `name` (the plastic network's C.1,
    // C.2, ... are the family C).
    static const rt::TensorLayout* find_layout(const std::vector<rt::TensorLayout>& layout,
                                               const std::string& name) {
        for (const auto& l : layout)
            if (l.name == name || l.name.rfind(name + ".", 0) == 0)
                return &l;
        return nullptr;
    }

    // The names of the tensors a network has with its options, for references and hints.
    static std::vector<std::string> tensor_names(const NetworkDef& net) {
        std::vector<std::string> names;
        const auto layout = layout_of(net);
        if (layout.empty())
            for (const auto& t : net.entry->tensors)
                names.push_back(t.name);
        for (const auto& l : layout)
            names.push_back(l.name);
        return names;
    }

    // Why a tensor cannot be symmetric or lose its diagonal: only the square recurrent
    // matrix (rnn W_self, ctrnn G) can.
    static std::string not_square_message(const std::string& name, const rt::TensorLayout* shape,
                                          const char* what) {
        if (shape != nullptr && shape->cols > 0 && !shape->square())
            return fmt::format("'{}' is {}x{}, not square, so it cannot be {}", name, shape->rows,
                               shape->cols, what);
        if (shape != nullptr && shape->cols > 0)
            return fmt::format("only the recurrent matrix can be {}; '{}' is not it", what, name);
        return fmt::format("'{}' is not square, so it cannot be {}", name, what);
    }

    // Why a tensor of the kind is absent with these options.
    static std::string absent_tensor_hint(const std::string& name) {
        if (name == "W_out" || name == "w")
            return "it exists when the network has a readout: set 'outputs' > 0";
        if (name == "b_out")
            return "it exists with 'outputs' > 0 and 'readout_bias = true'";
        return "it exists with 'bias = true'";
    }

    // The path of a file that the script text at `where` names: relative to the folder of
    // that script (an included file names files beside itself). Nothing when files are
    // switched off for this input (the fuzz target).
    std::optional<std::filesystem::path> beside_script(const ast::Span& where,
                                                       const std::string& name) const {
        if (sources_ == nullptr || where.file >= sources_->size())
            return std::nullopt;
        return (sources_->file(where.file).paths_relative_to() / name).lexically_normal();
    }

    // The file a File parameter names, resolved as load() resolves arrays: relative to the
    // script that names it. Only a readable regular file is read (not a directory, a FIFO or
    // a device, which could block or never end). Returns its absolute path and records the
    // hash of its bytes for the node key (TaskDef::files_key).
    std::optional<std::string> data_file(const Expr& e) {
        const std::string& name = e.text;
        const char* help = "name a text file relative to the script, e.g. \"data/corpus.txt\"";
        if (name.empty() || name.front() == '/') {
            d_.error(Code::DataFile, e.span,
                     "a data file must be named relative to the script that names it", help);
            return std::nullopt;
        }
        const auto beside = beside_script(e.span, name);
        if (!beside) {
            d_.error(Code::DataFile, e.span, "files are switched off for this input");
            return std::nullopt;
        }
        std::error_code ec;
        const std::filesystem::path path = std::filesystem::absolute(*beside, ec);
        const auto status = std::filesystem::status(path, ec);
        std::string why;
        std::optional<std::string> bytes;
        if (!std::filesystem::exists(status))
            why = "no such file";
        else if (!std::filesystem::is_regular_file(status))
            why = "it is not a regular file";
        else if (std::filesystem::file_size(path, ec) > kMaxDataFileBytes)
            why = fmt::format("it is larger than {} MiB", kMaxDataFileBytes >> 20);
        else
            bytes = rt::read_file(path, why);
        if (!bytes) {
            d_.error(Code::DataFile, e.span, fmt::format("cannot read '{}': {}", name, why), help);
            return std::nullopt;
        }
        file_hashes_[path.string()] = rt::hex64(rt::hash64(*bytes));
        return path.string();
    }

    // The content hashes of the files that the File parameters of `params` name, for a node
    // key: a changed file re-runs the node, a moved project keeps its cache.
    std::string files_key(const stdlib::Schema& schema, const stdlib::Params& params) const {
        std::string key;
        for (const auto& spec : schema.params)
            if (spec.type == stdlib::ParamType::File && params.has(spec.name))
                if (const auto* path = std::get_if<std::string>(&params.get(spec.name)))
                    if (const auto hash = file_hashes_.find(*path); hash != file_hashes_.end())
                        key += spec.name + ":" + hash->second + ",";
        return key;
    }

    // The array of `load("file.npy")`, read relative to the file that names it, with its
    // shape checked against the tensor where the shape is known here (W_input's columns
    // may come from the task), and a hash of its bytes for the node keys.
    std::optional<std::pair<arma::mat, std::string>> load_array(const Expr& call,
                                                                const std::string& tensor,
                                                                const NetworkDef& net) {
        // A `mask(load(...))` modifier argument arrives as a parenthesised call.
        if (call.items.size() != 1 || !call.arg_names[0].empty()
            || call.items[0]->kind != K::String) {
            d_.error(Code::CallForm, call.span, "write load(\"FILE.npy\")");
            return std::nullopt;
        }
        const std::string& name = call.items[0]->text;
        const ast::Span& where = call.items[0]->span;
        if (name.empty() || name.front() == '/') {
            d_.error(Code::ArrayFile, where,
                     "an array file must be named relative to the script that loads it");
            return std::nullopt;
        }
        const auto beside = beside_script(where, name);
        if (!beside) {
            d_.error(Code::ArrayFile, where, "files are switched off for this input");
            return std::nullopt;
        }
        const std::filesystem::path& path = *beside;
        arma::mat values;
        std::string why;
        const auto bytes = rt::read_file(path, why);
        try {
            if (!bytes)
                throw std::runtime_error(why);
            values = rt::parse_npy(*bytes, name);
        } catch (const std::exception& ex) {
            d_.error(Code::ArrayFile, where,
                     fmt::format("cannot load '{}': {}", path.string(), ex.what()),
                     "arrays are .npy files (float32 or float64), relative to the script");
            return std::nullopt;
        }
        const auto layout = layout_of(net);
        const rt::TensorLayout* l = find_layout(layout, tensor);
        const long rows = l ? static_cast<long>(l->rows) : 0;
        const long cols = l ? static_cast<long>(l->cols) : 0;
        if (rows > 0 && cols > 0
            && (static_cast<long>(values.n_rows) != rows
                || static_cast<long>(values.n_cols) != cols)) {
            d_.error(Code::ArrayShape, where,
                     fmt::format("'{}' holds a {}x{} array, but {} is {}x{}", name, values.n_rows,
                                 values.n_cols, tensor, rows, cols));
            return std::nullopt;
        }
        if (!values.is_finite()) {
            d_.error(Code::ArrayShape, where,
                     fmt::format("'{}' holds NaN or infinite values", name));
            return std::nullopt;
        }
        return std::make_pair(std::move(values), rt::hex64(rt::hash64(*bytes)));
    }

    void tensor_line(const ast::Field& f, const stdlib::NetworkEntry& entry, NetworkDef& net) {
        std::vector<std::string> kind_tensors;
        for (const auto& t : entry.tensors)
            kind_tensors.push_back(t.name);
        bool known_tensor = false;
        for (const auto& n : kind_tensors)
            known_tensor |= n == f.name;
        if (!known_tensor) {
            d_.error(Code::UnknownTensor, f.name_span,
                     fmt::format("the '{}' network kind has no tensor '{}'", entry.name, f.name),
                     suggestion(f.name, kind_tensors));
            return;
        }
        const auto layout = layout_of(net);
        const rt::TensorLayout* shape = find_layout(layout, f.name);
        if (!layout.empty() && shape == nullptr) {
            d_.error(Code::UnknownTensor, f.name_span,
                     fmt::format("the network '{}' has no tensor '{}' with these options", net.name,
                                 f.name),
                     absent_tensor_hint(f.name));
            return;
        }
        // A square recurrent matrix (rnn W_self, ctrnn G) can be symmetric or lose its
        // diagonal; gate matrices (gru, lstm W_self) are not square.
        const bool square_recurrent =
            shape != nullptr && shape->role == rt::TensorRole::Recurrent && shape->square();
        const bool weight_matrix =
            shape != nullptr
            && (shape->role == rt::TensorRole::Recurrent || shape->role == rt::TensorRole::Input
                || shape->role == rt::TensorRole::Readout);
        TensorDef t;
        if (net.tensors.count(f.name))
            t = net.tensors[f.name];
        else if (shape != nullptr)
            t.constraint.fixed = shape->fixed;  // h0 and c0 stay fixed unless made trainable
        t.name = f.name;
        const std::vector<std::string> modifiers = {
            "fixed", "trainable", "symmetric", "init", "seed", "stream", "no_self", "dale", "mask"};
        const ast::Modifier* dale = nullptr;
        const ast::Modifier* fixed = nullptr;
        const ast::Modifier* trainable = nullptr;
        const bool plastic = entry.kind == rt::CellKind::Plastic;
        for (const auto& m : f.modifiers) {
            // The plastic network's learner trains C and bias itself and keeps mask and
            // feedback fixed: only how a family starts can be chosen.
            if (plastic
                && (m.name != "init" && m.name != "seed" && m.name != "stream"
                    && !(m.name == "fixed"
                         && (f.name == "mask" || f.name == "feedback" || f.name == "h0")))) {
                d_.error(Code::BadModifier, m.span,
                         fmt::format("the plastic network's tensors take init, seed and stream, "
                                     "not '{}'",
                                     m.name),
                         "its learner trains C and bias and keeps mask, feedback and h0 fixed");
                continue;
            }
            if (plastic && m.name == "init" && m.argument && m.argument->kind == K::Call
                && m.argument->text == "load") {
                d_.error(Code::BadModifier, m.span,
                         fmt::format("'{}' names a family of tensors, one per layer: load() "
                                     "cannot fill it",
                                     f.name),
                         "initialise it with an initialiser such as normal(0.1)");
                continue;
            }
            auto no_argument = [&] {
                if (m.argument)
                    d_.error(Code::ModifierTakesNoArgument, m.argument->span,
                             fmt::format("'{}' takes no argument", m.name));
            };
            if (m.name == "fixed") {
                no_argument();
                fixed = &m;
                t.constraint.fixed = true;
            } else if (m.name == "trainable") {
                no_argument();
                trainable = &m;
                t.constraint.fixed = false;
            } else if (m.name == "symmetric") {
                no_argument();
                t.constraint.symmetric = true;
            } else if (m.name == "init") {
                if (!m.argument) {
                    d_.error(Code::ModifierNeedsArgument, m.span,
                             "'init' needs an initialiser, e.g. 'init normal(0.1)'");
                    continue;
                }
                if (m.argument->kind == K::Call && m.argument->text == "load") {
                    if (auto values = load_array(*m.argument, f.name, net)) {
                        t.init_values = std::move(values->first);
                        t.init_text = dotted(*m.argument);
                        t.arrays_key += "init:" + values->second + ",";
                    }
                    continue;
                }
                t.init = initializer(*m.argument, t.init_text);
            } else if (m.name == "seed") {
                const auto v = m.argument ? constant_number(*m.argument) : std::nullopt;
                if (!v || *v < 0 || *v != std::floor(*v))
                    d_.error(Code::BadSeed, m.span, "'seed' needs a whole number, e.g. 'seed 1'");
                else
                    t.pinned_seed = static_cast<std::uint64_t>(*v);
            } else if (m.name == "stream") {
                if (!m.argument || m.argument->kind != K::String)
                    d_.error(Code::ModifierNeedsArgument, m.span,
                             "'stream' needs a name in quotes, e.g. 'stream \"io\"'");
                else
                    t.stream = m.argument->text;
            } else if (m.name == "dale") {
                dale = &m;
                // The fraction of excitatory presynaptic units (columns) must give whole
                // numbers of excitatory and inhibitory units.
                const double ratio =
                    m.argument ? constant_number(*m.argument).value_or(-1.0) : -1.0;
                const long columns = shape != nullptr ? static_cast<long>(shape->cols) : 0;
                if (!weight_matrix) {
                    d_.error(Code::ConflictingConstraints, m.span,
                             fmt::format("Dale's law applies to weight matrices; '{}' is not one",
                                         f.name));
                } else if (ratio <= 0.0 || ratio > 1.0) {
                    d_.error(Code::ModifierNeedsArgument, m.span,
                             "'dale' needs the excitatory fraction in (0, 1], e.g. 'dale(0.8)'");
                } else if (const double e = ratio * static_cast<double>(columns);
                           columns > 0 && std::abs(e - std::round(e)) > 1e-9) {
                    d_.error(
                        Code::DaleRatio, m.argument->span,
                        fmt::format("dale({}) with {} presynaptic units gives {:.4g} "
                                    "excitatory units; it must be a whole number",
                                    ratio, columns, e),
                        fmt::format("e.g. dale({}) gives {} excitatory units",
                                    std::round(e) / static_cast<double>(columns), std::lround(e)));
                } else {
                    t.constraint.dale = ratio;
                }
            } else if (m.name == "no_self") {
                no_argument();
                if (!square_recurrent)
                    d_.error(Code::NotSquare, m.span,
                             not_square_message(f.name, shape, "without self-connections"));
                t.constraint.no_self = true;
            } else if (m.name == "mask") {
                if (!m.argument || m.argument->kind != K::Call || m.argument->text != "load") {
                    d_.error(Code::ModifierNeedsArgument, m.span,
                             "'mask' needs a 0/1 array from a file, e.g. 'mask(load(\"m.npy\"))'");
                    continue;
                }
                if (auto values = load_array(*m.argument, f.name, net)) {
                    if (!values->first.is_empty()
                        && arma::any(
                            arma::vectorise((values->first != 0.0) % (values->first != 1.0)))) {
                        d_.error(Code::ArrayShape, m.argument->span, "a mask holds only 0 and 1");
                        continue;
                    }
                    t.constraint.mask = std::move(values->first);
                    t.arrays_key += "mask:" + values->second + ",";
                }
            } else {
                d_.error(Code::UnknownModifier, m.span,
                         fmt::format("unknown modifier '{}'", m.name),
                         suggestion(m.name, modifiers));
            }
        }
        // Dale's law fixes the sign of each column (presynaptic unit); a symmetric matrix
        // would force the same signs on its rows, which holds only if all units agree.
        if (dale != nullptr && t.constraint.symmetric)
            d_.error(Code::ConflictingConstraints, dale->span,
                     fmt::format("'{}' cannot be both symmetric and obey Dale's law", f.name),
                     "keep one of the two constraints");
        if (t.constraint.symmetric && !square_recurrent)
            d_.error(Code::NotSquare, f.name_span, not_square_message(f.name, shape, "symmetric"));
        if (fixed != nullptr && trainable != nullptr)
            d_.error(Code::ConflictingConstraints, trainable->span,
                     fmt::format("'{}' cannot be both fixed and trainable", f.name),
                     "keep one of the two");
        net.tensors[f.name] = t;
    }

    void network_def(const ast::Statement& s) {
        if (p_.networks.count(s.name) || cyclic_.count(&s) || !enter(s))
            return;
        const Defining guard{defining_};
        NetworkDef n;
        n.name = s.name;
        n.span = s.span;
        stdlib::Params base;
        if (s.head->kind == K::Name && (n.entry = stdlib::find_network(s.head->text)) == nullptr) {
            const Declared* decl = lookup(s.head->text);
            if (decl != nullptr && decl->kind == ast::Statement::Kind::Network) {
                used_.insert(s.head->text);
                if (!p_.networks.count(s.head->text))
                    network_def(*decl->stmt);
                const auto it = p_.networks.find(s.head->text);
                if (it == p_.networks.end())
                    return;
                n.entry = it->second.entry;
                base = it->second.params;
                n.tensors = it->second.tensors;
            } else {
                std::vector<std::string> names = {"rnn", "gru", "lstm", "ctrnn", "plastic"};
                for (const auto& x : names_of(ast::Statement::Kind::Network))
                    names.push_back(x);
                d_.error(Code::UnknownNetworkKind, s.head->span,
                         fmt::format("unknown network kind '{}'", s.head->text),
                         suggestion(s.head->text, names));
                return;
            }
        } else if (n.entry == nullptr) {
            d_.error(Code::ExpectedDefinition, s.head->span,
                     fmt::format("expected a network kind, found {}", kind_words(*s.head)));
            return;
        }
        if (p_.networks.count(s.name))
            return;
        std::vector<const ast::Field*> tensor_fields;
        n.params =
            fields(s.body, n.entry->schema, fmt::format("the '{}' network kind", n.entry->name),
                   std::move(base), s.name_span, &tensor_fields);
        for (const ast::Field* f : tensor_fields) {
            if (f->kind == ast::Field::Kind::Assign) {
                std::vector<std::string> names = n.entry->schema.names();
                for (const auto& t : n.entry->tensors)
                    names.push_back(t.name);
                d_.error(Code::UnknownParameter, f->name_span,
                         fmt::format("the '{}' network kind has no parameter '{}'", n.entry->name,
                                     f->name),
                         suggestion(f->name, names));
                continue;
            }
            tensor_line(*f, *n.entry, n);
        }
        p_.networks.emplace(s.name, std::move(n));
    }

    // --- train -----------------------------------------------------------------------
    // Context for loss expressions: the network and task of the training.
    struct LossScope {
        const NetworkDef* net;
        const TaskDef* task;
        std::string net_name, task_name;
    };

    std::optional<LossNode> loss_node(const Expr& e, const LossScope& sc) {
        LossNode n;
        n.span = e.span;
        if (const auto v = constant_number(e)) {
            n.kind = LossNode::Kind::Constant;
            n.value = *v;
            return n;
        }
        if (e.kind == K::Unary && e.text == "-") {
            auto c = loss_node(*e.items[0], sc);
            if (!c)
                return std::nullopt;
            n.kind = LossNode::Kind::Neg;
            n.children.push_back(std::move(*c));
            return n;
        }
        if (e.kind == K::Binary
            && (e.text == "+" || e.text == "-" || e.text == "*" || e.text == "/")) {
            auto a = loss_node(*e.items[0], sc);
            auto b = loss_node(*e.items[1], sc);
            if (!a || !b)
                return std::nullopt;
            n.kind = e.text == "+"   ? LossNode::Kind::Add
                     : e.text == "-" ? LossNode::Kind::Sub
                     : e.text == "*" ? LossNode::Kind::Mul
                                     : LossNode::Kind::Div;
            if (n.kind == LossNode::Kind::Div && b->kind != LossNode::Kind::Constant) {
                d_.error(Code::LossDivision, e.items[1]->span,
                         "a loss can only be divided by a constant number");
                return std::nullopt;
            }
            if (n.kind == LossNode::Kind::Div && b->value == 0.0) {
                d_.error(Code::DivisionByZero, e.items[1]->span, "division by zero");
                return std::nullopt;
            }
            n.children.push_back(std::move(*a));
            n.children.push_back(std::move(*b));
            return n;
        }
        if (e.kind == K::Call)
            return loss_call(e, sc);
        if (e.kind == K::Name) {
            for (const auto& sig : sc.task->entry->signals)
                if (sig.name == e.text) {
                    d_.error(
                        Code::UnreducedSignal, e.span,
                        fmt::format(
                            "the signal '{}' has a value per trial and step; reduce it to a number",
                            e.text),
                        fmt::format("write e.g. mean({}, during: {})", e.text,
                                    sc.task->entry->periods.empty()
                                        ? "PERIOD"
                                        : sc.task->entry->periods.back().name));
                    return std::nullopt;
                }
        }
        d_.error(Code::NotALossTerm, e.span,
                 fmt::format("expected a loss term (a number, a reduction of a signal, "
                             "fixed_point(...), l2(...), l1(...), rate_l2(...)), found {}",
                             kind_words(e)));
        return std::nullopt;
    }

    // `net.TENSOR` or `net.TENSOR.raw` inside a loss: the tensor name.
    std::optional<std::pair<std::string, bool>> loss_tensor(const Expr& e, const LossScope& sc) {
        const auto parts = split_dots(dotted(e));
        const std::vector<std::string> tensors = tensor_names(*sc.net);
        if (parts.size() >= 2 && parts[0] == sc.net_name) {
            const bool raw = parts.size() == 3 && parts[2] == "raw";
            if (parts.size() == 2 || raw) {
                for (const auto& t : tensors)
                    if (t == parts[1])
                        return std::make_pair(t, raw);
                d_.error(Code::UnknownTensor, e.span,
                         fmt::format("the network '{}' has no tensor '{}'", sc.net_name, parts[1]),
                         suggestion(parts[1], tensors));
                return std::nullopt;
            }
        }
        d_.error(Code::ExpectedTensor, e.span,
                 fmt::format("expected a tensor of the trained network, such as {}.{}", sc.net_name,
                             tensors.empty() ? "W" : tensors.front()),
                 parts.size() == 1 && !parts[0].empty()
                     ? fmt::format("write {}.{}", sc.net_name, parts[0])
                 : parts.size() >= 1 && !parts[0].empty() && parts[0] != sc.net_name
                     ? fmt::format("this training trains '{}'", sc.net_name)
                     : std::string());
        return std::nullopt;
    }

    std::optional<LossNode> loss_call(const Expr& e, const LossScope& sc) {
        LossNode n;
        n.span = e.span;
        const std::vector<std::string> calls = {"mean",        "max",          "min", "sum",
                                                "fixed_point", "l2",           "l1",  "rate_l2",
                                                "masked_mse",  "cross_entropy"};
        if (const auto r = rt::time_reduction_from_name(e.text)) {
            n.kind = LossNode::Kind::Reduce;
            n.reduction = *r;
            const bool whole_trial = e.items.size() == 1 && e.arg_names[0].empty();
            if (!whole_trial
                && (e.items.size() != 2 || !e.arg_names[0].empty() || e.arg_names[1] != "during")) {
                d_.error(Code::CallForm, e.span,
                         fmt::format("write {}(SIGNAL, during: PERIOD), or {}(SIGNAL) over the "
                                     "whole trial",
                                     e.text, e.text));
                return std::nullopt;
            }
            std::vector<std::string> signals, periods;
            for (const auto& s : sc.task->entry->signals)
                signals.push_back(s.name);
            for (const auto& p : sc.task->entry->periods)
                periods.push_back(p.name);
            const Expr& sig = *e.items[0];
            bool ok = true;
            if (sig.kind != K::Name
                || std::find(signals.begin(), signals.end(), sig.text) == signals.end()) {
                d_.error(Code::UnknownSignal, sig.span,
                         fmt::format("the task '{}' has no signal {}", sc.task_name,
                                     sig.kind == K::Name ? "'" + sig.text + "'" : kind_words(sig)),
                         suggestion(sig.kind == K::Name ? sig.text : "", signals));
                ok = false;
            }
            if (whole_trial) {
                if (!ok)
                    return std::nullopt;
                n.signal = sig.text;
                return n;
            }
            const Expr& per = *e.items[1];
            if (per.kind != K::Name
                || std::find(periods.begin(), periods.end(), per.text) == periods.end()) {
                d_.error(Code::UnknownPeriod, per.span,
                         fmt::format("the task '{}' has no period {}", sc.task_name,
                                     per.kind == K::Name ? "'" + per.text + "'" : kind_words(per)),
                         suggestion(per.kind == K::Name ? per.text : "", periods));
                ok = false;
            }
            if (!ok)
                return std::nullopt;
            n.signal = sig.text;
            n.period = per.text;
            return n;
        }
        if (e.text == "masked_mse" || e.text == "cross_entropy") {
            const bool mse = e.text == "masked_mse";
            const char* form = mse ? "write masked_mse(output, target, mask: MASK), optionally "
                                     "with per: pooled"
                                   : "write cross_entropy(logits, target), optionally with "
                                     "mask: MASK and ignore: -1";
            const char* first = mse ? "output" : "logits";
            if (e.items.size() < 2 || !e.arg_names[0].empty() || !e.arg_names[1].empty()
                || e.items[0]->kind != K::Name || e.items[0]->text != first
                || e.items[1]->kind != K::Name || e.items[1]->text != "target") {
                d_.error(Code::CallForm, e.span, form);
                return std::nullopt;
            }
            n.kind = mse ? LossNode::Kind::MaskedMse : LossNode::Kind::CrossEntropy;
            std::vector<std::string> masks;
            for (const auto& m : sc.task->entry->masks)
                masks.push_back(m.name);
            bool ok = true;
            for (std::size_t i = 2; i < e.items.size(); ++i) {
                const std::string& name = e.arg_names[i];
                const Expr& a = *e.items[i];
                if (name == "mask") {
                    if (a.kind != K::Name
                        || std::find(masks.begin(), masks.end(), a.text) == masks.end()) {
                        d_.error(
                            Code::UnknownMask, a.span,
                            fmt::format("the task '{}' has no mask {}", sc.task_name,
                                        a.kind == K::Name ? "'" + a.text + "'" : kind_words(a)),
                            masks.empty() ? std::string("it trains no readout")
                                          : suggestion(a.kind == K::Name ? a.text : "", masks));
                        ok = false;
                    } else {
                        n.mask = a.text;
                    }
                } else if (mse && name == "per") {
                    if (a.kind == K::Name && (a.text == "trial" || a.text == "pooled"))
                        n.pooled = a.text == "pooled";
                    else {
                        d_.error(Code::CallForm, a.span,
                                 "'per' is 'trial' (the mean of per-trial means, seed 002) or "
                                 "'pooled' (one mean over all masked steps)");
                        ok = false;
                    }
                } else if (!mse && name == "ignore") {
                    if (const auto x = constant_number(a))
                        n.ignore = *x;
                    else {
                        d_.error(Code::CallForm, a.span, "'ignore' is a number, e.g. ignore: -1");
                        ok = false;
                    }
                } else {
                    d_.error(Code::CallForm, a.span, form);
                    ok = false;
                }
            }
            if (mse && n.mask.empty() && ok) {
                d_.error(Code::CallForm, e.span, form,
                         masks.empty() ? std::string()
                                       : fmt::format("the task '{}' has the masks {}", sc.task_name,
                                                     fmt::join(masks, ", ")));
                ok = false;
            }
            if (!ok)
                return std::nullopt;
            // The readout must have the width of the task's targets.
            const long want =
                sc.task->entry->output_size ? sc.task->entry->output_size(sc.task->params) : 0;
            const long have = sc.net->params.has("outputs") ? sc.net->params.integer("outputs") : 0;
            if (want == 0) {
                d_.error(Code::OutputsMismatch, e.span,
                         fmt::format("the task '{}' has no targets for a readout", sc.task_name),
                         "its loss is written over its signals, e.g. mean(SIGNAL, during: P)");
                return std::nullopt;
            }
            if (have != want) {
                auto& err = d_.error(
                    Code::OutputsMismatch, e.span,
                    fmt::format("the network '{}' has {} outputs, the targets of '{}' need {}",
                                sc.net_name, have, sc.task_name, want),
                    fmt::format("set 'outputs = {}' in the network", want));
                err.notes.emplace_back(sc.net->span, "the network is defined here");
                return std::nullopt;
            }
            return n;
        }
        if (e.text == "rate_l2") {
            if (e.items.size() != 1 || !e.arg_names[0].empty() || e.items[0]->kind != K::Name
                || e.items[0]->text != "rates") {
                d_.error(Code::CallForm, e.span,
                         "write rate_l2(rates): the mean squared rate of the network being "
                         "trained");
                return std::nullopt;
            }
            n.kind = LossNode::Kind::RateL2;
            return n;
        }
        if (e.text == "l2" || e.text == "l1") {
            if (e.items.size() != 1 || !e.arg_names[0].empty()) {
                d_.error(Code::CallForm, e.span, fmt::format("write {}(NETWORK.TENSOR)", e.text));
                return std::nullopt;
            }
            const auto t = loss_tensor(*e.items[0], sc);
            if (!t)
                return std::nullopt;
            n.kind = e.text == "l2" ? LossNode::Kind::L2 : LossNode::Kind::L1;
            n.tensor = t->first;
            n.raw = t->second;
            return n;
        }
        if (e.text == "fixed_point") {
            if (e.items.size() != 2 || !e.arg_names[0].empty() || !e.arg_names[1].empty()) {
                d_.error(Code::CallForm, e.span,
                         "write fixed_point(NETWORK.W_self, TASK.current_pattern)");
                return std::nullopt;
            }
            const auto t = loss_tensor(*e.items[0], sc);
            if (!t)
                return std::nullopt;
            if (sc.net->entry->kind != rt::CellKind::Rnn) {
                d_.error(Code::FixedPointTensor, e.span,
                         fmt::format("fixed_point is defined for the 'rnn' kind, whose fixed "
                                     "points are phi(W_self m) = m; '{}' is a '{}'",
                                     sc.net_name, sc.net->entry->name));
                return std::nullopt;
            }
            if (t->first != "W_self" || t->second) {
                d_.error(Code::FixedPointTensor, e.items[0]->span,
                         "fixed_point needs the effective recurrent matrix, e.g. hop.W_self");
                return std::nullopt;
            }
            const auto parts = split_dots(dotted(*e.items[1]));
            std::vector<std::string> matrices;
            for (const auto& m : sc.task->entry->matrices)
                matrices.push_back(m.name);
            if (parts.size() != 2 || parts[0] != sc.task_name
                || std::find(matrices.begin(), matrices.end(), parts[1]) == matrices.end()) {
                d_.error(Code::FixedPointPatterns, e.items[1]->span,
                         fmt::format("expected patterns of the task, such as {}.current_pattern",
                                     sc.task_name),
                         parts.size() == 2 ? suggestion(parts[1], matrices) : std::string());
                return std::nullopt;
            }
            n.kind = LossNode::Kind::FixedPoint;
            n.tensor = t->first;
            n.matrix = parts[1];
            return n;
        }
        d_.error(Code::UnknownLossFunction, e.span,
                 fmt::format("unknown loss function '{}'", e.text), suggestion(e.text, calls));
        return std::nullopt;
    }

    // Splits the top-level sum into signed terms and names each for the history.
    void loss_terms(const LossNode& n, double sign, const Expr* src, std::vector<LossTerm>& out) {
        if (n.kind == LossNode::Kind::Add || n.kind == LossNode::Kind::Sub) {
            loss_terms(n.children[0], sign, src ? src->items[0].get() : nullptr, out);
            loss_terms(n.children[1], n.kind == LossNode::Kind::Sub ? -sign : sign,
                       src ? src->items[1].get() : nullptr, out);
            return;
        }
        if (n.kind == LossNode::Kind::Neg) {
            loss_terms(n.children[0], -sign, src ? src->items[0].get() : nullptr, out);
            return;
        }
        LossTerm t;
        t.sign = sign;
        t.node = n;
        std::function<std::string(const LossNode&)> label = [&](const LossNode& x) -> std::string {
            switch (x.kind) {
                case LossNode::Kind::Reduce: {
                    const std::string_view r = rt::time_reduction_name(x.reduction);
                    return x.period.empty() ? fmt::format("{}_{}", r, x.signal)
                                            : fmt::format("{}_{}_{}", r, x.signal, x.period);
                }
                case LossNode::Kind::FixedPoint:
                    return "fixed_point";
                case LossNode::Kind::L2:
                    return "l2";
                case LossNode::Kind::L1:
                    return "l1";
                case LossNode::Kind::RateL2:
                    return "rate_l2";
                case LossNode::Kind::MaskedMse:
                    return "masked_mse";
                case LossNode::Kind::CrossEntropy:
                    return "cross_entropy";
                case LossNode::Kind::Constant:
                    return {};
                default:
                    for (const auto& c : x.children)
                        if (auto l = label(c); !l.empty())
                            return l;
                    return {};
            }
        };
        std::string base = "loss_" + (label(n).empty() ? std::string("constant") : label(n));
        std::string name = base;
        for (int k = 2;
             std::any_of(out.begin(), out.end(), [&](const LossTerm& o) { return o.name == name; });
             ++k)
            name = fmt::format("{}_{}", base, k);
        t.name = name;
        out.push_back(std::move(t));
    }

    std::optional<StopRule> stop_rule(const Expr& e, const TaskDef& task) {
        StopRule rule;
        const Expr* cond = &e;
        if (e.kind == K::Sustained) {
            const Expr& n = *e.items[1];
            if (n.kind != K::Number || (n.unit != "epochs" && !n.unit.empty()) || n.number < 1
                || n.number != std::floor(n.number)) {
                d_.error(Code::StopEpochs, n.span,
                         "expected a whole number of epochs, e.g. 'for 20 epochs'");
                return std::nullopt;
            }
            rule.epochs = static_cast<long>(n.number);
            cond = e.items[0].get();
        }
        std::vector<std::string> metrics;
        for (const auto& m : task.entry->metrics)
            metrics.push_back(m.name);
        metrics.emplace_back("loss");
        metrics.emplace_back("epoch");
        std::function<bool(const Expr&)> collect = [&](const Expr& c) {
            if (c.kind == K::Binary && c.text == "and")
                return collect(*c.items[0]) && collect(*c.items[1]);
            if (c.kind == K::Binary
                && (c.text == ">=" || c.text == ">" || c.text == "<=" || c.text == "<")) {
                const Expr& lhs = *c.items[0];
                const auto rhs = constant_number(*c.items[1]);
                if (lhs.kind != K::Name
                    || std::find(metrics.begin(), metrics.end(), lhs.text) == metrics.end()) {
                    d_.error(Code::StopMetric, lhs.span,
                             fmt::format("expected a metric of the task '{}', 'loss' or 'epoch'",
                                         task.name),
                             suggestion(lhs.kind == K::Name ? lhs.text : "", metrics));
                    return false;
                }
                if (!rhs) {
                    d_.error(Code::StopThreshold, c.items[1]->span,
                             "expected a number to compare the metric with");
                    return false;
                }
                rule.all.push_back({lhs.text, c.text, *rhs});
                return true;
            }
            d_.error(
                Code::StopCondition, c.span,
                "expected a condition such as 'retention >= 0.99', joined with 'and'",
                c.kind == K::Binary && c.text == "or" ? "'or' is not supported in stop_when" : "");
            return false;
        };
        if (!collect(*cond))
            return std::nullopt;
        return rule;
    }

    // `bptt`, `bptt(truncate: K)`, `backprop` or `dfa` (docs/learning_rules.md).
    void updater_value(const Expr& v, TrainDef& t) {
        const std::vector<std::string> updaters = {"bptt", "backprop", "dfa", "hebbian"};
        const bool named = v.kind == K::Name || v.kind == K::Call;
        const bool known =
            named && std::find(updaters.begin(), updaters.end(), v.text) != updaters.end();
        if (!known) {
            d_.error(Code::UnknownUpdater, v.span,
                     named ? fmt::format("'{}' is not an updater", v.text)
                           : fmt::format("expected an updater, found {}", kind_words(v)),
                     suggestion(named ? v.text : "", updaters));
            return;
        }
        if (v.text == "hebbian") {
            d_.error(Code::NotImplemented, v.span,
                     "the 'hebbian' updater is not implemented yet in this version",
                     "fast Hebbian weights are the 'plastic' network kind, trained by dfa, "
                     "backprop or bptt");
            return;
        }
        if (v.kind == K::Call) {
            const bool form =
                v.text == "bptt" && v.items.size() == 1 && v.arg_names[0] == "truncate";
            const auto k = form ? constant_number(*v.items[0]) : std::nullopt;
            if (!form) {
                d_.error(Code::UpdaterOption, v.span,
                         v.text == "bptt" ? "bptt takes one option: bptt(truncate: STEPS)"
                                          : fmt::format("'{}' takes no options", v.text),
                         v.text == "bptt" ? "e.g. bptt(truncate: 50)"
                                          : fmt::format("write updater = {}", v.text));
                return;
            }
            if (!k || *k < 1 || *k != std::floor(*k) || *k > 1e9) {
                d_.error(Code::UpdaterOption, v.items[0]->span,
                         "truncate is a whole number of steps, at least 1",
                         "e.g. bptt(truncate: 50)");
                return;
            }
            t.truncate = std::lround(*k);
        }
        t.rule = v.text == "backprop" ? rt::UpdateRule::Backprop
                 : v.text == "dfa"    ? rt::UpdateRule::Dfa
                                      : rt::UpdateRule::Bptt;
        t.updater = t.truncate > 0 ? fmt::format("bptt(truncate: {})", t.truncate) : v.text;
    }

    // Whether the updater can train this network with this loss: the online rules and
    // the plastic network learn from each step's output error, so the loss is one
    // per-step output loss; DFA reaches layers, not gates.
    void updater_fits(const TrainDef& t, const NetworkDef& net, ast::Span at, ast::Span loss_at,
                      bool clip_given) {
        const bool plastic = net.entry->kind == rt::CellKind::Plastic;
        const bool online = t.rule != rt::UpdateRule::Bptt;
        const std::string who = fmt::format("the '{}' updater", t.updater);
        if (t.rule == rt::UpdateRule::Dfa
            && (net.entry->kind == rt::CellKind::Gru || net.entry->kind == rt::CellKind::Lstm))
            d_.error(Code::UpdaterNetwork, at,
                     fmt::format("dfa cannot train the {} network '{}': it sends the output error "
                                 "to each layer through a fixed random matrix, and the gates of "
                                 "a {} are not layers it can reach",
                                 net.entry->name, net.name, net.entry->name),
                     "use an rnn, ctrnn or plastic network, or updater = backprop");
        if (plastic && t.truncate > 0)
            d_.error(Code::UpdaterNetwork, at,
                     fmt::format("the plastic network '{}' has no truncated bptt: its fast "
                                 "weights change once per sequence under bptt",
                                 net.name),
                     "write updater = bptt");
        if (!online && !plastic)
            return;
        const std::string learner =
            plastic ? fmt::format("the plastic network '{}'", net.name) : who;
        const bool one_output_loss = t.loss.size() == 1 && t.loss[0].sign > 0
                                     && (t.loss[0].node.kind == LossNode::Kind::CrossEntropy
                                         || t.loss[0].node.kind == LossNode::Kind::MaskedMse);
        if (!t.loss.empty() && !one_output_loss)
            d_.error(Code::OnlineLoss, loss_at,
                     fmt::format("{} learns from each step's output error, so the loss must be "
                                 "one cross_entropy(...) or masked_mse(...) term",
                                 learner),
                     "e.g. loss = cross_entropy(logits, target, ignore: -1)");
        if (plastic) {
            const auto& o = t.optimizer;
            if (o.kind != rt::OptimizerKind::Sgd || o.momentum != 0.0 || o.weight_decay != 0.0)
                d_.error(Code::UpdaterNetwork, at,
                         fmt::format("{} updates its weights by the seed's plain rule "
                                     "C <- C + lr U: the optimizer must be sgd without momentum "
                                     "or weight decay",
                                     learner),
                         "write optimizer = sgd { lr = 1e-4 }");
            if (clip_given)
                d_.error(Code::UpdaterNetwork, at,
                         fmt::format("{} clips its updates itself", learner),
                         "use the network's update_clip and weight_clip instead of clip_norm");
            return;
        }
        for (const auto& [name, tensor] : net.tensors)
            if (tensor.constraint.any())
                d_.error(Code::UpdaterNetwork, at,
                         fmt::format("{} updates raw weights step by step and keeps no "
                                     "constraint: the tensor '{}' of '{}' is constrained",
                                     who, name, net.name),
                         "train it with bptt, or drop the constraint");
        if (net.params.has("noise") && net.params.real("noise") > 0.0)
            d_.error(Code::UpdaterNetwork, at,
                     fmt::format("{} runs without state noise, and '{}' has noise = {}", who,
                                 net.name, net.params.real("noise")),
                     "train it with bptt, or set noise = 0");
        if (net.params.has("outputs") && net.params.integer("outputs") == 0)
            d_.error(Code::UpdaterNetwork, at,
                     fmt::format("{} learns from the readout's error, and '{}' has no readout", who,
                                 net.name),
                     "set outputs to the size of the task's targets");
    }

    void train_def(const ast::Statement& s) {
        TrainDef t;
        t.name = s.name;
        t.span = s.span;
        const ast::Statement* net_stmt =
            reference(*s.head, ast::Statement::Kind::Network, "network");
        const ast::Statement* task_stmt = reference(*s.target, ast::Statement::Kind::Task, "task");
        if (!net_stmt || !task_stmt)
            return;
        const auto net = p_.networks.find(net_stmt->name);
        const auto task = p_.tasks.find(task_stmt->name);
        if (net == p_.networks.end() || task == p_.tasks.end())
            return;  // reported already
        t.network = net->first;
        t.task = task->first;
        compatible(net->second, task->second, s.head->span);
        const LossScope scope{&net->second, &task->second, net->first, task->first};
        const std::vector<std::string> known = field_names("train");
        std::set<std::string> given;
        std::optional<ast::Span> updater_span, loss_span;
        for (const auto& f : s.body) {
            if (!given.insert(f.name).second) {
                d_.error(Code::GivenTwice, f.name_span, fmt::format("'{}' is given twice", f.name));
                continue;
            }
            if (f.kind != ast::Field::Kind::Assign) {
                d_.error(
                    Code::ModifiersOutsideNetwork, f.name_span,
                    fmt::format("'{} :' gives tensor modifiers, which belong in a network block",
                                f.name),
                    f.name == "updater" || f.name == "optimizer" || f.name == "loss"
                            || f.name == "schedule" || f.name == "epochs" || f.name == "stop_when"
                            || f.name == "seed"
                        ? fmt::format("write '{} = ...'", f.name)
                        : fmt::format("put '{} : ...' in the block of the network '{}'", f.name,
                                      net->first));
                continue;
            }
            const Expr& v = *f.value;
            if (f.name == "updater") {
                updater_span = v.span;
                updater_value(v, t);
            } else if (f.name == "optimizer") {
                optimizer(v, t.optimizer);
            } else if (f.name == "clip_norm") {
                const stdlib::ParamSpec spec("clip_norm", stdlib::ParamType::Real, std::nullopt,
                                             0.0, 1e9, "", "");
                if (auto x = value(v, spec))
                    t.clip_norm = std::get<double>(*x);
            } else if (f.name == "loss") {
                loss_span = v.span;
                if (auto n = loss_node(v, scope))
                    loss_terms(*n, 1.0, &v, t.loss);
            } else if (f.name == "schedule") {
                std::vector<std::string> names;
                for (const auto& x : task->second.entry->schedules)
                    names.push_back(x.name);
                const bool known_schedule =
                    (v.kind == K::Name || v.kind == K::BlockCall)
                    && std::find(names.begin(), names.end(), v.text) != names.end();
                if (known_schedule && v.text == "curriculum")
                    t.curriculum = curriculum(v, task->second);
                if (known_schedule)
                    t.schedule = v.text;
                else
                    d_.error(Code::UnknownSchedule, v.span,
                             fmt::format("the task '{}' has no schedule {}", task->first,
                                         v.kind == K::Name ? "'" + v.text + "'" : kind_words(v)),
                             suggestion(v.kind == K::Name ? v.text : "", names));
            } else if (f.name == "epochs") {
                const stdlib::ParamSpec spec("epochs", stdlib::ParamType::Integer, std::nullopt,
                                             1.0, 1e9, "", "");
                if (auto x = value(v, spec))
                    t.epochs = std::lround(std::get<double>(*x));
            } else if (f.name == "on_nan") {
                const stdlib::ParamSpec spec("on_nan", stdlib::ParamType::Choice, std::nullopt,
                                             std::nullopt, std::nullopt, "", "",
                                             {"stop", "end_epoch"});
                if (auto x = value(v, spec))
                    t.nan_ends_epoch = std::get<std::string>(*x) == "end_epoch";
            } else if (f.name == "validate_every" || f.name == "validate_trials") {
                const stdlib::ParamSpec spec(f.name, stdlib::ParamType::Integer, std::nullopt,
                                             f.name == "validate_every" ? 0.0 : 1.0, 1e9, "", "");
                if (auto x = value(v, spec))
                    (f.name == "validate_every" ? t.validate_every : t.validate_trials) =
                        std::lround(std::get<double>(*x));
            } else if (f.name == "batch" || f.name == "batches") {
                const stdlib::ParamSpec spec(f.name, stdlib::ParamType::Integer, std::nullopt, 1.0,
                                             1e7, "", "");
                if (auto x = value(v, spec))
                    (f.name == "batch" ? t.batch : t.batches) = std::lround(std::get<double>(*x));
            } else if (f.name == "stop_when") {
                t.stop = stop_rule(v, task->second);
            } else if (f.name == "seed") {
                const auto x = constant_number(v);
                if (!x || *x < 0 || *x != std::floor(*x))
                    d_.error(Code::BadSeed, v.span, "the seed must be a whole number");
                else
                    t.seed = static_cast<std::uint64_t>(*x);
            } else {
                d_.error(Code::UnknownParameter, f.name_span,
                         fmt::format("a train block has no field '{}'", f.name),
                         suggestion(f.name, known));
            }
        }
        if (!given.count("loss"))
            d_.error(Code::MissingLoss, s.name_span,
                     fmt::format("the training '{}' needs a loss", s.name),
                     "add 'loss = ...', e.g. loss = -mean(overlap, during: retain)");
        if (t.schedule.empty() && !task->second.entry->schedules.empty())
            t.schedule = task->second.entry->schedules.front().name;
        updater_fits(t, net->second, updater_span.value_or(s.name_span),
                     loss_span.value_or(s.name_span), given.count("clip_norm") > 0);
        if (t.curriculum && t.validate_every == 0)
            d_.error(Code::CurriculumNeedsValidation, s.name_span,
                     fmt::format("the curriculum of '{}' advances on validations, and none is "
                                 "asked for",
                                 s.name),
                     "add e.g. 'validate_every = 20'");
        p_.trains.emplace(s.name, std::move(t));
    }

    // `curriculum { threshold, patience, mix, metric }` or `curriculum` with the defaults.
    std::optional<CurriculumDef> curriculum(const Expr& v, const TaskDef& task) {
        using T = stdlib::ParamType;
        std::vector<std::string> metrics;
        for (const auto& m : task.entry->metrics)
            metrics.push_back(m.name);
        const stdlib::Schema schema{{
            {"threshold", T::Real, stdlib::Value{0.9}, 0.0, 1.0, "",
             "validation metric needed at the current level"},
            {"patience", T::Integer, stdlib::Value{5.0}, 1.0, 1e6, "validations",
             "validations in a row at or above the threshold before the next level"},
            {"mix", T::Real, stdlib::Value{0.3}, 0.0, 0.99, "",
             "fraction of each batch replayed at earlier levels"},
            {"metric", T::Choice,
             metrics.empty() ? std::nullopt
                             : std::optional<stdlib::Value>(stdlib::Value{metrics.front()}),
             std::nullopt, std::nullopt, "", "the validation metric that decides", metrics},
            {"replay",
             T::Choice,
             stdlib::Value{std::string("separate")},
             std::nullopt,
             std::nullopt,
             "",
             "earlier levels as separate steps after the current one (seed 004), or mixed "
             "into the same batch",
             {"separate", "mixed"}},
        }};
        const std::size_t errors = d_.error_count();
        const stdlib::Params p = v.kind == K::BlockCall
                                     ? fields(v.fields, schema, "curriculum", {}, v.span)
                                     : stdlib::with_defaults(schema, {});
        if (d_.error_count() > errors)
            return std::nullopt;
        CurriculumDef c;
        c.threshold = p.real("threshold");
        c.patience = p.integer("patience");
        c.mix = p.real("mix");
        c.metric = p.text("metric");
        c.mixed_replay = p.text("replay") == "mixed";
        return c;
    }

    // `adam { ... }`, `adamw { ... }` or `sgd { ... }`, each with PyTorch's defaults.
    void optimizer(const Expr& v, rt::OptimizerConfig& out) {
        using T = stdlib::ParamType;
        using stdlib::Value;
        static const std::map<std::string, std::pair<rt::OptimizerKind, stdlib::Schema>> kinds = {
            {"adam",
             {rt::OptimizerKind::Adam,
              {{{"lr", T::Real, Value{1e-3}, 0.0, 10.0, "", "learning rate"},
                {"beta1", T::Real, Value{0.9}, 0.0, 0.999999, "", "first-moment decay"},
                {"beta2", T::Real, Value{0.999}, 0.0, 0.99999999, "", "second-moment decay"},
                {"eps", T::Real, Value{1e-8}, 0.0, 1.0, "",
                 "added to the root of the second moment"},
                {"weight_decay", T::Real, Value{0.0}, 0.0, 10.0, "",
                 "L2 coupled into the gradient, as PyTorch's Adam"}}}}},
            {"adamw",
             {rt::OptimizerKind::AdamW,
              {{{"lr", T::Real, Value{1e-3}, 0.0, 10.0, "", "learning rate"},
                {"beta1", T::Real, Value{0.9}, 0.0, 0.999999, "", "first-moment decay"},
                {"beta2", T::Real, Value{0.999}, 0.0, 0.99999999, "", "second-moment decay"},
                {"eps", T::Real, Value{1e-8}, 0.0, 1.0, "",
                 "added to the root of the second moment"},
                {"weight_decay", T::Real, Value{1e-2}, 0.0, 10.0, "",
                 "decoupled: p <- p (1 - lr weight_decay) before the step, as PyTorch's AdamW"}}}}},
            {"sgd",
             {rt::OptimizerKind::Sgd,
              {{{"lr", T::Real, Value{1e-3}, 0.0, 100.0, "", "learning rate"},
                {"momentum", T::Real, Value{0.0}, 0.0, 1.0, "", "momentum factor"},
                {"dampening", T::Real, Value{0.0}, 0.0, 1.0, "", "dampening of the momentum"},
                {"nesterov", T::Bool, Value{false}, std::nullopt, std::nullopt, "",
                 "Nesterov momentum"},
                {"weight_decay", T::Real, Value{0.0}, 0.0, 10.0, "",
                 "L2 coupled into the gradient, as PyTorch's SGD"}}}}},
        };
        std::vector<std::string> names;
        for (const auto& [name, kind] : kinds)
            names.push_back(name);
        const std::string name =
            v.kind == K::Name || v.kind == K::BlockCall || v.kind == K::Call ? v.text : "";
        const auto it = kinds.find(name);
        if (v.kind == K::Call && it != kinds.end()) {
            d_.error(Code::UnknownOptimizer, v.span,
                     "an optimizer is configured with a block, not a call",
                     fmt::format("write '{} {{ lr = 0.001 }}'", name));
            return;
        }
        if (it == kinds.end()) {
            d_.error(Code::UnknownOptimizer, v.span,
                     fmt::format("expected an optimizer such as 'adam {{ lr = 0.001 }}', found {}",
                                 kind_words(v)),
                     suggestion(name, names));
            return;
        }
        const std::size_t errors = d_.error_count();
        const stdlib::Params p = fields(v.fields, it->second.second, name, {}, v.span);
        if (d_.error_count() > errors)
            return;
        out = rt::OptimizerConfig{};
        out.kind = it->second.first;
        out.lr = p.real("lr");
        out.weight_decay = p.real("weight_decay");
        if (out.kind == rt::OptimizerKind::Sgd) {
            out.momentum = p.real("momentum");
            out.dampening = p.real("dampening");
            out.nesterov = p.flag("nesterov");
            if (out.nesterov && (out.momentum <= 0.0 || out.dampening != 0.0))
                d_.error(Code::OutOfRange, v.span,
                         "Nesterov momentum needs momentum > 0 and dampening = 0 (as in PyTorch)");
        } else {
            out.beta1 = p.real("beta1");
            out.beta2 = p.real("beta2");
            out.eps = p.real("eps");
        }
    }

    // The network's size must match what the task presents.
    void compatible(const NetworkDef& net, const TaskDef& task, const ast::Span& where) {
        // A missing required parameter was reported already; there is nothing to compare.
        if (task.entry->units_param.empty() || !net.params.has("units") || !net.params.has("inputs")
            || !task.params.has(task.entry->units_param))
            return;
        const long units = net.params.integer("units");
        const long wanted = task.params.integer(task.entry->units_param);
        if (units != wanted) {
            auto& e =
                d_.error(Code::UnitsMismatch, where,
                         fmt::format("the network '{}' has {} units but the task '{}' needs {}",
                                     net.name, units, task.name, wanted));
            e.notes.emplace_back(task.span, "the task is defined here");
        }
        const long inputs = net.params.integer("inputs");
        if (inputs != 0 && inputs != wanted) {
            auto& e = d_.error(
                Code::InputsMismatch, where,
                fmt::format("the network '{}' takes {} inputs but the task '{}' presents {}",
                            net.name, inputs, task.name, wanted));
            e.notes.emplace_back(task.span, "the task is defined here");
        }
    }

    void evaluate_def(const ast::Statement& s) {
        const ast::Statement* train = reference(*s.head, ast::Statement::Kind::Train, "training");
        const ast::Statement* task = reference(*s.target, ast::Statement::Kind::Task, "task");
        EvaluateDef def{
            s.name,      train ? train->name : "", task ? task->name : "", 0, false, s.span, {}, {},
            std::nullopt};
        std::vector<const ast::Field*> probes;
        const ast::Field* start_field = nullptr;
        for (const auto& f : s.body) {
            if (f.name == "trials" && f.kind == ast::Field::Kind::Assign) {
                const stdlib::ParamSpec spec("trials", stdlib::ParamType::Integer, std::nullopt,
                                             1.0, 1e7, "trials", "");
                if (auto x = value(*f.value, spec))
                    def.trials = std::lround(std::get<double>(*x));
                continue;
            }
            if (f.name == "start" && f.kind == ast::Field::Kind::Assign) {
                const stdlib::ParamSpec spec("start", stdlib::ParamType::Real, std::nullopt,
                                             std::nullopt, std::nullopt, "", "");
                if (auto x = value(*f.value, spec))
                    def.start = std::get<double>(*x);
                start_field = &f;
                continue;
            }
            if ((f.name == "clamp" || f.name == "perturb") && f.kind == ast::Field::Kind::Assign) {
                probes.push_back(&f);
                continue;
            }
            d_.error(Code::UnknownParameter, f.name_span,
                     fmt::format("an evaluate block has no field '{}'", f.name),
                     suggestion(f.name, field_names("evaluate")));
        }
        if (!train || !task)
            return;
        const auto k = p_.tasks.find(task->name);
        if (!p_.trained(train->name) || k == p_.tasks.end())
            return;
        const auto t = p_.trains.find(p_.training_of(train->name).name);
        if (k->second.entry != p_.tasks.at(t->second.task).entry) {
            d_.error(Code::EvaluateTaskKind, s.target->span,
                     fmt::format("'{}' was trained on a '{}' task; '{}' is a '{}' task",
                                 train->name, p_.tasks.at(t->second.task).entry->name, task->name,
                                 k->second.entry->name));
            return;
        }
        compatible(p_.networks.at(t->second.network), k->second, s.target->span);
        if (start_field != nullptr
            && p_.networks.at(t->second.network).entry->kind == rt::CellKind::Plastic) {
            d_.error(Code::NotImplemented, start_field->name_span,
                     "'start' on a plastic network is not implemented yet in this version");
            return;
        }
        bool probes_ok = true;
        for (const ast::Field* f : probes)
            probes_ok = probe(*f, k->second, p_.networks.at(t->second.network), def) && probes_ok;
        if (!probes_ok)
            return;
        p_.evaluates.emplace(s.name, std::move(def));
    }

    // `clamp = input(1, 0.0, during: delay)` and `perturb = state(0.5, at: 200 steps)`, or
    // lists of them, in an evaluate block.
    bool probe(const ast::Field& f, const TaskDef& task, const NetworkDef& net, EvaluateDef& def) {
        const bool clamp = f.name == "clamp";
        const char* form =
            clamp ? "input(channel, value, during: period)" : "state(size, at: N steps or ms)";
        // A plastic network's state is its learner's own, out of reach of a kick.
        if (!clamp && net.entry->kind == rt::CellKind::Plastic) {
            d_.error(Code::NotImplemented, f.name_span,
                     "'perturb' on a plastic network is not implemented yet in this version",
                     "clamp its inputs instead: clamp = input(channel, value)");
            return false;
        }
        const std::vector<const Expr*> items = list_items(*f.value);
        bool ok = true;
        for (const Expr* e : items) {
            auto bad = [&](const std::string& why) {
                d_.error(Code::ProbeForm, e->span, why, fmt::format("write {}", form));
                ok = false;
            };
            if (e->kind != K::Call || e->text != (clamp ? "input" : "state")) {
                bad(fmt::format("'{}' takes {}", f.name, form));
                continue;
            }
            std::vector<const Expr*> positional;
            const Expr* named = nullptr;
            bool extra = false;
            for (std::size_t i = 0; i < e->items.size(); ++i) {
                if (e->arg_names[i].empty())
                    positional.push_back(e->items[i].get());
                else if (e->arg_names[i] == (clamp ? "during" : "at") && !named)
                    named = e->items[i].get();
                else
                    extra = true;
            }
            if (extra || positional.size() != (clamp ? 2U : 1U) || (!clamp && !named)) {
                bad(fmt::format("'{}' takes {}", f.name, form));
                continue;
            }
            if (clamp) {
                const auto channel = constant_number(*positional[0]);
                const auto value = constant_number(*positional[1]);
                if (!channel || !value || *channel < 0 || *channel != std::floor(*channel)) {
                    bad("a clamp needs a channel (a whole number from 0) and a number");
                    continue;
                }
                ClampDef c{std::lround(*channel), *value, ""};
                // The input width, where the task knows it before drawing trials.
                if (const long width =
                        task.entry->input_size ? task.entry->input_size(task.params) : 0;
                    width > 0 && c.channel >= width) {
                    d_.error(Code::ProbeForm, positional[0]->span,
                             fmt::format("the task '{}' has {} input channel{}, so channel {} "
                                         "cannot be clamped",
                                         task.name, width, width == 1 ? "" : "s", c.channel),
                             fmt::format("channels count from 0: 0 to {}", width - 1));
                    ok = false;
                    continue;
                }
                if (named) {
                    c.period = named->kind == K::Name ? named->text : "";
                    std::vector<std::string> periods;
                    for (const auto& p : task.entry->periods)
                        periods.push_back(p.name);
                    if (std::find(periods.begin(), periods.end(), c.period) == periods.end()) {
                        d_.error(Code::ProbeForm, named->span,
                                 fmt::format("the task '{}' has no period '{}'", task.name,
                                             named->kind == K::Name ? named->text : "?"),
                                 suggestion(c.period, periods));
                        ok = false;
                        continue;
                    }
                }
                def.clamps.push_back(c);
            } else {
                const auto size = constant_number(*positional[0]);
                if (!size) {
                    bad("a perturbation needs a size (a number)");
                    continue;
                }
                const auto step = perturb_step(*named, task);
                if (!step) {
                    ok = false;
                    continue;
                }
                def.perturbs.push_back(PerturbDef{*size, *step});
            }
        }
        return ok;
    }

    // The step after which `perturb` kicks the state: `at: 200 steps`, or `at: 300 ms`
    // through the task's dt (the time since the trial's start). Reports its own errors.
    std::optional<long> perturb_step(const Expr& at, const TaskDef& task) {
        const bool time = at.unit == "ms" || at.unit == "s";
        if (at.kind != K::Number || (at.unit != "steps" && !time) || at.number < 0) {
            d_.error(Code::ProbeForm, at.span,
                     "a perturbation's time is a number of steps, ms or s from the trial's start",
                     "write 'at: 200 steps', or 'at: 300 ms' on a task with a dt");
            return std::nullopt;
        }
        double steps = at.number;
        double dt = 0.0;
        if (time) {
            dt = task.params.has("dt") ? task.params.real("dt") : 0.0;
            if (dt <= 0.0) {
                d_.error(Code::DurationNeedsDt, at.span,
                         fmt::format("'at' is given in {}, but the task '{}' has no dt that "
                                     "converts it to steps",
                                     at.unit, task.name),
                         "give it in steps ('at: 200 steps'), or set the task's step length, "
                         "e.g. 'dt = 1 ms'");
                return std::nullopt;
            }
            steps = (at.unit == "s" ? at.number * 1000.0 : at.number) / dt;
        }
        if (std::abs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps)) {
            d_.error(Code::NotWholeSteps, at.span,
                     time ? fmt::format("'at: {} {}' is {:.4g} steps of dt = {} ms; a "
                                        "perturbation comes after a whole number of steps",
                                        at.number, at.unit, steps, dt)
                          : std::string("a perturbation comes after a whole number of steps"));
            return std::nullopt;
        }
        const long step = std::lround(steps);
        // The longest trial the task can draw bounds the step here; a shorter drawn trial
        // is checked when the run starts.
        if (const long trial = task.entry->trial_steps ? task.entry->trial_steps(task.params) : 0;
            trial > 0 && step >= trial) {
            auto& d = d_.error(
                Code::WindowOutsideTrial, at.span,
                fmt::format("a perturbation after step {} is outside the {}-step trial of '{}'",
                            step, trial, task.name),
                time ? fmt::format("choose at most {} {} (step {} of dt = {} ms)",
                                   at.unit == "s" ? (trial - 1) * dt / 1000.0 : (trial - 1) * dt,
                                   at.unit, trial - 1, dt)
                     : fmt::format("choose a step from 0 to {}", trial - 1));
            d.notes.emplace_back(task.span, "the task is defined here");
            return std::nullopt;
        }
        return step;
    }

    // `alter NAME = TRAIN { lesion = [3, 7..12]  W_input : scale 0.5, set [0, 1, 0.2] }`
    void alter_def(const ast::Statement& s) {
        // Checked once: an alter of an alter checks its parent first, wherever it is.
        if (!alters_seen_.insert(s.name).second) {
            if (!p_.alters.count(s.name) && alters_open_.count(s.name))
                d_.error(Code::WrongKind, s.head->span,
                         fmt::format("the alters of '{}' form a cycle", s.name),
                         "an alter changes a training or an alter defined without it");
            return;
        }
        alters_open_.insert(s.name);

        struct Close {
            std::set<std::string>& open;
            std::string name;

            ~Close() { open.erase(name); }
        } close{alters_open_, s.name};

        const ast::Statement* train = reference(*s.head, ast::Statement::Kind::Train, "training");
        if (train == nullptr)
            return;
        if (train->kind == ast::Statement::Kind::Alter)
            alter_def(*train);
        // An alter of an alter is its training with both sets of changes: the parent's
        // first, the lesions together (a lesion is a mask, applied after every change).
        AlterDef def{s.name, train->name, {}, {}, s.span};
        if (train->kind == ast::Statement::Kind::Alter) {
            const auto parent = p_.alters.find(train->name);
            if (parent == p_.alters.end())
                return;  // it had errors of its own, reported there
            def.train = parent->second.train;
            def.lesion = parent->second.lesion;
            def.ops = parent->second.ops;
        }
        const auto t = p_.trains.find(def.train);
        if (t == p_.trains.end())
            return;
        const NetworkDef& net = p_.networks.at(t->second.network);
        bool ok = true;
        if (net.entry->kind == rt::CellKind::Plastic) {
            d_.error(Code::NotImplemented, s.keyword_span,
                     "altering a plastic network is not implemented yet in this version");
            return;
        }
        if (!net.params.has("units"))
            return;  // the network had errors of its own
        const long units = net.params.integer("units");
        const std::vector<std::string> tensors = tensor_names(net);
        for (const auto& f : s.body) {
            if (f.kind == ast::Field::Kind::Assign && f.name == "lesion") {
                for (const Expr* i : list_items(*f.value)) {
                    const bool range = i->kind == K::Range;
                    const auto a = constant_number(range ? *i->items[0] : *i);
                    const auto b = range ? constant_number(*i->items[1]) : a;
                    if (!a || !b || *a != std::floor(*a) || *b != std::floor(*b) || *a < 0
                        || *b >= static_cast<double>(units) || *a > *b) {
                        d_.error(
                            Code::LesionUnit, i->span,
                            fmt::format("the units of '{}' are 0 to {}; a lesion lists whole "
                                        "numbers or ranges of them",
                                        net.name, units - 1),
                            fmt::format("write lesion = [3, 7..12] with units below {}", units));
                        ok = false;
                        continue;
                    }
                    for (long u = std::lround(*a); u <= std::lround(*b); ++u)
                        def.lesion.push_back(u);
                }
                continue;
            }
            if (f.kind == ast::Field::Kind::Assign) {
                d_.error(Code::UnknownParameter, f.name_span,
                         fmt::format("an alter block has no field '{}'", f.name),
                         "write lesion = [units] or TENSOR : scale X, set [row, column, value]");
                ok = false;
                continue;
            }
            if (std::find(tensors.begin(), tensors.end(), f.name) == tensors.end()) {
                d_.error(Code::UnknownTensor, f.name_span,
                         fmt::format("the network '{}' has no tensor '{}'", net.name, f.name),
                         suggestion(f.name, tensors));
                ok = false;
                continue;
            }
            for (const auto& m : f.modifiers) {
                AlterOp op;
                op.tensor = f.name;
                op.span = m.span;
                bool good = false;
                if (m.name == "scale" && m.argument) {
                    op.kind = AlterOp::Kind::Scale;
                    if (const auto v = constant_number(*m.argument)) {
                        op.value = *v;
                        op.text = fmt::format("{} : scale {}", f.name, *v);
                        good = true;
                    }
                } else if (m.name == "set" && m.argument && m.argument->kind == K::List
                           && m.argument->items.size() == 3) {
                    op.kind = AlterOp::Kind::Set;
                    const auto r = constant_number(*m.argument->items[0]);
                    const auto c = constant_number(*m.argument->items[1]);
                    const auto v = constant_number(*m.argument->items[2]);
                    if (r && c && v && *r >= 0 && *c >= 0 && *r == std::floor(*r)
                        && *c == std::floor(*c)) {
                        op.row = std::lround(*r);
                        op.column = std::lround(*c);
                        op.value = *v;
                        op.text =
                            fmt::format("{} : set [{}, {}, {}]", f.name, op.row, op.column, *v);
                        good = true;
                        // The tensor's shape, where it is known here (W_input's columns may
                        // come from the task, 0 until it is drawn).
                        const auto layout = layout_of(net);
                        const rt::TensorLayout* shape = find_layout(layout, f.name);
                        const long rows = shape ? static_cast<long>(shape->rows) : 0;
                        const long cols = shape ? static_cast<long>(shape->cols) : 0;
                        if (rows > 0 && cols > 0 && (op.row >= rows || op.column >= cols)) {
                            d_.error(Code::AlterChange, m.argument->span,
                                     fmt::format("{} is {} x {}, so it has no entry [{}, {}]",
                                                 f.name, rows, cols, op.row, op.column),
                                     fmt::format("rows count from 0 to {}, columns from 0 to {}",
                                                 rows - 1, cols - 1));
                            ok = false;
                            continue;
                        }
                    }
                }
                if (!good) {
                    d_.error(Code::AlterChange, m.span,
                             m.name == "scale" ? std::string("'scale' needs a number")
                             : m.name == "set"
                                 ? std::string("'set' needs [row, column, value], the indices "
                                               "whole numbers from 0")
                                 : fmt::format("'{}' is not a change an alter knows", m.name),
                             "write 'scale 0.5' or 'set [row, column, value]' (indices from 0)");
                    ok = false;
                    continue;
                }
                def.ops.push_back(std::move(op));
            }
        }
        std::sort(def.lesion.begin(), def.lesion.end());
        def.lesion.erase(std::unique(def.lesion.begin(), def.lesion.end()), def.lesion.end());
        if (ok)
            p_.alters.emplace(s.name, std::move(def));
    }

    // --- analysis and figure arguments ------------------------------------------------
    std::optional<ArgRef> argument(const Expr& e, const stdlib::ArgSpec& spec) {
        const std::string text = dotted(e);
        if (text.empty()) {
            d_.error(Code::ExpectedReferenceArgument, e.span,
                     fmt::format("'{}' expects a reference such as fit.W_self, found {}", spec.name,
                                 kind_words(e)));
            return std::nullopt;
        }
        const auto parts = split_dots(text);
        used_.insert(parts[0]);
        if (spec.kind == stdlib::ArgKind::Results)
            return results_argument(e, spec, text, parts);
        const Declared* decl = lookup(parts[0]);
        if (decl == nullptr && family_reference(parts[0], e.span))
            return std::nullopt;
        if (decl == nullptr) {
            std::vector<std::string> all;
            for (const auto& [n, x] : declared_)
                all.push_back(n);
            d_.error(Code::UnknownName, e.span,
                     fmt::format("nothing named '{}' is defined", parts[0]),
                     suggestion(parts[0], all));
            return std::nullopt;
        }
        ArgRef r;
        r.definition = parts[0];
        r.label = text;
        using SK = ast::Statement::Kind;
        const bool trained = decl->kind == SK::Train || decl->kind == SK::Alter;
        if (trained && parts.size() == 1)
            r.kind = ArgRef::Kind::Training;
        else if (decl->kind == SK::Evaluate && parts.size() == 1)
            r.kind = ArgRef::Kind::Evaluation;
        else if (trained && parts.size() == 2) {
            r.kind = ArgRef::Kind::TrainedTensor;
            r.member = parts[1];
            if (!p_.trained(parts[0]))
                return std::nullopt;
            const auto t = p_.trains.find(p_.training_of(parts[0]).name);
            const std::vector<std::string> tensors =
                tensor_names(p_.networks.at(t->second.network));
            if (std::find(tensors.begin(), tensors.end(), parts[1]) == tensors.end()) {
                d_.error(
                    Code::UnknownTensor, e.span,
                    fmt::format("the trained network '{}' has no tensor '{}'", parts[0], parts[1]),
                    suggestion(parts[1], tensors));
                return std::nullopt;
            }
        } else if (decl->kind == SK::Analyze && parts.size() == 1) {
            r.kind = ArgRef::Kind::Analysis;
            if (!analysis_before(parts[0], e.span))
                return std::nullopt;
        } else if (decl->kind == SK::Task && parts.size() == 1) {
            r.kind = ArgRef::Kind::Task;
        } else if (decl->kind == SK::Task && parts.size() == 2) {
            r.kind = ArgRef::Kind::TaskMatrix;
            r.member = parts[1];
            const auto t = p_.tasks.find(parts[0]);
            if (t == p_.tasks.end())
                return std::nullopt;
            std::vector<std::string> names;
            for (const auto& m : t->second.entry->matrices)
                if (m.name != "current_pattern")
                    names.push_back(m.name);
            if (std::find(names.begin(), names.end(), parts[1]) == names.end()) {
                d_.error(Code::UnknownMatrix, e.span,
                         fmt::format("the task '{}' has no matrix '{}' here", parts[0], parts[1]),
                         suggestion(parts[1], names));
                return std::nullopt;
            }
        } else {
            d_.error(Code::NotAnArgument, e.span,
                     fmt::format("'{}' cannot be used as an argument here", text),
                     "use a training (fit), a trained tensor (fit.W_self), an evaluation (test) or "
                     "a task matrix (memories.patterns)");
            return std::nullopt;
        }
        const bool matrix =
            r.kind == ArgRef::Kind::TrainedTensor || r.kind == ArgRef::Kind::TaskMatrix;
        const bool fits =
            (spec.kind == stdlib::ArgKind::Matrix && matrix)
            || (spec.kind == stdlib::ArgKind::Training && r.kind == ArgRef::Kind::Training)
            || (spec.kind == stdlib::ArgKind::Evaluation && r.kind == ArgRef::Kind::Evaluation)
            || (spec.kind == stdlib::ArgKind::Task && r.kind == ArgRef::Kind::Task)
            || (spec.kind == stdlib::ArgKind::Analysis && r.kind == ArgRef::Kind::Analysis);
        if (!fits) {
            d_.error(Code::ArgumentKind, e.span,
                     fmt::format("'{}' expects {}, but '{}' is {}", spec.name,
                                 with_article(stdlib::arg_kind_name(spec.kind)), text,
                                 matrix                             ? "a matrix"
                                 : r.kind == ArgRef::Kind::Training ? "a training"
                                 : r.kind == ArgRef::Kind::Task     ? "a task"
                                 : r.kind == ArgRef::Kind::Analysis ? "an analysis"
                                                                    : "an evaluation"));
            return std::nullopt;
        }
        if (spec.activity && r.kind == ArgRef::Kind::Evaluation) {
            const auto ev = p_.evaluates.find(r.definition);
            if (ev == p_.evaluates.end())
                return std::nullopt;  // the evaluation had errors of its own
            ev->second.keep_activity = true;
        }
        return r;
    }

    // An analysis read by another must come first in the file, so the graph has no cycles
    // and a reader finds what an analysis reads above it.
    bool analysis_before(const std::string& name, const ast::Span& where) {
        if (p_.analyses.count(name))
            return true;
        if (!analyses_checked_.count(name))  // otherwise it had errors of its own
            d_.error(Code::AnalysisDefinedLater, where,
                     fmt::format("the analysis '{}' is defined further down", name),
                     "move its analyze line above this one");
        return false;
    }

    // The numbers an evaluation or analysis offers to tables and scatter plots: the
    // analysis' scalar results, or the means of the evaluation's metrics.
    std::vector<std::string> quantities_of(const std::string& name, bool& is_analysis) {
        std::vector<std::string> out;
        if (const auto a = p_.analyses.find(name); a != p_.analyses.end()) {
            is_analysis = true;
            for (const auto& o : a->second.entry->outputs)
                if (!o.doc.ends_with("(array)"))
                    out.push_back(o.name);
        } else if (const auto ev = p_.evaluates.find(name); ev != p_.evaluates.end()) {
            is_analysis = false;
            for (const auto& m : p_.tasks.at(ev->second.task).entry->metrics)
                out.push_back(m.name + "_mean");
        }
        return out;
    }

    // `precision.error_mean`: one number from each member of a sweep family (or from one
    // definition) of evaluations or analyses; the quantity may be left out when there is
    // only one.
    std::optional<ArgRef> results_argument(const Expr& e, const stdlib::ArgSpec& spec,
                                           const std::string& text,
                                           const std::vector<std::string>& parts) {
        ArgRef r;
        r.kind = ArgRef::Kind::Results;
        r.definition = parts[0];
        r.label = text;
        if (lookup(parts[0]) != nullptr)
            r.members = {parts[0]};
        else if (const auto f = families_.find(parts[0]); f != families_.end())
            r.members = f->second;
        else {
            std::vector<std::string> all;
            for (const auto& [n, x] : declared_)
                all.push_back(n);
            for (const auto& [n, x] : families_)
                all.push_back(n);
            d_.error(Code::UnknownName, e.span,
                     fmt::format("nothing named '{}' is defined", parts[0]),
                     suggestion(parts[0], all));
            return std::nullopt;
        }
        using SK = ast::Statement::Kind;
        std::vector<std::string> common;
        for (std::size_t i = 0; i < r.members.size(); ++i) {
            const std::string& m = r.members[i];
            used_.insert(m);
            const Declared* decl = lookup(m);
            if (decl->kind != SK::Analyze && decl->kind != SK::Evaluate) {
                d_.error(Code::ArgumentKind, e.span,
                         fmt::format("'{}' expects results (of evaluations or analyses), but '{}' "
                                     "is a {}",
                                     spec.name, m, ast::statement_keyword(decl->kind)),
                         "collect what an evaluate or analyze line computed");
                return std::nullopt;
            }
            if (decl->kind == SK::Analyze && !analysis_before(m, e.span))
                return std::nullopt;
            if (decl->kind == SK::Evaluate && !p_.evaluates.count(m))
                return std::nullopt;  // it had errors of its own
            bool is_analysis = false;
            const std::vector<std::string> q = quantities_of(m, is_analysis);
            r.member_is_analysis.push_back(is_analysis);
            if (i == 0)
                common = q;
            else
                std::erase_if(common, [&](const std::string& x) {
                    return std::find(q.begin(), q.end(), x) == q.end();
                });
        }
        if (parts.size() > 2
            || (parts.size() == 2
                && std::find(common.begin(), common.end(), parts[1]) == common.end())) {
            d_.error(
                Code::UnknownQuantity, e.span,
                fmt::format("'{}' has no number '{}'", parts[0], text.substr(parts[0].size() + 1)),
                common.empty() ? std::string("its members have no number in common")
                               : suggestion(parts.back(), common));
            return std::nullopt;
        }
        if (parts.size() == 2)
            r.member = parts[1];
        else if (common.size() == 1)
            r.member = common.front();
        else {
            std::string list;
            for (const auto& q : common)
                list += (list.empty() ? "" : ", ") + q;
            d_.error(Code::UnknownQuantity, e.span,
                     fmt::format("say which number of '{}' to take", parts[0]),
                     fmt::format("write {}.NAME, NAME one of: {}", parts[0], list));
            return std::nullopt;
        }
        return r;
    }

    // Time points (`at`, `a`, `b`, `input` options) must parse and name a period of the
    // evaluated task: one of its periods, or a numbered one of them (stimulus2).
    bool time_points_ok(const Expr& e, const std::vector<ArgRef>& args,
                        const stdlib::Params& options) {
        const TaskDef* task = nullptr;
        for (const auto& a : args) {
            const auto ev = p_.evaluates.find(a.definition);
            // An evaluation with errors of its own is not in the program; its time points
            // cannot be checked against a task.
            if (a.kind == ArgRef::Kind::Evaluation && !task && ev != p_.evaluates.end())
                task = &p_.tasks.at(ev->second.task);
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
                    d_.error(Code::BadTimePoint, where,
                             fmt::format("the task '{}' has no period '{}'", task->name, p.period),
                             suggestion(p.period, periods));
                    ok = false;
                }
            } catch (const std::invalid_argument& err) {
                d_.error(Code::BadTimePoint, where, err.what());
                ok = false;
            }
        }
        return ok;
    }

    // Positional arguments against the entry's ArgSpecs, named ones against its schema.
    template <typename Entry>
    bool call(const Expr& e, const Entry& entry, std::vector<ArgRef>& args,
              stdlib::Params& options) {
        std::size_t positional = 0;
        bool ok = true;
        std::vector<ast::Field> named;
        for (std::size_t i = 0; i < e.items.size(); ++i) {
            if (!e.arg_names[i].empty()) {
                const stdlib::ParamSpec* spec = entry.schema.find(e.arg_names[i]);
                if (!spec) {
                    d_.error(Code::UnknownOption, e.items[i]->span,
                             fmt::format("'{}' has no option '{}'", entry.name, e.arg_names[i]),
                             suggestion(e.arg_names[i], entry.schema.names()));
                    ok = false;
                } else if (auto v = value(*e.items[i], *spec)) {
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
                d_.error(Code::TooManyArguments, e.items[i]->span,
                         fmt::format("'{}' takes {} argument{}", entry.name, entry.args.size(),
                                     entry.args.size() == 1 ? "" : "s"));
                ok = false;
                continue;
            }
            ++positional;
            if (auto r = argument(*e.items[i], entry.args[slot]))
                args.push_back(*r);
            else
                ok = false;
        }
        if (positional < entry.args.size()) {
            d_.error(Code::MissingArgument, e.span,
                     fmt::format("'{}' needs the argument '{}' ({})", entry.name,
                                 entry.args[positional].name, entry.args[positional].doc));
            ok = false;
        }
        options = stdlib::with_defaults(entry.schema, std::move(options));
        return ok;
    }

    // A `from`/`to` window of steps must lie inside the trial of the task the first
    // training or evaluation argument runs on.
    bool window(const Expr& e, const std::vector<ArgRef>& args, const stdlib::Params& options) {
        if (!options.has("from") || !options.has("to"))
            return true;
        const TaskDef* task = nullptr;
        for (const auto& a : args) {
            if (a.kind == ArgRef::Kind::Evaluation && p_.evaluates.count(a.definition))
                task = &p_.tasks.at(p_.evaluates.at(a.definition).task);
            else if (a.kind == ArgRef::Kind::Training && p_.trained(a.definition))
                task = &p_.tasks.at(p_.training_of(a.definition).task);
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
            auto& d = d_.error(
                Code::WindowOutsideTrial, where(to > trial ? "to" : "from"),
                fmt::format("the window from {} to {} steps is outside the {}-step trial of '{}'",
                            from, to, trial, task->name),
                fmt::format("choose 0 <= from < to <= {}", trial));
            d.notes.emplace_back(task->span, "the task is defined here");
            return false;
        }
        return true;
    }

    void analyze_def(const ast::Statement& s) {
        check_analysis(s);
        analyses_checked_.insert(s.name);
    }

    void check_analysis(const ast::Statement& s) {
        const Expr& e = *s.head;
        std::vector<std::string> names;
        for (const auto* a : stdlib::analyses())
            names.push_back(a->name);
        if (e.kind != K::Call) {
            d_.error(
                Code::ExpectedAnalysisCall, e.span,
                fmt::format("expected an analysis call such as hopfield_similarity(...), found {}",
                            kind_words(e)));
            return;
        }
        const stdlib::AnalysisEntry* entry = stdlib::find_analysis(e.text);
        if (!entry) {
            d_.error(Code::UnknownAnalysis, e.span, fmt::format("unknown analysis '{}'", e.text),
                     suggestion(e.text, names));
            return;
        }
        AnalyzeDef a;
        a.name = s.name;
        a.entry = entry;
        a.span = s.span;
        if (call(e, *entry, a.args, a.options) && window(e, a.args, a.options)
            && time_points_ok(e, a.args, a.options)) {
            a.files_key = files_key(entry->schema, a.options);
            p_.analyses.emplace(s.name, std::move(a));
            p_.analysis_order.push_back(s.name);
        }
    }

    void plot_def(const ast::Statement& s) {
        const Expr& e = *s.head;
        std::vector<std::string> names;
        for (const auto* f : stdlib::figures())
            names.push_back(f->name);
        if (e.kind != K::Call) {
            d_.error(Code::ExpectedFigureCall, e.span,
                     fmt::format("expected a figure call such as history(fit), found {}",
                                 kind_words(e)));
            return;
        }
        const stdlib::FigureEntry* entry = stdlib::find_figure(e.text);
        if (!entry) {
            d_.error(Code::UnknownFigure, e.span, fmt::format("unknown figure '{}'", e.text),
                     suggestion(e.text, names));
            return;
        }
        PlotDef p;
        p.entry = entry;
        p.span = s.span;
        p.file = s.file;
        bool ok = true;
        if (const std::string why = unsafe_relative_path(s.file); !why.empty()) {
            d_.error(Code::UnsafePath, s.file_span, "the figure file " + why,
                     "write a file name such as \"history.png\"");
            ok = false;
        } else if (s.file.size() < 5 || (!s.file.ends_with(".png") && !s.file.ends_with(".svg"))) {
            d_.error(Code::FigureNotPng, s.file_span, "figure files must end in .png or .svg");
            ok = false;
        } else {
            for (const auto& other : p_.plots)
                if (other.file == s.file) {
                    auto& err = d_.error(Code::FigureFileTwice, s.file_span,
                                         fmt::format("two figures are written to \"{}\"", s.file));
                    err.notes.emplace_back(other.span, "the other figure");
                    ok = false;
                }
        }
        if (call(e, *entry, p.args, p.options) && ok && window(e, p.args, p.options)
            && time_points_ok(e, p.args, p.options))
            p_.plots.push_back(std::move(p));
    }

    void unused_warnings() {
        for (const auto& [name, decl] : declared_) {
            // Shared files (included ones) define more than each experiment uses.
            if (used_.count(name) || decl.stmt->name_span.file != 0)
                continue;
            if (decl.kind == ast::Statement::Kind::Task
                || decl.kind == ast::Statement::Kind::Network)
                d_.warning(Code::UnusedDefinition, decl.stmt->name_span,
                           fmt::format("the {} '{}' is defined but never used",
                                       ast::statement_keyword(decl.kind), name));
        }
    }

    Diagnostics& d_;
    const SourceMap* sources_;
    std::vector<Instance> instances_;
    std::map<std::string, std::vector<std::string>> families_;
    std::set<std::string> analyses_checked_;                    // analyze lines checked so far
    std::set<std::string> alters_seen_;                         // alters checked or being checked
    std::set<std::string> alters_open_;                         // alters being checked (for cycles)
    std::map<std::string, const ast::Statement*> directories_;  // results folder -> definition
    std::vector<const ast::Statement*> defining_;               // bases being checked, for cycles
    std::set<const ast::Statement*> cyclic_;
    Program p_;
    std::map<std::string, Declared> declared_;
    std::set<std::string> used_;
    const ast::Statement* first_seed_ = nullptr;  // for "first set here"
    const ast::Statement* first_output_ = nullptr;
    double dt_ms_ = 0.0;  // the step length of the block being checked (0: none)
    // Content hashes of the data files read so far, by absolute path (for node keys).
    std::map<std::string, std::string> file_hashes_;
    // Data files are read whole at check time (to hash them) and again by the task.
    static constexpr std::uintmax_t kMaxDataFileBytes = std::uintmax_t{256} << 20;
};

}  // namespace

std::optional<Program> check(const ast::Module& module, Diagnostics& diags,
                             const SourceMap* sources) {
    return Checker(diags, sources).run(module);
}

}  // namespace rnn::interp
