#include "stdlib/network.hpp"

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

std::vector<TensorSpec> readout_and_state(bool ctrnn) {
    std::vector<TensorSpec> t;
    if (ctrnn)
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

}  // namespace

const NetworkEntry& rnn_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e;
        e.name = "rnn";
        e.kind = rt::CellKind::Rnn;
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
        for (auto& t : readout_and_state(false))
            e.tensors.push_back(std::move(t));
        return e;
    }();
    return entry;
}

const NetworkEntry& gru_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e;
        e.name = "gru";
        e.kind = rt::CellKind::Gru;
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
        for (auto& t : readout_and_state(false))
            e.tensors.push_back(std::move(t));
        return e;
    }();
    return entry;
}

const NetworkEntry& lstm_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e;
        e.name = "lstm";
        e.kind = rt::CellKind::Lstm;
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
        for (auto& t : readout_and_state(false))
            e.tensors.push_back(std::move(t));
        e.tensors.push_back({"c0", "units x 1", "fixed, init zeros",
                             "initial cell state; `c0 : trainable` learns it"});
        return e;
    }();
    return entry;
}

const NetworkEntry& ctrnn_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e;
        e.name = "ctrnn";
        e.kind = rt::CellKind::Ctrnn;
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
        for (auto& t : readout_and_state(true))
            e.tensors.push_back(std::move(t));
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
    s.bias = params.flag("bias");
    s.readout_bias = params.flag("readout_bias");
    return s;
}

}  // namespace rnn::stdlib
