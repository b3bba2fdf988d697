#include "runtime/network.hpp"

#include <cmath>

namespace rnn::rt {

std::vector<TensorLayout> tensor_layout(const NetworkShape& s) {
    const arma::uword n = s.units;
    const double bound = n > 0 ? 1.0 / std::sqrt(static_cast<double>(n)) : 0.0;
    const Initializer pytorch{InitKind::Uniform, -bound, bound};
    const Initializer zeros{InitKind::Zeros, 0.0, 0.0};
    std::vector<TensorLayout> out;
    auto add = [&](std::string name, TensorRole role, arma::uword rows, arma::uword cols,
                   Initializer init, bool fixed = false) {
        out.push_back(TensorLayout{std::move(name), role, rows, cols, init, fixed});
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
    // The fused kinds from their row of the traits table: weights of `gates` blocks, one
    // bias b (zeros) or PyTorch's split biases, a readout, then the initial states.
    const CellTraits& t = cell_traits(s.kind);
    const bool seed002 = t.defaults == InitDefaults::Seed002;
    const Initializer weights = seed002 ? Initializer{InitKind::Normal, bound, 0.0} : pytorch;
    const Initializer input = seed002 ? Initializer{InitKind::Normal, 1.0, 0.0} : pytorch;
    const arma::uword rows = t.gates * n;
    auto add_role = [&](TensorRole role, arma::uword r, arma::uword c, Initializer init,
                        bool fixed = false) {
        add(std::string(tensor_name(s.kind, role)), role, r, c, init, fixed);
    };
    add_role(TensorRole::Recurrent, rows, n, weights);
    add_role(TensorRole::Input, rows, s.inputs, input);
    if (s.bias && !t.bias.empty())
        add_role(TensorRole::Bias, n, 1, zeros);
    if (s.bias && !t.recurrent_bias.empty()) {
        add_role(TensorRole::RecurrentBias, rows, 1, pytorch);
        add_role(TensorRole::InputBias, rows, 1, pytorch);
    }
    if (s.outputs > 0) {
        if (t.readout_transposed)
            add_role(TensorRole::Readout, n, s.outputs, weights);
        else
            add_role(TensorRole::Readout, s.outputs, n, weights);
        if (s.readout_bias)
            add_role(TensorRole::ReadoutBias, s.outputs, 1, pytorch);
    }
    add_role(TensorRole::InitialState, n, 1, zeros, true);
    if (t.cell_state)
        add_role(TensorRole::InitialCellState, n, 1, zeros, true);
    return out;
}

}  // namespace rnn::rt
