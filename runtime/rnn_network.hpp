// A discrete-time RNN as a set of parameters and a forward pass on the tape: the tensors
// W_self (units x units), W_input (units x inputs) and an optional bias b, each with its
// constraint, feeding the fused rnn_unroll op. Templated on the scalar so the same network
// runs in float for training and in double for gradient checks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/parameter.hpp"
#include "runtime/rnn_cell.hpp"

namespace rnn::rt {

template <typename T> struct RnnNetwork {
    Parameter<T> w_self;
    Parameter<T> w_input;
    Parameter<T> bias;  // empty (0 x 0) when the network has no bias
    Activation activation = Activation::Tanh;

    bool has_bias() const { return bias.raw.n_elem > 0; }

    arma::uword units() const { return w_self.raw.n_rows; }

    // Every parameter by its language name.
    std::vector<Parameter<T>*> parameters() {
        std::vector<Parameter<T>*> out{&w_self, &w_input};
        if (has_bias())
            out.push_back(&bias);
        return out;
    }
};

// The tape variables of one forward pass: raw leaves (what the optimizer updates) and
// effective values (what the network and the loss use), by parameter name.
struct NetworkVars {
    std::map<std::string, Var> raw;
    std::map<std::string, Var> effective;
    Var states;  // units x (batch * steps)
};

template <typename T>
NetworkVars forward(Tape<T>& tape, RnnNetwork<T>& net, const arma::Mat<T>& inputs,
                    arma::uword batch) {
    NetworkVars v;
    for (Parameter<T>* p : net.parameters()) {
        const Var raw = raw_leaf(tape, *p);
        v.raw[p->name] = raw;
        v.effective[p->name] = constrain(tape, raw, p->constraint);
    }
    const Var x = tape.constant(inputs);
    const Var h0 = tape.constant(arma::Mat<T>(net.units(), batch, arma::fill::zeros));
    const Var b = net.has_bias() ? v.effective.at(net.bias.name) : Var{};
    v.states = rnn_unroll(tape, v.effective.at(net.w_self.name), v.effective.at(net.w_input.name),
                          b, x, h0, batch, net.activation);
    return v;
}

}  // namespace rnn::rt
