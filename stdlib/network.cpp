#include "stdlib/network.hpp"

namespace rnn::stdlib {

const NetworkEntry& rnn_network_entry() {
    static const NetworkEntry entry = [] {
        NetworkEntry e;
        e.name = "rnn";
        e.doc = "Discrete-time recurrent network; the states are its outputs.";
        e.equation = "h_t = phi(W_self h_{t-1} + W_input x_t + b),  h_0 = 0";
        e.schema.params = {
            {"units", ParamType::Integer, std::nullopt, 1.0, 100000.0, "units",
             "number of recurrent units"},
            {"inputs", ParamType::Integer, Value{0.0}, 0.0, 100000.0, "",
             "input size; 0 takes it from the task the network is trained on"},
            {"activation",
             ParamType::Choice,
             Value{std::string("tanh")},
             std::nullopt,
             std::nullopt,
             "",
             "the nonlinearity phi",
             {"tanh", "relu", "linear", "sigmoid", "softplus"}},
            {"bias", ParamType::Bool, Value{true}, std::nullopt, std::nullopt, "",
             "whether the update has a trainable bias b"},
        };
        e.tensors = {
            {"W_self", "units x units", "init uniform(-1/sqrt(units), 1/sqrt(units))",
             "recurrent weights"},
            {"W_input", "units x inputs", "init uniform(-1/sqrt(units), 1/sqrt(units))",
             "input weights"},
            {"b", "units x 1", "init zeros", "bias (only when bias = true)"},
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
