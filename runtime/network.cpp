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
    switch (s.kind) {
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
    if (s.kind == CellKind::Lstm)
        add("c0", TensorRole::InitialState, n, 1, zeros, true);
    return out;
}

}  // namespace rnn::rt
