#include "interpreter/graph/node_keys.hpp"

#include <fmt/format.h>

namespace rnn::interp {

std::string params_text(const stdlib::Schema& schema, const stdlib::Params& p,
                        const std::string& files_key) {
    std::string out;
    for (const auto& [k, v] : p.values()) {
        const stdlib::ParamSpec* spec = schema.find(k);
        if (spec == nullptr || spec->type != stdlib::ParamType::File)
            out += fmt::format("{}={};", k, stdlib::format_value(v));
    }
    return out + (files_key.empty() ? "" : "files=" + files_key + ";");
}

namespace {

// Parameters without files (a network's), for a node key.
std::string plain_params_text(const stdlib::Params& p) {
    return params_text(stdlib::Schema{}, p, "");
}

std::string initializer_text(const rt::Initializer& i) {
    switch (i.kind) {
        case rt::InitKind::Normal:
            return fmt::format("normal({})", i.a);
        case rt::InitKind::Uniform:
            return fmt::format("uniform({}, {})", i.a, i.b);
        case rt::InitKind::Zeros:
            return "zeros";
        case rt::InitKind::Constant:
            return fmt::format("constant({})", i.a);
        case rt::InitKind::XavierUniform:
            return fmt::format("xavier_uniform({})", i.a);
        case rt::InitKind::XavierNormal:
            return fmt::format("xavier_normal({})", i.a);
        case rt::InitKind::Orthogonal:
            return fmt::format("orthogonal({})", i.a);
        case rt::InitKind::Identity:
            return fmt::format("identity({})", i.a);
        case rt::InitKind::FanInUniform:
            return "fan_in_uniform";
        case rt::InitKind::Bernoulli:
            return fmt::format("bernoulli({})", i.a);
    }
    return "?";
}

std::string loss_node_text(const LossNode& n) {
    using Kind = LossNode::Kind;
    switch (n.kind) {
        case Kind::Constant:
            return fmt::format("{}", n.value);
        case Kind::Add:
            return "(" + loss_node_text(n.children[0]) + " + " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Sub:
            return "(" + loss_node_text(n.children[0]) + " - " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Mul:
            return "(" + loss_node_text(n.children[0]) + " * " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Div:
            return "(" + loss_node_text(n.children[0]) + " / " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Neg:
            return "-" + loss_node_text(n.children[0]);
        case Kind::Reduce: {
            const std::string_view r = rt::time_reduction_name(n.reduction);
            return n.period.empty() ? fmt::format("{}({})", r, n.signal)
                                    : fmt::format("{}({}, during: {})", r, n.signal, n.period);
        }
        case Kind::FixedPoint:
            return fmt::format("fixed_point({}, {})", n.tensor, n.matrix);
        case Kind::L2:
            return fmt::format("l2({}{})", n.tensor, n.raw ? ".raw" : "");
        case Kind::L1:
            return fmt::format("l1({}{})", n.tensor, n.raw ? ".raw" : "");
        case Kind::RateL2:
            return "rate_l2";
        case Kind::MaskedMse:
            return fmt::format("masked_mse(mask:{},per:{})", n.mask, n.pooled ? "pooled" : "trial");
        case Kind::CrossEntropy:
            return fmt::format("cross_entropy(mask:{},ignore:{})", n.mask, n.ignore);
    }
    return "?";
}

}  // namespace

std::string network_text(const NetworkDef& n) {
    std::string out = fmt::format("kind={};{}", n.entry->name, plain_params_text(n.params));
    for (const auto& [name, t] : n.tensors)
        out += fmt::format(
            "{}:fixed={},symmetric={},dale={},no_self={},arrays={},init={},seed={},"
            "stream={};",
            name, t.constraint.fixed, t.constraint.symmetric, t.constraint.dale,
            t.constraint.no_self, t.arrays_key, t.init ? initializer_text(*t.init) : "default",
            t.pinned_seed ? fmt::format("{}", *t.pinned_seed) : "-", t.stream);
    return out;
}

std::string train_text(const TrainDef& t) {
    std::string out = fmt::format(
        "updater={};optimizer={}:lr:{},beta1:{},beta2:{},eps:{},wd:{},momentum:{},dampening:{},"
        "nesterov:{};clip_norm={};schedule={};epochs={};batch={};batches={};seed={};loss=",
        t.updater, rt::optimizer_name(t.optimizer.kind), t.optimizer.lr, t.optimizer.beta1,
        t.optimizer.beta2, t.optimizer.eps, t.optimizer.weight_decay, t.optimizer.momentum,
        t.optimizer.dampening, t.optimizer.nesterov, t.clip_norm, t.schedule, t.epochs, t.batch,
        t.batches, t.seed ? fmt::format("{}", *t.seed) : "script");
    for (const auto& term : t.loss)
        out += fmt::format("{}{};", term.sign < 0 ? "-" : "+", loss_node_text(term.node));
    if (t.stop) {
        out += "stop=";
        for (const auto& c : t.stop->all)
            out += fmt::format("{}{}{},", c.metric, comparison_text(c.op), c.threshold);
        out += fmt::format("for{};", t.stop->epochs);
    }
    out += fmt::format("validate={},{};on_nan={};", t.validate_every, t.validate_trials,
                       t.nan_ends_epoch ? "end_epoch" : "stop");
    if (t.curriculum)
        out += fmt::format("curriculum={},{},{},{},{};", t.curriculum->threshold,
                           t.curriculum->patience, t.curriculum->mix, t.curriculum->metric,
                           t.curriculum->mixed_replay ? "mixed" : "separate");
    return out;
}

std::string probe_text(const EvaluateDef& e) {
    std::string out;
    for (const auto& c : e.clamps)
        out += fmt::format(";clamp={},{},{}", c.channel, c.value, c.period);
    for (const auto& p : e.perturbs)
        out += fmt::format(";perturb={},{}", p.size, p.step);
    if (e.start)
        out += fmt::format(";start={}", *e.start);
    // Only the arrays asked for: the always-written ones come with the program version.
    std::string saved;
    for (const SavedArray a : e.arrays)
        if (!saved_array_info(a).always)
            saved += std::string(saved.empty() ? "" : ",") + std::string(saved_array_info(a).word);
    if (!saved.empty())
        out += ";save=" + saved;
    return out;
}

std::string args_text(const std::vector<ArgRef>& args, const stdlib::Schema& schema,
                      const stdlib::Params& options, const std::string& files_key) {
    std::string out;
    for (const auto& a : args) {
        out += a.label + ",";
        if (a.kind == ArgRef::Kind::Results) {  // which members, and the quantity chosen
            out += a.member + "(";
            for (const auto& m : a.members)
                out += m + " ";
            out += "),";
        }
        // The loop values members are drawn against and named by (curve, table, history):
        // renaming a loop variable changes the results.
        for (const auto& member : a.loops)
            out += "{" + stdlib::loop_values_text(member) + "}";
    }
    return out + ";" + params_text(schema, options, files_key);
}

}  // namespace rnn::interp
