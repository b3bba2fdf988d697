#include "interpreter/check/loss.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/network.hpp"
#include "runtime/cell_traits.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

// `net.TENSOR` or `net.TENSOR.raw` inside a loss: the tensor name.
std::optional<std::pair<std::string, bool>> loss_tensor(Context& c, const Expr& e,
                                                        const LossScope& sc) {
    const auto parts = split_dots(dotted(e));
    const std::vector<std::string> tensors = tensor_names(*sc.net);
    if (parts.size() >= 2 && parts[0] == sc.net_name) {
        const bool raw = parts.size() == 3 && parts[2] == "raw";
        if (parts.size() == 2 || raw) {
            for (const auto& t : tensors)
                if (t == parts[1])
                    return std::make_pair(t, raw);
            c.diags.error(Code::UnknownTensor, e.span,
                          fmt::format("the network '{}' has no tensor '{}'", sc.net_name, parts[1]),
                          suggestion(parts[1], tensors));
            return std::nullopt;
        }
    }
    c.diags.error(Code::ExpectedTensor, e.span,
                  fmt::format("expected a tensor of the trained network, such as {}.{}",
                              sc.net_name, tensors.empty() ? "W" : tensors.front()),
                  parts.size() == 1 && !parts[0].empty()
                      ? fmt::format("write {}.{}", sc.net_name, parts[0])
                  : parts.size() >= 1 && !parts[0].empty() && parts[0] != sc.net_name
                      ? fmt::format("this training trains '{}'", sc.net_name)
                      : std::string());
    return std::nullopt;
}

// `mean(SIGNAL, during: PERIOD)` (max, min, sum), or over the whole trial `mean(SIGNAL)`.
std::optional<LossNode> reduction_call(Context& c, const Expr& e, const LossScope& sc, LossNode n) {
    const bool whole_trial = e.items.size() == 1 && e.arg_names[0].empty();
    if (!whole_trial
        && (e.items.size() != 2 || !e.arg_names[0].empty() || e.arg_names[1] != "during")) {
        c.diags.error(Code::CallForm, e.span,
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
        c.diags.error(Code::UnknownSignal, sig.span,
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
        c.diags.error(Code::UnknownPeriod, per.span,
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

// The readout of an output loss must have the width of the task's targets.
bool readout_fits(Context& c, const Expr& e, const LossScope& sc) {
    const long want =
        sc.task->entry->output_size ? sc.task->entry->output_size(sc.task->params) : 0;
    const long have = sc.net->params.has("outputs") ? sc.net->params.integer("outputs") : 0;
    if (want == 0) {
        c.diags.error(Code::OutputsMismatch, e.span,
                      fmt::format("the task '{}' has no targets for a readout", sc.task_name),
                      "its loss is written over its signals, e.g. mean(SIGNAL, during: P)");
        return false;
    }
    if (have != want) {
        auto& err = c.diags.error(
            Code::OutputsMismatch, e.span,
            fmt::format("the network '{}' has {} outputs, the targets of '{}' need {}", sc.net_name,
                        have, sc.task_name, want),
            fmt::format("set 'outputs = {}' in the network", want));
        err.notes.emplace_back(sc.net->span, "the network is defined here");
        return false;
    }
    return true;
}

// `masked_mse(output, target, mask: M [, per: trial | pooled])` and
// `cross_entropy(logits, target [, mask: M] [, ignore: -1])`.
std::optional<LossNode> output_loss_call(Context& c, const Expr& e, const LossScope& sc,
                                         LossNode n) {
    const bool mse = e.text == "masked_mse";
    const char* form = mse ? "write masked_mse(output, target, mask: MASK), optionally "
                             "with per: pooled"
                           : "write cross_entropy(logits, target), optionally with "
                             "mask: MASK and ignore: -1";
    const char* first = mse ? "output" : "logits";
    if (e.items.size() < 2 || !e.arg_names[0].empty() || !e.arg_names[1].empty()
        || e.items[0]->kind != K::Name || e.items[0]->text != first || e.items[1]->kind != K::Name
        || e.items[1]->text != "target") {
        c.diags.error(Code::CallForm, e.span, form);
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
            if (a.kind != K::Name || std::find(masks.begin(), masks.end(), a.text) == masks.end()) {
                c.diags.error(Code::UnknownMask, a.span,
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
                c.diags.error(Code::CallForm, a.span,
                              "'per' is 'trial' (the mean of per-trial means, seed 002) or "
                              "'pooled' (one mean over all masked steps)");
                ok = false;
            }
        } else if (!mse && name == "ignore") {
            if (const auto x = constant_number(a))
                n.ignore = *x;
            else {
                c.diags.error(Code::CallForm, a.span, "'ignore' is a number, e.g. ignore: -1");
                ok = false;
            }
        } else {
            c.diags.error(Code::CallForm, a.span, form);
            ok = false;
        }
    }
    if (mse && n.mask.empty() && ok) {
        c.diags.error(Code::CallForm, e.span, form,
                      masks.empty() ? std::string()
                                    : fmt::format("the task '{}' has the masks {}", sc.task_name,
                                                  fmt::join(masks, ", ")));
        ok = false;
    }
    if (!ok || !readout_fits(c, e, sc))
        return std::nullopt;
    return n;
}

// `fixed_point(NETWORK.W_self, TASK.current_pattern)`: the patterns as fixed points of
// the rnn kind's map.
std::optional<LossNode> fixed_point_call(Context& c, const Expr& e, const LossScope& sc,
                                         LossNode n) {
    if (e.items.size() != 2 || !e.arg_names[0].empty() || !e.arg_names[1].empty()) {
        c.diags.error(Code::CallForm, e.span,
                      "write fixed_point(NETWORK.W_self, TASK.current_pattern)");
        return std::nullopt;
    }
    const auto t = loss_tensor(c, *e.items[0], sc);
    if (!t)
        return std::nullopt;
    if (sc.net->entry->kind != rt::CellKind::Rnn) {
        c.diags.error(Code::FixedPointTensor, e.span,
                      fmt::format("fixed_point is defined for the 'rnn' kind, whose fixed "
                                  "points are phi(W_self m) = m; '{}' is a '{}'",
                                  sc.net_name, sc.net->entry->name));
        return std::nullopt;
    }
    if (t->first != rt::tensor_name(sc.net->entry->kind, rt::TensorRole::Recurrent) || t->second) {
        c.diags.error(Code::FixedPointTensor, e.items[0]->span,
                      "fixed_point needs the effective recurrent matrix, e.g. hop.W_self");
        return std::nullopt;
    }
    const auto parts = split_dots(dotted(*e.items[1]));
    std::vector<std::string> matrices;
    for (const auto& m : sc.task->entry->matrices)
        matrices.push_back(m.name);
    if (parts.size() != 2 || parts[0] != sc.task_name
        || std::find(matrices.begin(), matrices.end(), parts[1]) == matrices.end()) {
        c.diags.error(
            Code::FixedPointPatterns, e.items[1]->span,
            fmt::format("expected patterns of the task, such as {}.current_pattern", sc.task_name),
            parts.size() == 2 ? suggestion(parts[1], matrices) : std::string());
        return std::nullopt;
    }
    n.kind = LossNode::Kind::FixedPoint;
    n.tensor = t->first;
    n.matrix = parts[1];
    return n;
}

std::optional<LossNode> loss_call(Context& c, const Expr& e, const LossScope& sc) {
    LossNode n;
    n.span = e.span;
    const std::vector<std::string> calls = {"mean",        "max",          "min", "sum",
                                            "fixed_point", "l2",           "l1",  "rate_l2",
                                            "masked_mse",  "cross_entropy"};
    if (const auto r = rt::time_reduction_from_name(e.text)) {
        n.kind = LossNode::Kind::Reduce;
        n.reduction = *r;
        return reduction_call(c, e, sc, std::move(n));
    }
    if (e.text == "masked_mse" || e.text == "cross_entropy")
        return output_loss_call(c, e, sc, std::move(n));
    if (e.text == "rate_l2") {
        if (e.items.size() != 1 || !e.arg_names[0].empty() || e.items[0]->kind != K::Name
            || e.items[0]->text != "rates") {
            c.diags.error(Code::CallForm, e.span,
                          "write rate_l2(rates): the mean squared rate of the network being "
                          "trained");
            return std::nullopt;
        }
        n.kind = LossNode::Kind::RateL2;
        return n;
    }
    if (e.text == "l2" || e.text == "l1") {
        if (e.items.size() != 1 || !e.arg_names[0].empty()) {
            c.diags.error(Code::CallForm, e.span, fmt::format("write {}(NETWORK.TENSOR)", e.text));
            return std::nullopt;
        }
        const auto t = loss_tensor(c, *e.items[0], sc);
        if (!t)
            return std::nullopt;
        n.kind = e.text == "l2" ? LossNode::Kind::L2 : LossNode::Kind::L1;
        n.tensor = t->first;
        n.raw = t->second;
        return n;
    }
    if (e.text == "fixed_point")
        return fixed_point_call(c, e, sc, std::move(n));
    c.diags.error(Code::UnknownLossFunction, e.span,
                  fmt::format("unknown loss function '{}'", e.text), suggestion(e.text, calls));
    return std::nullopt;
}

// The history name of a term: its first reduction or call, e.g. mean_overlap_retain.
std::string term_label(const LossNode& x) {
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
            for (const auto& child : x.children)
                if (auto l = term_label(child); !l.empty())
                    return l;
            return {};
    }
}

}  // namespace

std::optional<LossNode> loss_node(Context& c, const Expr& e, const LossScope& sc) {
    LossNode n;
    n.span = e.span;
    if (const auto v = constant_number(e)) {
        n.kind = LossNode::Kind::Constant;
        n.value = *v;
        return n;
    }
    if (e.kind == K::Unary && e.text == "-") {
        auto child = loss_node(c, *e.items[0], sc);
        if (!child)
            return std::nullopt;
        n.kind = LossNode::Kind::Neg;
        n.children.push_back(std::move(*child));
        return n;
    }
    if (e.kind == K::Binary && (e.text == "+" || e.text == "-" || e.text == "*" || e.text == "/")) {
        auto a = loss_node(c, *e.items[0], sc);
        auto b = loss_node(c, *e.items[1], sc);
        if (!a || !b)
            return std::nullopt;
        n.kind = e.text == "+"   ? LossNode::Kind::Add
                 : e.text == "-" ? LossNode::Kind::Sub
                 : e.text == "*" ? LossNode::Kind::Mul
                                 : LossNode::Kind::Div;
        if (n.kind == LossNode::Kind::Div && b->kind != LossNode::Kind::Constant) {
            c.diags.error(Code::LossDivision, e.items[1]->span,
                          "a loss can only be divided by a constant number");
            return std::nullopt;
        }
        if (n.kind == LossNode::Kind::Div && b->value == 0.0) {
            c.diags.error(Code::DivisionByZero, e.items[1]->span, "division by zero");
            return std::nullopt;
        }
        n.children.push_back(std::move(*a));
        n.children.push_back(std::move(*b));
        return n;
    }
    if (e.kind == K::Call)
        return loss_call(c, e, sc);
    if (e.kind == K::Name) {
        for (const auto& sig : sc.task->entry->signals)
            if (sig.name == e.text) {
                c.diags.error(
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
    c.diags.error(Code::NotALossTerm, e.span,
                  fmt::format("expected a loss term (a number, a reduction of a signal, "
                              "fixed_point(...), l2(...), l1(...), rate_l2(...)), found {}",
                              kind_words(e)));
    return std::nullopt;
}

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
    std::string base = "loss_" + (term_label(n).empty() ? std::string("constant") : term_label(n));
    std::string name = base;
    for (int k = 2;
         std::any_of(out.begin(), out.end(), [&](const LossTerm& o) { return o.name == name; });
         ++k)
        name = fmt::format("{}_{}", base, k);
    t.name = name;
    out.push_back(std::move(t));
}

std::optional<StopRule> stop_rule(Context& c, const Expr& e, const TaskDef& task) {
    StopRule rule;
    const Expr* cond = &e;
    if (e.kind == K::Sustained) {
        const Expr& n = *e.items[1];
        if (n.kind != K::Number || (n.unit != "epochs" && !n.unit.empty()) || n.number < 1
            || n.number != std::floor(n.number)) {
            c.diags.error(Code::StopEpochs, n.span,
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
    std::function<bool(const Expr&)> collect = [&](const Expr& x) {
        if (x.kind == K::Binary && x.text == "and")
            return collect(*x.items[0]) && collect(*x.items[1]);
        const auto op = x.kind == K::Binary ? comparison_op(x.text) : std::nullopt;
        if (op) {
            const Expr& lhs = *x.items[0];
            const auto rhs = constant_number(*x.items[1]);
            if (lhs.kind != K::Name
                || std::find(metrics.begin(), metrics.end(), lhs.text) == metrics.end()) {
                c.diags.error(
                    Code::StopMetric, lhs.span,
                    fmt::format("expected a metric of the task '{}', 'loss' or 'epoch'", task.name),
                    suggestion(lhs.kind == K::Name ? lhs.text : "", metrics));
                return false;
            }
            if (!rhs) {
                c.diags.error(Code::StopThreshold, x.items[1]->span,
                              "expected a number to compare the metric with");
                return false;
            }
            rule.all.push_back({lhs.text, *op, *rhs});
            return true;
        }
        c.diags.error(
            Code::StopCondition, x.span,
            "expected a condition such as 'retention >= 0.99', joined with 'and'",
            x.kind == K::Binary && x.text == "or" ? "'or' is not supported in stop_when" : "");
        return false;
    };
    if (!collect(*cond))
        return std::nullopt;
    return rule;
}

}  // namespace rnn::interp::checker
