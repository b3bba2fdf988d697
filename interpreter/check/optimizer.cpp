#include "interpreter/check/optimizer.hpp"

#include <map>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/value.hpp"

namespace rnn::interp::checker {

using ast::Expr;
using K = ast::Expr::Kind;

std::optional<CurriculumDef> curriculum(Context& c, const Expr& v, const TaskDef& task) {
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
    const std::size_t errors = c.diags.error_count();
    const stdlib::Params p = v.kind == K::BlockCall
                                 ? fields(c, v.fields, schema, "curriculum", {}, v.span)
                                 : stdlib::with_defaults(schema, {});
    if (c.diags.error_count() > errors)
        return std::nullopt;
    CurriculumDef out;
    out.threshold = p.real("threshold");
    out.patience = p.integer("patience");
    out.mix = p.real("mix");
    out.metric = p.text("metric");
    out.mixed_replay = p.text("replay") == "mixed";
    return out;
}

namespace {

// Adam and AdamW share their parameters; they differ in how weight decay acts.
stdlib::Schema adam_schema(double weight_decay, const char* weight_decay_doc) {
    using T = stdlib::ParamType;
    using stdlib::Value;
    return {{{"lr", T::Real, Value{1e-3}, 0.0, 10.0, "", "learning rate"},
             {"beta1", T::Real, Value{0.9}, 0.0, 0.999999, "", "first-moment decay"},
             {"beta2", T::Real, Value{0.999}, 0.0, 0.99999999, "", "second-moment decay"},
             {"eps", T::Real, Value{1e-8}, 0.0, 1.0, "", "added to the root of the second moment"},
             {"weight_decay", T::Real, Value{weight_decay}, 0.0, 10.0, "", weight_decay_doc}}};
}

}  // namespace

void optimizer(Context& c, const Expr& v, rt::OptimizerConfig& out) {
    using T = stdlib::ParamType;
    using stdlib::Value;
    static const std::map<std::string, std::pair<rt::OptimizerKind, stdlib::Schema>> kinds = {
        {"adam",
         {rt::OptimizerKind::Adam,
          adam_schema(0.0, "L2 coupled into the gradient, as PyTorch's Adam")}},
        {"adamw",
         {rt::OptimizerKind::AdamW,
          adam_schema(1e-2,
                      "decoupled: p <- p (1 - lr weight_decay) before the step, as PyTorch's "
                      "AdamW")}},
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
        c.diags.error(Code::UnknownOptimizer, v.span,
                      "an optimizer is configured with a block, not a call",
                      fmt::format("write '{} {{ lr = 0.001 }}'", name));
        return;
    }
    if (it == kinds.end()) {
        c.diags.error(Code::UnknownOptimizer, v.span,
                      fmt::format("expected an optimizer such as 'adam {{ lr = 0.001 }}', found {}",
                                  kind_words(v)),
                      suggestion(name, names));
        return;
    }
    const std::size_t errors = c.diags.error_count();
    const stdlib::Params p = fields(c, v.fields, it->second.second, name, {}, v.span);
    if (c.diags.error_count() > errors)
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
            c.diags.error(Code::OutOfRange, v.span,
                          "Nesterov momentum needs momentum > 0 and dampening = 0 (as in PyTorch)");
    } else {
        out.beta1 = p.real("beta1");
        out.beta2 = p.real("beta2");
        out.eps = p.real("eps");
    }
}

}  // namespace rnn::interp::checker
