#include "stdlib/network.hpp"

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

// The options every kind shares, in the order the docs list them.
std::vector<ParamSpec> common_params(bool bias_default, bool readout_bias_default) {
    return {
        {"units", ParamType::Integer, std::nullopt, 1.0, 100000.0, "units",
         "number of recurrent units"},
        {"inputs", ParamType::Integer, Value{0.0}, 0.0, 100000.0, "",
         "input size; 0 takes it from the task the network is trained on"},
        {"outputs", ParamType::Integer, Value{0.0}, 0.0, 100000.0, "",
         "size of the linear readout of the rates; 0: no readout"},
        {"bias", ParamType::Bool, Value{bias_default}, std::nullopt, std::nullopt, "",
         "whether the recurrent update has trainable biases"},
        {"readout_bias", ParamType::Bool, Value{readout_bias_default}, std::nullopt, std::nullopt,
         "", "whether the readout has a bias b_out (with outputs > 0)"},
        {"noise", ParamType::Real, Value{0.0}, 0.0, 1e6, "",
         "standard deviation of Gaussian noise added to the state after each update while "
         "training (it feeds the recurrence; evaluation runs without it)"},
    };
}

ParamSpec activation_param() {
    return {"activation",
            ParamType::Choice,
            Value{std::string("tanh")},
            std::nullopt,
            std::nullopt,
            "",
            "the nonlinearity phi",
            {"tanh", "relu", "linear", "sigmoid", "softplus"}};
}

const std::string kUniform = "init uniform(-1/sqrt(units), 1/sqrt(units))";

std::vector<TensorSpec> readout_and_state(const rt::CellTraits& traits) {
    std::vector<TensorSpec> t;
    if (traits.readout_transposed)
        t.push_back({"w", "units x outputs", "init normal(1/sqrt(units))",
                     "readout weights, y_t = w^T phi(h_t) (only when outputs > 0)"});
    else
        t.push_back({"W_out", "outputs x units", kUniform,
                     "readout weights, y_t = W_out h_t + b_out (only when outputs > 0)"});
    t.push_back({"b_out", "outputs x 1", kUniform,
                 "readout bias (only when outputs > 0 and readout_bias = true)"});
    t.push_back({"h0", "units x 1", "fixed, init zeros",
                 "initial state of every trial; `h0 : trainable` learns it"});
    return t;
}

// An entry of this kind, named as the traits table names it.
NetworkEntry entry_of(rt::CellKind kind) {
    NetworkEntry e;
    e.name = std::string(rt::cell_kind_name(kind));
    e.kind = kind;
    return e;
}

}  // namespace

const NetworkEntry& rnn_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e = entry_of(rt::CellKind::Rnn);
        e.doc = "Discrete-time recurrent network; its rates are its states.";
        e.equation =
            "h_t = phi(W_self h_{t-1} + W_input x_t + b) (+ noise),  y_t = W_out h_t + b_out";
        e.schema.params = common_params(true, true);
        e.schema.params.insert(e.schema.params.begin() + 3, activation_param());
        e.tensors = {
            {"W_self", "units x units", kUniform, "recurrent weights"},
            {"W_input", "units x inputs", kUniform, "input weights"},
            {"b", "units x 1", "init zeros", "bias (only when bias = true)"},
        };
        for (auto& t : readout_and_state(rt::cell_traits(e.kind)))
            e.tensors.push_back(std::move(t));
        return e;
    }();
    return entry;
}

const NetworkEntry& gru_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e = entry_of(rt::CellKind::Gru);
        e.doc =
            "Gated recurrent unit with PyTorch's gate conventions and default initialisation "
            "(torch.nn.GRU); gate rows are ordered r, z, n.";
        e.equation =
            "r = sig(W_ir x + b_ir + W_hr h + b_hr), z = sig(W_iz x + b_iz + W_hz h + "
            "b_hz), n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + "
            "z * h";
        e.schema.params = common_params(true, true);
        e.tensors = {
            {"W_self", "3 units x units", kUniform, "recurrent weights [W_hr; W_hz; W_hn]"},
            {"W_input", "3 units x inputs", kUniform, "input weights [W_ir; W_iz; W_in]"},
            {"b_self", "3 units x 1", kUniform, "recurrent biases (only when bias = true)"},
            {"b_input", "3 units x 1", kUniform, "input biases (only when bias = true)"},
        };
        for (auto& t : readout_and_state(rt::cell_traits(e.kind)))
            e.tensors.push_back(std::move(t));
        return e;
    }();
    return entry;
}

const NetworkEntry& lstm_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e = entry_of(rt::CellKind::Lstm);
        e.doc =
            "Long short-term memory with PyTorch's gate conventions and default "
            "initialisation (torch.nn.LSTM); gate rows are ordered i, f, g, o. Its states "
            "are h (the cell state c is internal).";
        e.equation =
            "i, f, o = sig(W_i* x + b_i* + W_h* h + b_h*), g = tanh(W_ig x + b_ig + W_hg "
            "h + b_hg), c' = f * c + i * g, h' = o * tanh(c')";
        e.schema.params = common_params(true, true);
        e.tensors = {
            {"W_self", "4 units x units", kUniform, "recurrent weights [W_hi; W_hf; W_hg; W_ho]"},
            {"W_input", "4 units x inputs", kUniform, "input weights [W_ii; W_if; W_ig; W_io]"},
            {"b_self", "4 units x 1", kUniform, "recurrent biases (only when bias = true)"},
            {"b_input", "4 units x 1", kUniform, "input biases (only when bias = true)"},
        };
        for (auto& t : readout_and_state(rt::cell_traits(e.kind)))
            e.tensors.push_back(std::move(t));
        e.tensors.push_back({"c0", "units x 1", "fixed, init zeros",
                             "initial cell state; `c0 : trainable` learns it"});
        return e;
    }();
    return entry;
}

const NetworkEntry& ctrnn_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e = entry_of(rt::CellKind::Ctrnn);
        e.doc =
            "Continuous-time rate network integrated by explicit Euler (seed 002's System "
            "A); the readout reads the rates after each update.";
        e.equation =
            "h_t = h_{t-1} + (dt/tau)(-h_{t-1} + gain G phi(h_{t-1}) + I x_t + b),  "
            "y_t = w^T phi(h_t)";
        e.schema.params = common_params(false, false);
        e.schema.params.insert(e.schema.params.begin() + 3, activation_param());
        e.schema.params.insert(e.schema.params.begin() + 4,
                               {"dt", ParamType::Time, Value{1.0}, 1e-6, 1e9, "ms",
                                "integration step; times of the network's tasks convert through "
                                "it"});
        e.schema.params.insert(e.schema.params.begin() + 5,
                               {"tau", ParamType::Time, Value{100.0}, 1e-6, 1e9, "ms",
                                "time constant; the update uses dt / tau"});
        e.schema.params.insert(e.schema.params.begin() + 6,
                               {"gain", ParamType::Real, Value{1.0}, 0.0, 1e6, "",
                                "g, multiplies the recurrent term G phi(h)"});
        e.tensors = {
            {"G", "units x units", "init normal(1/sqrt(units))", "recurrent weights"},
            {"I", "units x inputs", "init normal(1)", "input weights"},
            {"b", "units x 1", "init zeros", "bias (only when bias = true)"},
        };
        for (auto& t : readout_and_state(rt::cell_traits(e.kind)))
            e.tensors.push_back(std::move(t));
        return e;
    }();
    return entry;
}

const NetworkEntry& plastic_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e = entry_of(rt::CellKind::Plastic);
        e.doc =
            "Seed 001's network with fast weights (EtherealRNN): GELU layers over [x, h] "
            "whose weights C are copied per trial, wiped at each sequence and changed at "
            "every step, a tanh hidden head and an output head (docs/learning_rules.md).";
        e.equation =
            "z = [x_t, h_{t-1}], z <- GELU(C_k z + bias_k) for k = 1..layers, h_t = "
            "tanh(C_i2h z + bias_i2h), y_t = C_i2o z + bias_i2o";
        using T = ParamType;
        auto choice = [](const char* name, const char* def, std::vector<std::string> options,
                         const char* doc) {
            return ParamSpec{name, T::Choice, Value{std::string(def)}, std::nullopt, std::nullopt,
                             "",   doc,       std::move(options)};
        };
        e.schema.params = {
            {"units", T::Integer, std::nullopt, 1.0, 100000.0, "units",
             "size H of the hidden state h"},
            {"inputs", T::Integer, Value{0.0}, 0.0, 100000.0, "",
             "input size; 0 takes it from the task the network is trained on"},
            {"outputs", T::Integer, std::nullopt, 1.0, 100000.0, "",
             "size V of the output head (the task's classes)"},
            {"layers", T::Integer, Value{3.0}, 1.0, 64.0, "",
             "number of GELU layers over z = [x, h], each (inputs + units) square"},
            {"residual", T::Bool, Value{false}, std::nullopt, std::nullopt, "",
             "add [x_t, h_{t-1}] to the last layer's output (the seed's residual_connection)"},
            {"recurrence", T::Bool, Value{true}, std::nullopt, std::nullopt, "",
             "false: h_t = 0, memory lives only in the fast weights"},
            choice("normalize", "none", {"none", "weights", "all"},
                   "after each update divide C by its Frobenius norm + 1e-6 (weights), or every "
                   "float tensor of the layer as the seed's code does (all)"),
            {"self_grad", T::Real, Value{0.0}, 0.0, 1e9, "",
             "s > 0: add the self_grad head's output, clamped to +-s, to the output error"},
            {"update_clip", T::Real, Value{0.0}, 0.0, 1e9, "",
             "clamp each update of a plastic entry to +-update_clip (0: no clamp; the seed's "
             "grad_clip)"},
            {"weight_clip", T::Real, Value{0.0}, 0.0, 1e9, "",
             "clamp every C to +-weight_clip after an update (0: no clamp; clip_weights)"},
            {"plastic_fraction", T::Real, Value{0.1}, 0.0, 1.0, "",
             "probability that an entry of C is plastic (the mask; plast_proportion)"},
            {"plastic_rate", T::Real, std::nullopt, 0.0, 1e12, "",
             "alpha: plastic entries learn this many times faster (the seed's plast_clip)"},
            {"forget_rate", T::Real, Value{0.01}, 0.0, 1.0, "",
             "plastic entries are multiplied by 1 - forget_rate at each update"},
            choice("forget_order", "before", {"before", "after"},
                   "forget before each update (the seed's code) or after it (its paper)"),
            choice("dfa_hidden_head", "frozen", {"frozen", "trained"},
                   "under dfa, leave the hidden head i2h untouched (the seed's code) or train "
                   "it through its own feedback matrix"),
            choice("backprop_plasticity", "twice", {"twice", "once"},
                   "under backprop, plastic entries are scaled by plastic_rate twice (the "
                   "seed's code: plastic_rate^2) or once"),
            choice("dfa_derivative", "ignored", {"ignored", "used"},
                   "under dfa, the projected error skips the layer's activation derivative "
                   "(the seed) or is multiplied by it (Nokland 2016)"),
        };
        e.tensors = {
            {"C", "out x in per layer", "init zeros",
             "weights of every layer and head (C.1..C.L, C.i2h, C.i2o, C.self_grad); "
             "copied per trial and wiped at each sequence"},
            {"bias", "out x 1 per layer", "init uniform(-1/sqrt(in), 1/sqrt(in))",
             "biases, shared by the trials of a batch (torch.nn.Linear's default)"},
            {"mask", "out x in per layer", "fixed, init bernoulli(plastic_fraction)",
             "1 on the plastic entries"},
            {"feedback", "outputs x out per layer", "fixed, init xavier_normal",
             "dfa's fixed random feedback matrices"},
            {"h0", "units x 1", "fixed, init zeros", "initial hidden state"},
        };
        return e;
    }();
    return entry;
}

rt::NetworkShape network_shape(const NetworkEntry& entry, const Params& params,
                               arma::uword task_inputs) {
    rt::NetworkShape s;
    s.kind = entry.kind;
    s.units = static_cast<arma::uword>(params.integer("units"));
    const long inputs = params.integer("inputs");
    s.inputs = inputs > 0 ? static_cast<arma::uword>(inputs) : task_inputs;
    s.outputs = static_cast<arma::uword>(params.integer("outputs"));
    if (entry.kind == rt::CellKind::Plastic) {
        s.layers = static_cast<arma::uword>(params.integer("layers"));
        s.plastic_fraction = params.real("plastic_fraction");
        return s;
    }
    s.bias = params.flag("bias");
    s.readout_bias = params.flag("readout_bias");
    return s;
}

}  // namespace rnn::stdlib
