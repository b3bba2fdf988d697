#include "interpreter/check/value.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/files.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;
using T = stdlib::ParamType;

// One value being checked against its spec, in a block with step length `dt_ms`.
struct ValueCheck {
    Context& c;
    const stdlib::ParamSpec& spec;
    double dt_ms;
    std::string want;  // "'units' expects an integer"

    bool range_ok(double v, const ast::Span& where) const {
        if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
            c.diags.error(Code::OutOfRange, where,
                          fmt::format("'{}' = {} is out of range", spec.name, v),
                          fmt::format("'{}' must be in [{}, {}]", spec.name,
                                      spec.min ? fmt::format("{}", *spec.min) : "-inf",
                                      spec.max ? fmt::format("{}", *spec.max) : "inf"));
            return false;
        }
        return true;
    }

    std::optional<stdlib::Value> wrong_type(const Expr& e) const {
        c.diags.error(Code::WrongType, e.span, fmt::format("{}, found {}", want, kind_words(e)));
        return std::nullopt;
    }

    // A duration in whole steps (ms and s through dt), without the range check.
    std::optional<double> to_steps(const Expr& x) const {
        if (x.kind != K::Number || x.unit.empty()) {
            c.diags.error(Code::DurationNeedsUnit, x.span,
                          fmt::format("'{}' is a duration: give its unit, e.g. '{} = 200 steps'",
                                      spec.name, spec.name));
            return std::nullopt;
        }
        double steps = x.number;
        if (x.unit == "ms" || x.unit == "s") {
            if (dt_ms <= 0.0) {
                c.diags.error(Code::DurationNeedsDt, x.span,
                              fmt::format("'{}' is given in {}, but no dt converts it to steps",
                                          spec.name, x.unit),
                              "give the duration in steps, or set the task's step length, "
                              "e.g. 'dt = 1 ms'");
                return std::nullopt;
            }
            const double ms = x.unit == "s" ? x.number * 1000.0 : x.number;
            steps = ms / dt_ms;
            if (std::abs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps)) {
                c.diags.error(Code::NotWholeSteps, x.span,
                              fmt::format("'{}' = {} {} is {:.4g} steps of dt = {} ms; a "
                                          "duration must be a whole number of steps",
                                          spec.name, x.number, x.unit, steps, dt_ms));
                return std::nullopt;
            }
            steps = std::round(steps);
        } else if (x.unit != "steps") {
            c.diags.error(
                Code::NotATimeUnit, x.span,
                fmt::format("'{}' is a duration; '{}' is not a unit of time", spec.name, x.unit),
                "use steps, ms or s");
            return std::nullopt;
        } else if (x.number != std::floor(x.number)) {
            c.diags.error(Code::NotWholeSteps, x.span,
                          fmt::format("'{}' must be a whole number of steps", spec.name));
            return std::nullopt;
        }
        return steps;
    }

    // Integer and Real.
    std::optional<stdlib::Value> number(const Expr& e) const {
        if (e.kind == K::Number && !e.unit.empty() && e.unit != "trials" && e.unit != "epochs") {
            c.diags.error(Code::UnitNotAllowed, e.span,
                          fmt::format("'{}' is a plain number; the unit '{}' does not apply",
                                      spec.name, e.unit));
            return std::nullopt;
        }
        std::optional<double> v =
            e.kind == K::Number ? std::optional<double>(e.number) : constant_number(e);
        if (!v)
            return wrong_type(e);
        if (spec.type == T::Integer && *v != std::floor(*v)) {
            c.diags.error(Code::NotWhole, e.span,
                          fmt::format("'{}' must be a whole number, found {}", spec.name, *v));
            return std::nullopt;
        }
        if (!range_ok(*v, e.span))
            return std::nullopt;
        return stdlib::Value{*v};
    }

    std::optional<stdlib::Value> steps(const Expr& e) const {
        const auto steps = to_steps(e);
        if (!steps || !range_ok(*steps, e.span))
            return std::nullopt;
        return stdlib::Value{*steps};
    }

    // [a, b, ...] of numbers in range, not empty; whole numbers only when `whole`.
    std::optional<stdlib::Value> number_list(const Expr& e, bool whole = false) const {
        const std::vector<const Expr*> items = list_items(e);
        if (items.empty()) {
            c.diags.error(Code::WrongType, e.span, fmt::format("{}; the list is empty", want));
            return std::nullopt;
        }
        std::vector<double> values;
        for (const Expr* item : items) {
            const auto v = constant_number(*item);
            if (!v || (whole && *v != std::floor(*v)))
                return wrong_type(*item);
            if (!range_ok(*v, item->span))
                return std::nullopt;
            values.push_back(*v);
        }
        return stdlib::Value{std::move(values)};
    }

    std::optional<stdlib::Value> string_list(const Expr& e) const {
        const std::vector<const Expr*> items = list_items(e);
        if (items.empty()) {
            c.diags.error(Code::WrongType, e.span, fmt::format("{}; the list is empty", want));
            return std::nullopt;
        }
        std::vector<std::string> values;
        for (const Expr* item : items) {
            if (item->kind != K::String)
                return wrong_type(*item);
            values.push_back(item->text);
        }
        return stdlib::Value{std::move(values)};
    }

    std::optional<stdlib::Value> jittered_steps(const Expr& e) const {
        if (e.kind == K::List) {
            std::vector<double> values;
            for (const auto& item : e.items) {
                const auto steps = to_steps(*item);
                if (!steps || !range_ok(*steps, item->span))
                    return std::nullopt;
                values.push_back(*steps);
            }
            if (values.empty()) {
                c.diags.error(Code::WrongType, e.span, fmt::format("{}; the list is empty", want));
                return std::nullopt;
            }
            return stdlib::Value{std::move(values)};
        }
        if (e.kind != K::Jitter)
            return steps(e);
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

    std::optional<stdlib::Value> time(const Expr& e) const {
        if (e.kind != K::Number || (e.unit != "ms" && e.unit != "s")) {
            c.diags.error(e.kind == K::Number && !e.unit.empty() ? Code::NotATimeUnit
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

    std::optional<stdlib::Value> choice(const Expr& e) const {
        if (e.kind != K::Name) {
            c.diags.error(Code::WrongType, e.span, fmt::format("{}, found {}", want, kind_words(e)),
                          suggestion("", spec.choices));
            return std::nullopt;
        }
        for (const auto& choice : spec.choices)
            if (choice == e.text)
                return stdlib::Value{e.text};
        c.diags.error(Code::NotAChoice, e.span,
                      fmt::format("'{}' is not a valid value for '{}'", e.text, spec.name),
                      suggestion(e.text, spec.choices));
        return std::nullopt;
    }

    std::optional<stdlib::Value> draw(const Expr& e) const {
        if (const auto v = constant_number(e)) {
            if (!range_ok(*v, e.span))
                return std::nullopt;
            return stdlib::Value{*v};
        }
        if (e.kind == K::List)  // one of the values, drawn uniformly per trial
            return number_list(e);
        if (e.kind != K::Call || e.text != "uniform")
            return wrong_type(e);
        const bool positional = std::all_of(e.arg_names.begin(), e.arg_names.end(),
                                            [](const std::string& n) { return n.empty(); });
        if (e.items.size() != 2 || !positional) {
            c.diags.error(Code::BadDraw, e.span,
                          "uniform(low, high) takes two numbers, by position");
            return std::nullopt;
        }
        const auto lo = constant_number(*e.items[0]);
        const auto hi = constant_number(*e.items[1]);
        if (!lo || !hi) {
            c.diags.error(Code::BadDraw, (!lo ? e.items[0] : e.items[1])->span,
                          "uniform(low, high) takes two numbers");
            return std::nullopt;
        }
        if (!(*lo < *hi)) {
            c.diags.error(
                Code::EmptyInterval, e.span,
                fmt::format("uniform({}, {}) is empty: low must be below high", *lo, *hi));
            return std::nullopt;
        }
        if (!range_ok(*lo, e.items[0]->span) || !range_ok(*hi, e.items[1]->span))
            return std::nullopt;
        return stdlib::Value{stdlib::UniformDraw{*lo, *hi}};
    }

    std::optional<stdlib::Value> of(const Expr& e) const {
        switch (spec.type) {
            case T::Integer:
            case T::Real:
                return number(e);
            case T::Steps:
                return steps(e);
            case T::IntegerList:
                return number_list(e, true);
            case T::StringList:
                return string_list(e);
            case T::JitteredSteps:
                return jittered_steps(e);
            case T::Time:
                return time(e);
            case T::Bool:
                if (e.kind != K::Bool) {
                    c.diags.error(Code::WrongType, e.span,
                                  fmt::format("{} (true or false), found {}", want, kind_words(e)));
                    return std::nullopt;
                }
                return stdlib::Value{e.boolean};
            case T::String:
                if (e.kind != K::String)
                    return wrong_type(e);
                return stdlib::Value{e.text};
            case T::File: {
                if (e.kind != K::String)
                    return wrong_type(e);
                if (auto path = data_file(c, e))
                    return stdlib::Value{std::move(*path)};
                return std::nullopt;
            }
            case T::LoopVariable:  // what the name names: sweep_options.hpp
                if (e.kind != K::Name)
                    return wrong_type(e);
                return stdlib::Value{e.text};
            case T::HistoryColumn:
                // A column is written as a name (metric: loss) or, as a task's metrics and
                // labels are elsewhere, a string (metric: "loss").
                if (e.kind != K::Name && e.kind != K::String)
                    return wrong_type(e);
                return stdlib::Value{e.text};
            case T::Choice:
                return choice(e);
            case T::Draw:
                return draw(e);
            case T::Declaration:  // read by the declared task's own checker, never here
                return wrong_type(e);
        }
        return std::nullopt;
    }
};

// The step length of a block (0: none): the block's own `dt` when its schema has one, else
// the base's or the schema default. Durations in ms are converted through it, so it comes
// first; an invalid `dt` is reported here (the field loop skips it).
double block_dt(Context& c, const std::vector<ast::Field>& body, const stdlib::Schema& schema,
                const stdlib::Params& base) {
    double dt_ms = 0.0;
    const stdlib::ParamSpec* dt = schema.find("dt");
    if (!dt || dt->type != T::Time)
        return dt_ms;
    if (base.has("dt"))
        dt_ms = base.real("dt");
    else if (dt->default_value)
        dt_ms = std::get<double>(*dt->default_value);
    for (const auto& f : body)
        if (f.name == "dt" && f.kind == ast::Field::Kind::Assign)
            if (auto v = value(c, *f.value, *dt, dt_ms))
                dt_ms = std::get<double>(*v);
    return dt_ms;
}

// Durations left at a default that stands for a time follow this block's dt.
void rescale_default_durations(const stdlib::Schema& schema, double dt_ms,
                               const std::map<std::string, const ast::Field*>& seen,
                               stdlib::Params& base) {
    for (const auto& spec : schema.params) {
        if (spec.default_at_dt <= 0.0 || dt_ms <= 0.0 || dt_ms == spec.default_at_dt
            || seen.count(spec.name) || base.has(spec.name) || !spec.default_value)
            continue;
        const double scale = spec.default_at_dt / dt_ms;
        auto steps = [&](double v) {
            return std::max(spec.min.value_or(0.0), std::round(v * scale));
        };
        if (const auto* d = std::get_if<stdlib::UniformDraw>(&*spec.default_value))
            base.set(spec.name, stdlib::Value{stdlib::UniformDraw{
                                    steps(d->low), std::max(steps(d->high), steps(d->low))}});
        else if (const auto* v = std::get_if<double>(&*spec.default_value))
            base.set(spec.name, stdlib::Value{steps(*v)});
    }
}

}  // namespace

std::optional<stdlib::Value> value(Context& c, const Expr& e, const stdlib::ParamSpec& spec,
                                   double dt_ms) {
    const ValueCheck check{c, spec, dt_ms,
                           fmt::format("'{}' expects {}", spec.name,
                                       with_article(stdlib::param_type_name(spec.type)))};
    if (spec.type == T::Integer)
        if (const auto derived = c.task_size(e)) {
            if (*derived < 0 || !check.range_ok(static_cast<double>(*derived), e.span))
                return std::nullopt;
            return stdlib::Value{static_cast<double>(*derived)};
        }
    return check.of(e);
}

stdlib::Params fields(Context& c, const std::vector<ast::Field>& body, const stdlib::Schema& schema,
                      const std::string& what, stdlib::Params base, const ast::Span& where,
                      std::vector<const ast::Field*>* others) {
    std::map<std::string, const ast::Field*> seen;
    const double dt_ms = block_dt(c, body, schema, base);
    for (const auto& f : body) {
        if (auto [it, fresh] = seen.emplace(f.name, &f); !fresh) {
            auto& e = c.diags.error(Code::GivenTwice, f.name_span,
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
            c.diags.error(Code::UnknownParameter, f.name_span,
                          fmt::format("{} has no parameter '{}'", what, f.name),
                          suggestion(f.name, schema.names()));
            continue;
        }
        if (f.name == "dt" && spec->type == T::Time) {
            if (dt_ms > 0.0 || base.has("dt"))
                base.set("dt", stdlib::Value{dt_ms});
            continue;  // checked above
        }
        if (auto v = value(c, *f.value, *spec, dt_ms))
            base.set(f.name, *v);
    }
    for (const auto& spec : schema.params)
        if (spec.required() && !base.has(spec.name) && !seen.count(spec.name))
            c.diags.error(Code::MissingParameter, where,
                          fmt::format("{} needs '{}' ({})", what, spec.name, spec.doc),
                          fmt::format("add '{} = ...' to the block", spec.name));
    rescale_default_durations(schema, dt_ms, seen, base);
    return stdlib::with_defaults(schema, std::move(base));
}

}  // namespace rnn::interp::checker
