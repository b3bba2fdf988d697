// The initial network and the task of a definition, drawn from the streams named by entity
// path (docs/architecture.md).
#include "interpreter/training/build.hpp"

#include <fmt/format.h>

#include "interpreter/training.hpp"
#include "runtime/random.hpp"

namespace rnn::interp {

std::uint64_t training_seed(const Program& program, const TrainDef& def) {
    return def.seed.value_or(program.seed);
}

std::uint64_t task_setup_key(const Program& program, const std::string& task_name) {
    return rt::stream_key(program.seed, "task " + task_name + " / setup");
}

std::unique_ptr<stdlib::TaskInstance> make_task(const Program& program, const TaskDef& def) {
    rt::RandomStream setup(task_setup_key(program, def.data_origin));
    return def.entry->make(def.params, setup);
}

namespace {

// The plastic network's options from its checked parameters (docs/learning_rules.md).
rt::PlasticOptions plastic_options(const stdlib::Params& p) {
    using O = rt::PlasticOptions;
    O o;
    o.residual = p.flag("residual");
    o.recurrence = p.flag("recurrence");
    const std::string normalize = p.text("normalize");
    o.normalize = normalize == "all"       ? O::Normalize::All
                  : normalize == "weights" ? O::Normalize::Weights
                                           : O::Normalize::None;
    o.self_grad = p.real("self_grad");
    o.update_clip = p.real("update_clip");
    o.weight_clip = p.real("weight_clip");
    o.plastic_rate = p.real("plastic_rate");
    o.forget_rate = p.real("forget_rate");
    o.forget_order =
        p.text("forget_order") == "after" ? O::ForgetOrder::After : O::ForgetOrder::Before;
    o.dfa_hidden_head = p.text("dfa_hidden_head") == "trained" ? O::DfaHiddenHead::Trained
                                                               : O::DfaHiddenHead::Frozen;
    o.backprop_plasticity = p.text("backprop_plasticity") == "once" ? O::BackpropPlasticity::Once
                                                                    : O::BackpropPlasticity::Twice;
    o.dfa_derivative =
        p.text("dfa_derivative") == "used" ? O::DfaDerivative::Used : O::DfaDerivative::Ignored;
    return o;
}

}  // namespace

rt::Network<float> build_network(const NetworkDef& def, arma::uword inputs, std::uint64_t seed) {
    const rt::NetworkShape shape = stdlib::network_shape(*def.entry, def.params, inputs);
    // The script's lines for a tensor: its own, or its family's (the plastic network's
    // C.1, C.2, ... are the family C).
    auto tensor_def = [&](const std::string& name) -> const TensorDef* {
        auto it = def.tensors.find(name);
        if (it == def.tensors.end())
            it = def.tensors.find(name.substr(0, name.find('.')));
        return it == def.tensors.end() ? nullptr : &it->second;
    };
    auto stream_for = [&](const std::string& name) {
        const TensorDef* t = tensor_def(name);
        const std::string path = fmt::format("network {} / {}", def.name, name);
        if (t && t->pinned_seed)
            return rt::RandomStream(rt::stream_key(*t->pinned_seed, path));
        if (t && !t->stream.empty())  // a shared stream, re-seeded for every tensor (seed 002)
            return rt::RandomStream(rt::stream_key(seed, "stream " + t->stream));
        return rt::RandomStream(rt::stream_key(seed, path));
    };
    rt::Network<float> net = rt::default_network<float>(shape, stream_for);
    if (def.params.has("activation"))
        net.activation = *rt::activation_from_name(def.params.text("activation"));
    if (shape.kind == rt::CellKind::Ctrnn) {
        net.alpha = def.params.real("dt") / def.params.real("tau");
        net.gain = def.params.real("gain");
    }
    if (def.params.has("noise"))
        net.noise = def.params.real("noise");
    if (shape.kind == rt::CellKind::Plastic)
        net.plastic = plastic_options(def.params);
    for (auto& p : net.params) {
        const TensorDef* found = tensor_def(p.name);
        if (found == nullptr)
            continue;
        const TensorDef& t = *found;
        const arma::uword rows = p.raw.n_rows, cols = p.raw.n_cols;
        if (t.init_values) {
            if (t.init_values->n_rows != rows || t.init_values->n_cols != cols)
                throw RuntimeFailure(fmt::format(
                    "network '{}': the array loaded for {} is {}x{}, the tensor is {}x{}", def.name,
                    p.name, t.init_values->n_rows, t.init_values->n_cols, rows, cols));
            p.raw = arma::conv_to<arma::fmat>::from(*t.init_values);
        } else if (t.init) {
            rt::RandomStream stream = stream_for(p.name);
            rt::initialize(p.raw, *t.init, stream);
        }
        if (!t.constraint.mask.empty()
            && (t.constraint.mask.n_rows != rows || t.constraint.mask.n_cols != cols))
            throw RuntimeFailure(fmt::format(
                "network '{}': the mask of {} is {}x{}, the tensor is {}x{}", def.name, p.name,
                t.constraint.mask.n_rows, t.constraint.mask.n_cols, rows, cols));
        p.constraint = t.constraint;
    }
    return net;
}

}  // namespace rnn::interp
