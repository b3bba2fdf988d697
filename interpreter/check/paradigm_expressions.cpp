#include "interpreter/check/paradigm_expressions.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;
using Op = stdlib::ParadigmOp;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr arma::uword kMaxWidth = 10000;

bool whole(double v) {
    return std::isfinite(v) && v == std::floor(v);
}

// The hull of products of two intervals, an unknown product (0 * inf) counting as anything.
TrialBounds product(const TrialBounds& a, const TrialBounds& b) {
    TrialBounds out{kInf, -kInf, a.whole && b.whole};
    for (double x : {a.low, a.high})
        for (double y : {b.low, b.high}) {
            const double p = x * y;
            if (std::isnan(p))
                return {-kInf, kInf, out.whole};
            out.low = std::min(out.low, p);
            out.high = std::max(out.high, p);
        }
    return out;
}

TrialBounds hull(const TrialBounds& a, const TrialBounds& b) {
    return {std::min(a.low, b.low), std::max(a.high, b.high), a.whole && b.whole};
}

const TrialBounds kFlag{0.0, 1.0, true};

TrialBounds binary_bounds(Op op, const TrialBounds& a, const TrialBounds& b) {
    switch (op) {
        case Op::Add:
            return {a.low + b.low, a.high + b.high, a.whole && b.whole};
        case Op::Subtract:
            return {a.low - b.high, a.high - b.low, a.whole && b.whole};
        case Op::Multiply:
            return product(a, b);
        case Op::Divide:
            if (b.low <= 0.0 && b.high >= 0.0)
                return {};
            return product(a, {1.0 / b.high, 1.0 / b.low, false});
        case Op::Min:
            return {std::min(a.low, b.low), std::min(a.high, b.high), a.whole && b.whole};
        case Op::Max:
            return {std::max(a.low, b.low), std::max(a.high, b.high), a.whole && b.whole};
        case Op::Mod:
            if (b.low > 0.0)
                return {0.0, b.high, a.whole && b.whole};
            if (b.high < 0.0)
                return {b.low, 0.0, a.whole && b.whole};
            return {-kInf, kInf, a.whole && b.whole};
        default:
            return kFlag;  // comparisons and logic
    }
}

TrialBounds unary_bounds(Op op, const TrialBounds& a) {
    switch (op) {
        case Op::Negate:
            return {-a.high, -a.low, a.whole};
        case Op::Abs:
            if (a.low >= 0.0)
                return a;
            if (a.high <= 0.0)
                return {-a.high, -a.low, a.whole};
            return {0.0, std::max(-a.low, a.high), a.whole};
        case Op::Sign:
            return {a.low > 0.0   ? 1.0
                    : a.low < 0.0 ? -1.0
                                  : 0.0,
                    a.high > 0.0   ? 1.0
                    : a.high < 0.0 ? -1.0
                                   : 0.0,
                    true};
        case Op::Floor:
            return {std::floor(a.low), std::floor(a.high), true};
        case Op::Round:
            return {std::round(a.low), std::round(a.high), true};
        case Op::Exp:
            return {std::exp(a.low), std::exp(a.high), false};
        // Of a value that may be negative, log and sqrt may be NaN: no bounds.
        case Op::Log:
            return a.low > 0.0 ? TrialBounds{std::log(a.low), std::log(a.high), false}
                               : TrialBounds{};
        case Op::Sqrt:
            return a.low >= 0.0 ? TrialBounds{std::sqrt(a.low), std::sqrt(a.high), false}
                                : TrialBounds{};
        default:
            return kFlag;  // not
    }
}

struct FunctionInfo {
    const char* name;
    Op op;
    std::size_t args;
    const char* form;
};

// The deterministic functions of one or two arguments.
const std::vector<FunctionInfo>& functions() {
    static const std::vector<FunctionInfo> table = {
        {"abs", Op::Abs, 1, "abs(x)"},       {"sign", Op::Sign, 1, "sign(x)"},
        {"floor", Op::Floor, 1, "floor(x)"}, {"round", Op::Round, 1, "round(x)"},
        {"exp", Op::Exp, 1, "exp(x)"},       {"log", Op::Log, 1, "log(x)"},
        {"sqrt", Op::Sqrt, 1, "sqrt(x)"},    {"min", Op::Min, 2, "min(a, b)"},
        {"max", Op::Max, 2, "max(a, b)"},    {"mod", Op::Mod, 2, "mod(a, b)"},
    };
    return table;
}

Op binary_op(const std::string& text) {
    static const std::map<std::string, Op> ops = {
        {"+", Op::Add},    {"-", Op::Subtract},   {"*", Op::Multiply}, {"/", Op::Divide},
        {"<", Op::Less},   {"<=", Op::LessEqual}, {">", Op::Greater},  {">=", Op::GreaterEqual},
        {"==", Op::Equal}, {"!=", Op::NotEqual},  {"and", Op::And},    {"or", Op::Or},
    };
    return ops.at(text);
}

}  // namespace

const std::vector<std::string>& paradigm_functions() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out = {"uniform", "normal",  "choice", "bernoulli",
                                        "if",      "one_hot", "during", "noise"};
        for (const auto& f : functions())
            out.emplace_back(f.name);
        return out;
    }();
    return names;
}

int ParadigmCompiler::add(stdlib::ParadigmNode node, Info info) {
    // A declaration is small; this bound keeps a hostile script (a million wide one_hots)
    // from taking the memory of the trials' scratch space or of their constants.
    c_.paradigm_values += node.width + node.values.size();
    if (c_.paradigm_values > kMaxHeld)
        throw ParadigmTooLarge{};
    node.slot = spec_.scratch;
    spec_.scratch += node.width;
    spec_.nodes.push_back(std::move(node));
    info_.push_back(info);
    return static_cast<int>(spec_.nodes.size()) - 1;
}

int ParadigmCompiler::constant(double v) {
    stdlib::ParadigmNode n;
    n.values = {v};
    return add(std::move(n), {TrialUnit::Number, {v, v, whole(v)}});
}

int ParadigmCompiler::sum(const std::vector<int>& terms) {
    if (terms.empty())
        return constant(0.0);
    int out = terms[0];
    for (std::size_t i = 1; i < terms.size(); ++i) {
        stdlib::ParadigmNode n;
        n.op = Op::Add;
        n.args = {out, terms[i]};
        n.width = std::max(width(out), width(terms[i]));
        const Info info{unit(out), binary_bounds(Op::Add, bounds(out), bounds(terms[i]))};
        out = add(std::move(n), info);
    }
    return out;
}

void ParadigmCompiler::declare_variable(const std::string& name, int node) {
    variables_[name] = node;
}

std::optional<int> ParadigmCompiler::compile(const Expr& e, TrialPlace place) {
    switch (e.kind) {
        case K::Number:
            return number(e);
        case K::Bool:
            return constant(e.boolean ? 1.0 : 0.0);
        case K::Name:
            return name(e, place);
        case K::List:
            return list(e, place);
        case K::Unary:
            return unary(e, place);
        case K::Binary:
            return binary(e, place);
        case K::Call:
            return call(e, place);
        default:
            break;
    }
    c_.diags.error(Code::TrialCall, e.span,
                   fmt::format("{} is not a value of a trial", kind_words(e)),
                   e.kind == K::Jitter || e.kind == K::Range
                       ? "draw it as a variable: uniform(a, b) or choice(lo..hi)"
                       : "");
    return std::nullopt;
}

std::optional<ParadigmCompiler::Literal> ParadigmCompiler::literal(const Expr& e) {
    if (e.kind != K::Number) {
        const auto v = constant_number(e);
        return v ? std::optional<Literal>(Literal{*v, TrialUnit::Number}) : std::nullopt;
    }
    if (e.unit.empty())
        return Literal{e.number, TrialUnit::Number};
    if (e.unit != "steps" && e.unit != "ms" && e.unit != "s") {
        c_.diags.error(Code::NotATimeUnit, e.span,
                       fmt::format("'{}' is not a unit of a paradigm", e.unit),
                       "durations are in steps, ms or s; other values are plain numbers");
        return std::nullopt;
    }
    const double steps =
        e.unit == "steps" ? e.number : (e.unit == "s" ? 1000.0 : 1.0) * e.number / dt_ms_;
    return Literal{steps, TrialUnit::Steps};
}

std::optional<int> ParadigmCompiler::number(const Expr& e) {
    const auto v = literal(e);
    if (!v)
        return std::nullopt;
    stdlib::ParadigmNode n;
    n.values = {v->value};
    return add(std::move(n), {v->unit, {v->value, v->value, whole(v->value)}});
}

std::optional<int> ParadigmCompiler::name(const Expr& e, TrialPlace place) {
    if (const auto it = variables_.find(e.text); it != variables_.end()) {
        stdlib::ParadigmNode n;
        n.op = Op::Variable;
        n.index = static_cast<int>(std::find(variable_names_.begin(), variable_names_.end(), e.text)
                                   - variable_names_.begin());
        return add(std::move(n), info_[static_cast<std::size_t>(it->second)]);
    }
    if (std::find(failed_.begin(), failed_.end(), e.text) != failed_.end())
        return std::nullopt;
    if (std::find(variable_names_.begin(), variable_names_.end(), e.text)
        != variable_names_.end()) {
        c_.diags.error(Code::DrawnBelow, e.span,
                       fmt::format("'{}' is drawn below this line", e.text),
                       place == TrialPlace::Variable
                           ? "variables are drawn in the order written: move its line above"
                           : "");
        return std::nullopt;
    }
    if (std::find(period_names_.begin(), period_names_.end(), e.text) != period_names_.end()) {
        c_.diags.error(Code::UnknownTrialName, e.span,
                       fmt::format("'{}' is a period, not a value", e.text),
                       fmt::format("give a value for it with during({}: value)", e.text));
        return std::nullopt;
    }
    std::vector<std::string> names = variable_names_;
    c_.diags.error(Code::UnknownTrialName, e.span,
                   fmt::format("'{}' is not a variable of the paradigm", e.text),
                   suggestion(e.text, names));
    return std::nullopt;
}

std::optional<int> ParadigmCompiler::list(const Expr& e, TrialPlace place) {
    if (e.items.empty() || e.items.size() > kMaxWidth) {
        c_.diags.error(Code::TrialWidths, e.span,
                       fmt::format("a list of a paradigm holds 1 to {} values", kMaxWidth));
        return std::nullopt;
    }
    stdlib::ParadigmNode n;
    n.op = Op::List;
    Info info{TrialUnit::Number, {kInf, -kInf, true}};
    for (std::size_t i = 0; i < e.items.size(); ++i) {
        const auto item = compile(*e.items[i], place);
        if (!item)
            return std::nullopt;
        if (width(*item) != 1) {
            c_.diags.error(Code::TrialWidths, e.items[i]->span,
                           "each item of a list is one number");
            return std::nullopt;
        }
        if (i > 0 && !same_unit(*e.items[i], n.args[0], *item, "the items of a list"))
            return std::nullopt;
        info.unit = unit(*item);
        info.bounds = hull(info.bounds, bounds(*item));
        n.args.push_back(*item);
    }
    n.width = n.args.size();
    return add(std::move(n), info);
}

std::optional<int> ParadigmCompiler::unary(const Expr& e, TrialPlace place) {
    const auto a = compile(*e.items[0], place);
    if (!a)
        return std::nullopt;
    stdlib::ParadigmNode n;
    n.op = e.text == "not" ? Op::Not : Op::Negate;
    n.args = {*a};
    n.width = width(*a);
    const Info info{n.op == Op::Not ? TrialUnit::Number : unit(*a), unary_bounds(n.op, bounds(*a))};
    return add(std::move(n), info);
}

bool ParadigmCompiler::same_unit(const Expr& e, int a, int b, const char* what) {
    if (unit(a) == unit(b))
        return true;
    c_.diags.error(Code::TrialUnits, e.span,
                   fmt::format("{} mix a duration with a plain number", what),
                   "give both in ms, s or steps, or neither");
    return false;
}

std::optional<arma::uword> ParadigmCompiler::joint_width(const Expr& e, int a, int b) {
    const arma::uword wa = width(a), wb = width(b);
    if (wa != wb && wa != 1 && wb != 1) {
        c_.diags.error(Code::TrialWidths, e.span,
                       fmt::format("values {} and {} wide cannot be combined", wa, wb),
                       "a number combines with a list of any width; two lists must be as wide");
        return std::nullopt;
    }
    return std::max(wa, wb);
}

std::optional<int> ParadigmCompiler::binary(const Expr& e, TrialPlace place) {
    const auto a = compile(*e.items[0], place);
    const auto b = a ? compile(*e.items[1], place) : std::nullopt;
    if (!a || !b)
        return std::nullopt;
    const auto w = joint_width(e, *a, *b);
    if (!w)
        return std::nullopt;
    stdlib::ParadigmNode n;
    n.op = binary_op(e.text);
    n.args = {*a, *b};
    n.width = *w;
    TrialUnit u = TrialUnit::Number;
    if (n.op == Op::Multiply) {
        if (unit(*a) == TrialUnit::Steps && unit(*b) == TrialUnit::Steps) {
            c_.diags.error(Code::TrialUnits, e.span, "a duration times a duration is no value",
                           "multiply a duration by a plain number");
            return std::nullopt;
        }
        u = unit(*a) == TrialUnit::Steps || unit(*b) == TrialUnit::Steps ? TrialUnit::Steps
                                                                         : TrialUnit::Number;
    } else if (n.op == Op::Divide) {
        if (unit(*a) == TrialUnit::Number && unit(*b) == TrialUnit::Steps) {
            c_.diags.error(Code::TrialUnits, e.span, "a plain number divided by a duration",
                           "divide a duration by a duration or by a plain number");
            return std::nullopt;
        }
        u = unit(*a) == TrialUnit::Steps && unit(*b) == TrialUnit::Number ? TrialUnit::Steps
                                                                          : TrialUnit::Number;
    } else if (n.op == Op::And || n.op == Op::Or) {
        u = TrialUnit::Number;
    } else {
        if (!same_unit(e, *a, *b, fmt::format("the two sides of '{}'", e.text).c_str()))
            return std::nullopt;
        const bool compares = n.op != Op::Add && n.op != Op::Subtract;
        u = compares ? TrialUnit::Number : unit(*a);
    }
    const Info info{u, binary_bounds(n.op, bounds(*a), bounds(*b))};
    return add(std::move(n), info);
}

std::optional<std::vector<int>> ParadigmCompiler::arguments(const Expr& e, std::size_t count,
                                                            TrialPlace place, const char* form) {
    bool named = false;
    for (const auto& n : e.arg_names)
        named = named || !n.empty();
    if (e.items.size() != count || named) {
        c_.diags.error(
            Code::TrialCall, e.span,
            fmt::format("'{}' takes {} value{}: {}", e.text, count, count == 1 ? "" : "s", form));
        return std::nullopt;
    }
    std::vector<int> out;
    for (const auto& item : e.items) {
        const auto v = compile(*item, place);
        if (!v)
            return std::nullopt;
        if (width(*v) != 1) {
            c_.diags.error(Code::TrialWidths, item->span,
                           fmt::format("'{}' takes single numbers, not a list", e.text));
            return std::nullopt;
        }
        out.push_back(*v);
    }
    return out;
}

std::optional<int> ParadigmCompiler::call(const Expr& e, TrialPlace place) {
    if (e.text == "uniform" || e.text == "normal" || e.text == "choice" || e.text == "bernoulli")
        return draw(e, place);
    if (e.text == "during") {
        if (place != TrialPlace::Input && place != TrialPlace::Target) {
            c_.diags.error(Code::TrialCall, e.span, "during(...) gives an input its values",
                           "use it in `inputs` or the target");
            return std::nullopt;
        }
        return arms(e, place, nullptr);
    }
    if (e.text == "noise") {
        c_.diags.error(Code::NoiseForm, e.span, "noise(sd) is added to an input, not used here",
                       "write `+ noise(sd)` at the end of an input, or of a during arm");
        return std::nullopt;
    }
    if (e.text == "one_hot") {
        const auto n = e.items.size() == 2 ? constant_number(*e.items[1]) : std::nullopt;
        if (!n || !whole(*n) || *n < 1.0 || *n > static_cast<double>(kMaxWidth)) {
            c_.diags.error(Code::TrialCall, e.span,
                           "one_hot(index, n) needs n, a whole number from 1, as a constant");
            return std::nullopt;
        }
        const auto index = compile(*e.items[0], place);
        if (!index)
            return std::nullopt;
        if (width(*index) != 1) {
            c_.diags.error(Code::TrialWidths, e.items[0]->span,
                           "one_hot's index is one number, not a list");
            return std::nullopt;
        }
        stdlib::ParadigmNode node;
        node.op = Op::OneHot;
        node.args = {*index};
        node.width = static_cast<arma::uword>(*n);
        return add(std::move(node), {TrialUnit::Number, kFlag});
    }
    if (e.text == "if") {
        const auto args = e.items.size() == 3 ? std::optional<int>(0) : std::nullopt;
        if (!args) {
            c_.diags.error(Code::TrialCall, e.span, "'if' takes 3 values: if(condition, a, b)");
            return std::nullopt;
        }
        const auto cond = compile(*e.items[0], place);
        const auto a = cond ? compile(*e.items[1], place) : std::nullopt;
        const auto b = a ? compile(*e.items[2], place) : std::nullopt;
        if (!b)
            return std::nullopt;
        if (width(*cond) != 1) {
            c_.diags.error(Code::TrialWidths, e.items[0]->span, "a condition is one number");
            return std::nullopt;
        }
        const auto w = joint_width(e, *a, *b);
        if (!w || !same_unit(e, *a, *b, "the two branches of 'if'"))
            return std::nullopt;
        stdlib::ParadigmNode node;
        node.op = Op::If;
        node.args = {*cond, *a, *b};
        node.width = *w;
        return add(std::move(node), {unit(*a), hull(bounds(*a), bounds(*b))});
    }
    return function(e, place);
}

std::optional<int> ParadigmCompiler::function(const Expr& e, TrialPlace place) {
    const auto& table = functions();
    const auto f = std::find_if(table.begin(), table.end(),
                                [&](const FunctionInfo& i) { return e.text == i.name; });
    if (f == table.end()) {
        c_.diags.error(Code::UnknownTrialName, e.span,
                       fmt::format("'{}' is not a function of a paradigm", e.text),
                       suggestion(e.text, paradigm_functions()));
        return std::nullopt;
    }
    const auto args = arguments(e, f->args, place, f->form);
    if (!args)
        return std::nullopt;
    stdlib::ParadigmNode n;
    n.op = f->op;
    n.args = *args;
    TrialUnit u = unit((*args)[0]);
    if ((f->op == Op::Exp || f->op == Op::Log || f->op == Op::Sqrt) && u != TrialUnit::Number) {
        c_.diags.error(Code::TrialUnits, e.span,
                       fmt::format("'{}' takes a plain number, not a duration", e.text));
        return std::nullopt;
    }
    if (f->args == 2 && !same_unit(e, (*args)[0], (*args)[1], "the values of the call"))
        return std::nullopt;
    if (f->op == Op::Sign)
        u = TrialUnit::Number;
    const Info info{u, f->args == 2 ? binary_bounds(f->op, bounds((*args)[0]), bounds((*args)[1]))
                                    : unary_bounds(f->op, bounds((*args)[0]))};
    return add(std::move(n), info);
}

std::optional<int> ParadigmCompiler::draw(const Expr& e, TrialPlace place) {
    if (place != TrialPlace::Variable) {
        c_.diags.error(Code::TrialCall, e.span,
                       fmt::format("'{}' draws a value: only a variable may draw", e.text),
                       "draw it in `variables` and use the variable here");
        return std::nullopt;
    }
    if (e.text == "choice")
        return choice(e);
    if (e.text == "bernoulli") {
        const auto args = arguments(e, 1, place, "bernoulli(p)");
        if (!args)
            return std::nullopt;
        stdlib::ParadigmNode n;
        n.op = Op::Bernoulli;
        n.args = *args;
        return add(std::move(n), {TrialUnit::Number, kFlag});
    }
    const bool uniform = e.text == "uniform";
    const auto args = arguments(e, 2, place, uniform ? "uniform(low, high)" : "normal(mean, sd)");
    if (!args || !same_unit(e, (*args)[0], (*args)[1], "the values of the draw"))
        return std::nullopt;
    stdlib::ParadigmNode n;
    n.op = uniform ? Op::Uniform : Op::Normal;
    n.args = *args;
    // uniform(a, b) is a when b <= a: the value lies between the two whatever their order.
    const TrialBounds b =
        uniform ? TrialBounds{std::min(bounds((*args)[0]).low, bounds((*args)[1]).low),
                              std::max(bounds((*args)[0]).high, bounds((*args)[1]).high), false}
                : TrialBounds{};
    return add(std::move(n), {unit((*args)[0]), b});
}

// choice([a, b, ...]) of constant numbers (durations too), or choice(lo..hi) of whole ones.
std::optional<int> ParadigmCompiler::choice(const Expr& e) {
    const Expr* arg = e.items.size() == 1 && e.arg_names[0].empty() ? e.items[0].get() : nullptr;
    std::vector<double> values;
    TrialUnit u = TrialUnit::Number;
    if (arg != nullptr && arg->kind == K::Range) {
        const auto lo = constant_number(*arg->items[0]);
        const auto hi = constant_number(*arg->items[1]);
        if (!lo || !hi || !whole(*lo) || !whole(*hi) || *hi < *lo || *hi - *lo >= 1e6) {
            c_.diags.error(Code::TrialCall, arg->span,
                           "choice(lo..hi) draws a whole number from lo to hi: two whole "
                           "numbers, lo <= hi, at most a million apart");
            return std::nullopt;
        }
        for (double v = *lo; v <= *hi; v += 1.0)
            values.push_back(v);
    } else if (arg != nullptr && arg->kind == K::List && !arg->items.empty()) {
        for (const auto& item : arg->items) {
            const auto v = literal(*item);
            if (!v) {
                if (item->kind != K::Number)
                    c_.diags.error(Code::TrialCall, item->span,
                                   "choice([...]) draws from numbers written out");
                return std::nullopt;
            }
            if (&item != &arg->items.front() && v->unit != u) {
                c_.diags.error(Code::TrialUnits, item->span,
                               "the values of a choice mix durations with plain numbers");
                return std::nullopt;
            }
            u = v->unit;
            values.push_back(v->value);
        }
    } else {
        c_.diags.error(Code::TrialCall, e.span,
                       "choice takes a list of numbers or a range: choice([0.1, 0.5]), "
                       "choice(1..4)");
        return std::nullopt;
    }
    TrialBounds b{*std::min_element(values.begin(), values.end()),
                  *std::max_element(values.begin(), values.end()), true};
    for (double v : values)
        b.whole = b.whole && whole(v);
    stdlib::ParadigmNode n;
    n.op = Op::Choice;
    n.values = std::move(values);
    return add(std::move(n), {u, b});
}

std::optional<int> ParadigmCompiler::arms(const Expr& e, TrialPlace place,
                                          std::vector<int>* noise) {
    stdlib::ParadigmNode n;
    n.op = Op::During;
    n.args.assign(period_names_.size(), -1);
    Info info{TrialUnit::Number, {kInf, -kInf, true}};
    arma::uword w = 1;
    int all_noise = -1;
    int first_arm = -1;  // the node of the first arm, whose unit every arm must share
    std::set<std::string> given;
    for (std::size_t i = 0; i < e.items.size(); ++i) {
        const std::string& period = e.arg_names[i];
        if (!period.empty() && !given.insert(period).second) {
            c_.diags.error(Code::GivenTwice, e.items[i]->span,
                           fmt::format("period '{}' is given twice in {}(...)", period, e.text));
            return std::nullopt;
        }
        const auto p = std::find(period_names_.begin(), period_names_.end(), period);
        if (period.empty() || (period != "all" && p == period_names_.end())) {
            std::vector<std::string> names = period_names_;
            names.emplace_back("all");
            c_.diags.error(Code::UnknownPeriod, e.items[i]->span,
                           period.empty()
                               ? fmt::format("{}(...) takes values by period: "
                                             "{}(PERIOD: value, all: value)",
                                             e.text, e.text)
                               : fmt::format("'{}' is not a period of the paradigm", period),
                           suggestion(period, names));
            return std::nullopt;
        }
        // A during arm's own noise: its last term, `value + noise(sd)`.
        const Expr* value = e.items[i].get();
        int arm_noise = -1;
        if (noise != nullptr && value->kind == K::Binary && value->text == "+"
            && value->items[1]->kind == K::Call && value->items[1]->text == "noise") {
            const auto sd = arguments(*value->items[1], 1, place, "noise(sd)");
            if (!sd)
                return std::nullopt;
            arm_noise = (*sd)[0];
            value = value->items[0].get();
        }
        const auto v = compile(*value, place);
        if (!v)
            return std::nullopt;
        if (w != 1 && width(*v) != 1 && width(*v) != w) {
            c_.diags.error(Code::TrialWidths, e.items[i]->span,
                           fmt::format("this value is {} wide, another arm {}", width(*v), w));
            return std::nullopt;
        }
        if (first_arm >= 0 && !same_unit(*e.items[i], first_arm, *v, "the arms of during"))
            return std::nullopt;
        first_arm = first_arm < 0 ? *v : first_arm;
        w = std::max(w, width(*v));
        info.unit = unit(*v);
        info.bounds = hull(info.bounds, bounds(*v));
        if (period == "all") {
            n.index = *v;
            all_noise = arm_noise;
        } else {
            const auto index = static_cast<std::size_t>(p - period_names_.begin());
            n.args[index] = *v;
            if (noise != nullptr)
                (*noise)[index] = arm_noise;
        }
    }
    if (noise != nullptr)
        for (std::size_t p = 0; p < n.args.size(); ++p)
            if (n.args[p] < 0)
                (*noise)[p] = all_noise;
    // A period without an arm (and no `all`) is 0.
    if (n.index < 0 && std::count(n.args.begin(), n.args.end(), -1) > 0)
        info.bounds = hull(info.bounds, {0.0, 0.0, true});
    n.width = w;
    return add(std::move(n), info);
}

}  // namespace rnn::interp::checker
