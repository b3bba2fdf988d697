#include "interpreter/check/updater.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "runtime/cell_traits.hpp"

namespace rnn::interp::checker {

using K = ast::Expr::Kind;

void updater_value(Context& c, const ast::Expr& v, TrainDef& t) {
    const std::vector<std::string> updaters = {"bptt", "backprop", "dfa", "hebbian"};
    const bool named = v.kind == K::Name || v.kind == K::Call;
    const bool known =
        named && std::find(updaters.begin(), updaters.end(), v.text) != updaters.end();
    if (!known) {
        c.diags.error(Code::UnknownUpdater, v.span,
                      named ? fmt::format("'{}' is not an updater", v.text)
                            : fmt::format("expected an updater, found {}", kind_words(v)),
                      suggestion(named ? v.text : "", updaters));
        return;
    }
    if (v.text == "hebbian") {
        c.diags.error(Code::NotImplemented, v.span,
                      "the 'hebbian' updater is not implemented yet in this version",
                      "fast Hebbian weights are the 'plastic' network kind, trained by dfa, "
                      "backprop or bptt");
        return;
    }
    if (v.kind == K::Call) {
        const bool form = v.text == "bptt" && v.items.size() == 1 && v.arg_names[0] == "truncate";
        const auto k = form ? constant_number(*v.items[0]) : std::nullopt;
        if (!form) {
            c.diags.error(Code::UpdaterOption, v.span,
                          v.text == "bptt" ? "bptt takes one option: bptt(truncate: STEPS)"
                                           : fmt::format("'{}' takes no options", v.text),
                          v.text == "bptt" ? "e.g. bptt(truncate: 50)"
                                           : fmt::format("write updater = {}", v.text));
            return;
        }
        if (!k || *k < 1 || *k != std::floor(*k) || *k > 1e9) {
            c.diags.error(Code::UpdaterOption, v.items[0]->span,
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

namespace {

// What a rule that updates raw weights step by step (backprop, dfa) cannot train.
void online_fits(Context& c, const std::string& who, const NetworkDef& net, ast::Span at) {
    for (const auto& [name, tensor] : net.tensors)
        if (tensor.constraint.any())
            c.diags.error(Code::UpdaterNetwork, at,
                          fmt::format("{} updates raw weights step by step and keeps no "
                                      "constraint: the tensor '{}' of '{}' is constrained",
                                      who, name, net.name),
                          "train it with bptt, or drop the constraint");
    if (net.params.has("noise") && net.params.real("noise") > 0.0)
        c.diags.error(Code::UpdaterNetwork, at,
                      fmt::format("{} runs without state noise, and '{}' has noise = {}", who,
                                  net.name, net.params.real("noise")),
                      "train it with bptt, or set noise = 0");
    if (net.params.has("outputs") && net.params.integer("outputs") == 0)
        c.diags.error(Code::UpdaterNetwork, at,
                      fmt::format("{} learns from the readout's error, and '{}' has no readout",
                                  who, net.name),
                      "set outputs to the size of the task's targets");
}

}  // namespace

void updater_fits(Context& c, const TrainDef& t, const NetworkDef& net, ast::Span at,
                  ast::Span loss_at, bool clip_given) {
    const rt::CellTraits& traits = rt::cell_traits(net.entry->kind);
    // A kind without a fused unroll (the plastic network) runs its own learner under every
    // updater, with its own rules below.
    const bool plastic = !traits.fused;
    const std::string who = fmt::format("the '{}' updater", t.updater);
    if (t.rule == rt::UpdateRule::Dfa && !rt::supports(traits, t.rule))
        c.diags.error(Code::UpdaterNetwork, at,
                      fmt::format("dfa cannot train the {} network '{}': it sends the output "
                                  "error to each layer through a fixed random matrix, and the "
                                  "gates of a {} are not layers it can reach",
                                  net.entry->name, net.name, net.entry->name),
                      "use an rnn, ctrnn or plastic network, or updater = backprop");
    if (!rt::supports(traits, rt::UpdateRule::Bptt, t.truncate > 0))
        c.diags.error(Code::UpdaterNetwork, at,
                      fmt::format("the plastic network '{}' has no truncated bptt: its fast "
                                  "weights change once per sequence under bptt",
                                  net.name),
                      "write updater = bptt");
    if (!rt::learns_online(traits, t.rule))
        return;
    const std::string learner = plastic ? fmt::format("the plastic network '{}'", net.name) : who;
    const bool one_output_loss = t.loss.size() == 1 && t.loss[0].sign > 0
                                 && (t.loss[0].node.kind == LossNode::Kind::CrossEntropy
                                     || t.loss[0].node.kind == LossNode::Kind::MaskedMse);
    if (!t.loss.empty() && !one_output_loss)
        c.diags.error(Code::OnlineLoss, loss_at,
                      fmt::format("{} learns from each step's output error, so the loss must be "
                                  "one cross_entropy(...) or masked_mse(...) term",
                                  learner),
                      "e.g. loss = cross_entropy(logits, target, ignore: -1)");
    if (!plastic) {
        online_fits(c, who, net, at);
        return;
    }
    const auto& o = t.optimizer;
    if (o.kind != rt::OptimizerKind::Sgd || o.momentum != 0.0 || o.weight_decay != 0.0)
        c.diags.error(Code::UpdaterNetwork, at,
                      fmt::format("{} updates its weights by the seed's plain rule "
                                  "C <- C + lr U: the optimizer must be sgd without momentum "
                                  "or weight decay",
                                  learner),
                      "write optimizer = sgd { lr = 1e-4 }");
    if (clip_given)
        c.diags.error(Code::UpdaterNetwork, at, fmt::format("{} clips its updates itself", learner),
                      "use the network's update_clip and weight_clip instead of clip_norm");
}

}  // namespace rnn::interp::checker
