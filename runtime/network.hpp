// A recurrent network of any cell kind as a list of named parameters and a forward pass on
// the tape. The kinds, with their tensors (names as scripts write them):
//
//   rnn    h_t = phi(W_self h_{t-1} + W_input x_t + b)                        W_self, W_input, b
//   gru    PyTorch's GRU, gate rows [r; z; n]                 W_self, W_input, b_self, b_input
//   lstm   PyTorch's LSTM, gate rows [i; f; g; o], cell state c0      as gru, plus c0
//   ctrnn  h_t = h_{t-1} + (dt/tau)(-h_{t-1} + gain G phi(h_{t-1}) + I x_t + b)     G, I, b
//   plastic  seed 001's network of per-trial fast weights, run only by its learner
//            (plastic.hpp, tensors listed at tensor_layout)
//
// and for every kind an initial state h0 (units x 1, broadcast over the batch; zero and
// fixed unless the script makes it trainable) and, when outputs > 0, a linear readout of the
// rates read after each update: y_t = W_out r_t (+ b_out) for rnn, gru and lstm, whose rates
// are their states, and y_t = w^T phi(h_t) (+ b_out) for ctrnn (seed 002's convention: w is
// units x outputs). Templated on the scalar: float for training, double for gradient checks.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cell_traits.hpp"
#include "runtime/ctrnn_cell.hpp"
#include "runtime/gru_cell.hpp"
#include "runtime/lstm_cell.hpp"
#include "runtime/ops.hpp"
#include "runtime/parameter.hpp"
#include "runtime/plastic_options.hpp"
#include "runtime/rnn_cell.hpp"

namespace rnn::rt {

// The sizes and options that decide which tensors a network has and their shapes.
struct NetworkShape {
    CellKind kind = CellKind::Rnn;
    arma::uword units = 0;
    arma::uword inputs = 0;   // 0 where not known yet (the checker before the task is known)
    arma::uword outputs = 0;  // 0: no readout
    bool bias = true;         // the cell's bias (b; b_self and b_input for gru and lstm)
    bool readout_bias = true;
    arma::uword layers = 0;         // plastic: GELU layers over [x, h]
    double plastic_fraction = 0.0;  // plastic: probability that an entry of C is plastic
};

struct TensorLayout {
    std::string name;
    TensorRole role = TensorRole::Recurrent;
    arma::uword rows = 0, cols = 0;  // cols 0 where it depends on an unknown input size
    Initializer init;                // the kind's default
    bool fixed = false;              // fixed unless the script says otherwise

    bool square() const { return rows == cols && rows > 0; }
};

// The tensors of a network in a fixed order, with shapes and default initialisers.
// Defaults: gru and lstm as PyTorch (every weight and bias U(+-1/sqrt(units))); rnn
// W_self, W_input U(+-1/sqrt(units)), b zeros; ctrnn G N(0, 1/units), I N(0, 1), w N(0,
// 1/units), b zeros (seed 002); readouts as PyTorch's Linear, U(+-1/sqrt(units)); h0 and
// c0 zeros and fixed.
//
// plastic (docs/provenance.md §2.1-2.2), with S = inputs + units and V = outputs: layers "1".."L"
// (S -> S), then the heads "i2h" (S -> units), "i2o" (S -> V) and "self_grad" (S -> V).
// Each layer NAME has C.NAME (out x in, zeros, trained by the learner: the batch mean of
// the per-trial copies), bias.NAME (out x 1, U(+-1/sqrt(in)) as nn.Linear), mask.NAME
// (out x in, fixed, Bernoulli(plastic_fraction): 1 marks a plastic entry) and
// feedback.NAME (V x out, fixed, Xavier-normal); then h0. No readout: i2o is the output.
std::vector<TensorLayout> tensor_layout(const NetworkShape& shape);

template <typename T> struct Network {
    NetworkShape shape;
    Activation activation = Activation::Tanh;  // rnn and ctrnn
    double alpha = 1.0;                        // ctrnn: dt / tau
    double gain = 1.0;                         // ctrnn: multiplies G
    double noise = 0.0;                // standard deviation of the state noise added while training
    PlasticOptions plastic;            // plastic: how its learner runs it
    std::vector<Parameter<T>> params;  // in tensor_layout order

    arma::uword units() const { return shape.units; }

    const Parameter<T>* find(std::string_view name) const {
        for (const auto& p : params)
            if (p.name == name)
                return &p;
        return nullptr;
    }

    Parameter<T>* find(std::string_view name) {
        return const_cast<Parameter<T>*>(std::as_const(*this).find(name));
    }

    const Parameter<T>& at(std::string_view name) const {
        const Parameter<T>* p = find(name);
        if (p == nullptr)
            throw std::logic_error("the network has no tensor " + std::string(name));
        return *p;
    }
};

// Builds a network with every tensor at its layout's default initialiser, drawn from
// the stream `stream_for(name)` (a function so callers can name streams by entity path).
template <typename T, typename StreamFor>
Network<T> default_network(const NetworkShape& shape, StreamFor&& stream_for) {
    Network<T> net;
    net.shape = shape;
    for (const auto& l : tensor_layout(shape)) {
        Parameter<T> p;
        p.name = l.name;
        p.raw.set_size(l.rows, l.cols);
        RandomStream stream = stream_for(l.name);
        initialize(p.raw, l.init, stream);
        p.constraint.fixed = l.fixed;
        net.params.push_back(std::move(p));
    }
    return net;
}

// The tape variables of one forward pass, by tensor name: raw leaves (what the optimizer
// updates) and effective values (what the cell uses). states: h_1..h_T, units x (batch *
// steps); rates: phi(h) for ctrnn, the states otherwise; outputs: the readout (invalid
// without one).
struct NetworkVars {
    std::map<std::string, Var> raw;
    std::map<std::string, Var> effective;
    Var states, rates, outputs;
    // The lstm's cell states c_1..c_T (a constant on the tape, laid out as states), only
    // when forward() is asked to keep them; invalid otherwise.
    Var cells;
};

// The forward pass over a batch of trials (inputs: inputs x (batch * steps)). noise, when
// given, is the already scaled state noise (units x (batch * steps)); initial_state, when
// given, starts every unit of every trial there instead of at the network's h0 (a task's
// probe trial; h0 then gets no gradient). truncate > 0 is truncated BPTT with windows of
// that many steps (rnn_cell.hpp): the forward pass is the same, the reverse pass carries no
// state gradient across a window start; 0 is full BPTT. keep_cells copies the lstm's cell
// states into NetworkVars::cells (evaluations that analyse the full state).
template <typename T>
NetworkVars forward(Tape<T>& tape, const Network<T>& net, const arma::Mat<T>& inputs,
                    arma::uword batch, const arma::Mat<T>* noise = nullptr,
                    std::optional<T> initial_state = std::nullopt, arma::uword truncate = 0,
                    bool keep_cells = false) {
    NetworkVars v;
    for (const Parameter<T>& p : net.params) {
        const Var raw = raw_leaf(tape, p);
        v.raw[p.name] = raw;
        v.effective[p.name] = constrain(tape, raw, p.constraint);
    }
    const CellKind kind = net.shape.kind;
    const CellTraits& traits = cell_traits(kind);
    using R = TensorRole;
    auto eff = [&](TensorRole role) {
        const auto it = v.effective.find(std::string(tensor_name(kind, role)));
        return it == v.effective.end() ? Var{} : it->second;
    };
    const Var x = tape.constant(inputs);
    const Var h0 = initial_state
                       ? tape.constant(arma::Mat<T>(net.units(), batch).fill(*initial_state))
                       : repeat_columns(tape, eff(R::InitialState), batch);
    switch (kind) {
        case CellKind::Rnn:
            v.states = rnn_unroll(tape, eff(R::Recurrent), eff(R::Input), eff(R::Bias), x, h0,
                                  batch, net.activation, noise, truncate);
            break;
        case CellKind::Gru:
            v.states = gru_unroll(tape, eff(R::Input), eff(R::Recurrent), eff(R::InputBias),
                                  eff(R::RecurrentBias), x, h0, batch, noise, truncate);
            break;
        case CellKind::Lstm: {
            std::shared_ptr<const arma::Mat<T>> cells;
            v.states = lstm_unroll(tape, eff(R::Input), eff(R::Recurrent), eff(R::InputBias),
                                   eff(R::RecurrentBias), x, h0,
                                   repeat_columns(tape, eff(R::InitialCellState), batch), batch,
                                   noise, truncate, keep_cells ? &cells : nullptr);
            if (cells)
                v.cells = tape.constant(*cells);
            break;
        }
        case CellKind::Ctrnn:
            v.states = ctrnn_unroll(tape, eff(R::Recurrent), eff(R::Input), eff(R::Bias), x, h0,
                                    batch, static_cast<T>(net.alpha), static_cast<T>(net.gain),
                                    net.activation, noise, truncate);
            break;
        case CellKind::Plastic:
            throw std::invalid_argument("the plastic network runs through its learner");
    }
    v.rates = traits.rates_differ ? activate(tape, v.states, net.activation) : v.states;
    if (net.shape.outputs > 0) {
        v.outputs = traits.readout_transposed ? matmul_transposed(tape, eff(R::Readout), v.rates)
                                              : matmul(tape, eff(R::Readout), v.rates);
        if (net.shape.readout_bias)
            v.outputs = add_column(tape, v.outputs, eff(R::ReadoutBias));
    }
    return v;
}

}  // namespace rnn::rt
