// The rnnlab side of the PyTorch agreement test (tests/torch/agreement.py): loads a
// network's parameters, inputs and targets written by the script as .npy files, runs one
// forward pass in float32, the loss L = mean((y - target)^2) over the readout, and the
// reverse pass, and writes the loss and every parameter's gradient back as .npy files.
//
//   agreement_driver KIND DIR [ACTIVATION]
//
// KIND is rnn, gru, lstm or ctrnn. DIR holds shape.npy ([units, inputs, outputs, batch,
// alpha, gain]), x.npy (inputs x batch*T, column t*batch+b), target.npy and one
// param_NAME.npy per tensor of the kind's layout. Writes loss.npy and grad_NAME.npy.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "runtime/files.hpp"
#include "runtime/network.hpp"

namespace rt = rnn::rt;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: agreement_driver KIND DIR [ACTIVATION]\n");
        return 2;
    }
    try {
        const std::filesystem::path dir = argv[2];
        const auto kind = rt::cell_kind_from_name(argv[1]);
        if (!kind)
            throw std::runtime_error(std::string("unknown kind ") + argv[1]);
        const arma::mat shape = rt::load_npy(dir / "shape.npy");
        rt::NetworkShape s;
        s.kind = *kind;
        s.units = static_cast<arma::uword>(shape[0]);
        s.inputs = static_cast<arma::uword>(shape[1]);
        s.outputs = static_cast<arma::uword>(shape[2]);
        const auto batch = static_cast<arma::uword>(shape[3]);
        s.bias = true;
        s.readout_bias = *kind != rt::CellKind::Ctrnn;
        rt::Network<float> net =
            rt::default_network<float>(s, [](const std::string&) { return rt::RandomStream(1); });
        net.alpha = shape[4];
        net.gain = shape[5];
        if (argc > 3)
            net.activation = *rt::activation_from_name(argv[3]);
        for (auto& p : net.params) {
            p.raw =
                arma::conv_to<arma::fmat>::from(rt::load_npy(dir / ("param_" + p.name + ".npy")));
            p.constraint.fixed = false;  // h0 and c0 too: their gradients are compared
        }
        const arma::fmat x = arma::conv_to<arma::fmat>::from(rt::load_npy(dir / "x.npy"));
        const arma::fmat target = arma::conv_to<arma::fmat>::from(rt::load_npy(dir / "target.npy"));

        rt::Tape<float> tape;
        const rt::NetworkVars v = rt::forward(tape, net, x, batch);
        const rt::Var loss =
            rt::mean_squares(tape, rt::sub(tape, v.outputs, tape.constant(target)));
        tape.backward(loss);
        rt::save_npy(dir / "loss.npy", tape.value(loss));
        for (const auto& p : net.params)
            rt::save_npy(dir / ("grad_" + p.name + ".npy"), tape.grad(v.raw.at(p.name)));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "agreement_driver: %s\n", e.what());
        return 1;
    }
}
