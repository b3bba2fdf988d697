#include "runtime/network.hpp"

#include <cmath>

namespace rnn::rt {

std::optional<CellKind> cell_kind_from_name(std::string_view name) {
    if (name == "rnn")
        return CellKind::Rnn;
    if (name == "gru")
        return CellKind::Gru;
    if (name == "lstm")
        return CellKind::Lstm;
    if (name == "ctrnn")
        return CellKind::Ctrnn;
    if (name == "plastic")
        return CellKind::Plastic;
    return std::nullopt;
}

std::string_view cell_kind_name(CellKind kind) {
    switch (kind) {
        case CellKind::Rnn:
            return "rnn";
        case CellKind::Gru:
            return "gru";
        case CellKind::Lstm:
            return "lstm";
        case CellKind::Ctrnn:
            return "ctrnn";
        case CellKind::Plastic:
            return "plastic";
    }
    return "?";
}

std::vector<TensorLayout> tensor_layout(const NetworkShape& s) {
    const arma::uword n = s.units;
    const double bound = n > 0 ? 1.0 / std::sqrt(static_cast<double>(n)) : 0.0;
    const Initializer pytorch{InitKind::Uniform, -bound, bound};
    const Initializer zeros{InitKind::Zeros, 0.0, 0.0};
    std::vector<TensorLayout> out;
    auto add = [&](const char* name, TensorRole role, arma::uword rows, arma::uword cols,
                   Initializer init, bool fixed = false) {
        out.push_back(TensorLayout{name, role, rows, cols, init, fixed});
    };
    if (s.kind == CellKind::Plastic) {
        // S is unknown (0) while the input size is.
        const arma::uword in = s.inputs > 0 ? s.inputs + n : 0;
        auto layer = [&](const std::string& name, arma::uword rows, arma::uword cols) {
            const double b = cols > 0 ? 1.0 / std::sqrt(static_cast<double>(cols)) : 0.0;
            out.push_back(
                TensorLayout{"C." + name, TensorRole::PlasticWeight, rows, cols, zeros, false});
            out.push_back(TensorLayout{"bias." + name, TensorRole::Bias, rows, 1,
                                       Initializer{InitKind::Uniform, -b, b}, false});
            out.push_back(TensorLayout{"mask." + name, TensorRole::PlasticMask, rows, cols,
                                       Initializer{InitKind::Bernoulli, s.plastic_fraction, 0.0},
                                       true});
            out.push_back(TensorLayout{"feedback." + name, TensorRole::Feedback, s.outputs, rows,
                                       Initializer{InitKind::XavierNormal, 1.0, 0.0}, true});
        };
        for (arma::uword l = 1; l <= s.layers; ++l)
            layer(std::to_string(l), in, in);
        layer("i2h", n, in);
        layer("i2o", s.outputs, in);
        layer("self_grad", s.outputs, in);
        add("h0", TensorRole::InitialState, n, 1, zeros, true);
        return out;
    }
    switch (s.kind) {
        case CellKind::Plastic:  // above
            break;
        case CellKind::Rnn:
            add("W_self", TensorRole::Recurrent, n, n, pytorch);
            add("W_input", TensorRole::Input, n, s.inputs, pytorch);
            if (s.bias)
                add("b", TensorRole::Bias, n, 1, zeros);
            break;
        case CellKind::Gru:
        case CellKind::Lstm: {
            const arma::uword gates = s.kind == CellKind::Gru ? 3 : 4;
            add("W_self", TensorRole::Recurrent, gates * n, n, pytorch);
            add("W_input", TensorRole::Input, gates * n, s.inputs, pytorch);
            if (s.bias) {
                add("b_self", TensorRole::Bias, gates * n, 1, pytorch);
                add("b_input", TensorRole::Bias, gates * n, 1, pytorch);
            }
            break;
        }
        case CellKind::Ctrnn:
            add("G", TensorRole::Recurrent, n, n, Initializer{InitKind::Normal, bound, 0.0});
            add("I", TensorRole::Input, n, s.inputs, Initializer{InitKind::Normal, 1.0, 0.0});
            if (s.bias)
                add("b", TensorRole::Bias, n, 1, zeros);
            break;
    }
    if (s.outputs > 0) {
        if (s.kind == CellKind::Ctrnn)
            add("w", TensorRole::Readout, n, s.outputs, Initializer{InitKind::Normal, bound, 0.0});
        else
            add("W_out", TensorRole::Readout, s.outputs, n, pytorch);
        if (s.readout_bias)
            add("b_out", TensorRole::ReadoutBias, s.outputs, 1, pytorch);
    }
    add("h0", TensorRole::InitialState, n, 1, zeros, true);
    if (has_cell_state(s.kind))
        add("c0", TensorRole::InitialState, n, 1, zeros, true);
    return out;
}

}  // namespace rnn::rt
