// One training step of a recurrent network, timed: forward over T steps, the loss, the
// reverse pass and an Adam step, in float32 — the unit bench/torch_train_step.py times in
// PyTorch on the same workload. Prints one line of key=value pairs (median and min time per
// step, achieved GFLOP/s of the step's GEMMs, peak resident memory).
//
//   bench_train_step KIND UNITS BATCH STEPS INPUTS OUTPUTS LOSS REPEATS
//
// KIND: rnn | gru | lstm | ctrnn. LOSS: mse (readout against a random target) or ce
// (cross-entropy of the readout against random classes). Threads: OPENBLAS_NUM_THREADS.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "runtime/blas_core.hpp"
#include "runtime/losses.hpp"
#include "runtime/network.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/vector_math.hpp"

namespace rt = rnn::rt;

namespace {

// Floating-point operations of the GEMMs in one step, counted the same way for both
// implementations: forward (the input projections of all steps, the recurrent product of
// each step, the readout), backward (the recurrent product of each step, the weight
// gradients of the recurrent matrix when it is trained, of the input matrix and of the
// readout, and the readout's gradient to the rates).
double step_flops(rt::CellKind kind, double n, double b, double t, double in, double out,
                  bool recurrent_trained) {
    const double gates = kind == rt::CellKind::Gru ? 3 : kind == rt::CellKind::Lstm ? 4 : 1;
    const double recurrent = 2 * gates * n * n * b * t;
    const double input = 2 * gates * n * in * b * t;
    const double readout = 2 * out * n * b * t;
    return recurrent * (recurrent_trained ? 3 : 2) + input * 2 + readout * 3;
}

// OpenBLAS's sgemm rate on the shape of one step's recurrent product, (gates * n) x n
// times n x batch: the ceiling for the per-step part of a training step.
double sgemm_gflops(rt::CellKind kind, arma::uword n, arma::uword batch) {
    const arma::uword gates = kind == rt::CellKind::Gru ? 3 : kind == rt::CellKind::Lstm ? 4 : 1;
    arma::fmat w(gates * n, n, arma::fill::ones), h(n, batch, arma::fill::ones),
        out(gates * n, batch);
    const int reps = 200;
    out = w * h;
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r)
        out = w * h;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return 2.0 * static_cast<double>(gates * n * n * batch) * reps / s * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    const rt::BlasChoice blas = rt::choose_blas_kernels(argv);
    rt::configure_compute_thread();
    if (argc != 9) {
        std::fprintf(
            stderr,
            "usage: bench_train_step KIND UNITS BATCH STEPS INPUTS OUTPUTS mse|ce REPEATS\n");
        return 2;
    }
    const auto kind = rt::cell_kind_from_name(argv[1]);
    if (!kind) {
        std::fprintf(stderr, "unknown kind %s\n", argv[1]);
        return 2;
    }
    rt::NetworkShape shape;
    shape.kind = *kind;
    shape.units = std::stoul(argv[2]);
    const arma::uword batch = std::stoul(argv[3]), steps = std::stoul(argv[4]);
    shape.inputs = std::stoul(argv[5]);
    shape.outputs = std::stoul(argv[6]);
    // The PyTorch counterpart's ctrnn is seed 002's: no biases, G fixed.
    shape.bias = shape.readout_bias = *kind != rt::CellKind::Ctrnn;
    const bool ce = std::string(argv[7]) == "ce";
    const int repeats = std::stoi(argv[8]);

    rt::Network<float> net = rt::default_network<float>(shape, [](const std::string& name) {
        return rt::RandomStream(rt::stream_key(1, "bench / " + name));
    });
    net.alpha = 0.1;
    net.gain = 1.5;
    if (*kind == rt::CellKind::Ctrnn)
        net.find("G")->constraint.fixed = true;
    rt::RandomStream data(rt::stream_key(1, "bench / data"));
    arma::fmat x(shape.inputs, batch * steps);
    data.fill_normal(x, 0.0, 1.0);
    arma::fmat target(shape.outputs, batch * steps);
    data.fill_normal(target, 0.0, 1.0);
    arma::fmat classes(1, batch * steps), weights(1, batch * steps, arma::fill::ones);
    for (auto& c : classes)
        c = static_cast<float>(data.uniform_int(0, static_cast<std::int64_t>(shape.outputs) - 1));

    rt::Optimizer<float> adam(rt::OptimizerConfig{});
    rt::Tape<float> tape;
    std::vector<double> times, forward_times, backward_times;
    for (int r = 0; r < repeats + 2; ++r) {  // two warm-up steps
        const auto t0 = std::chrono::steady_clock::now();
        tape.clear();
        const rt::NetworkVars v = rt::forward(tape, net, x, batch);
        const rt::Var loss =
            ce ? rt::masked_cross_entropy(tape, v.outputs, classes, weights)
               : rt::mean_squares(tape, rt::sub(tape, v.outputs, tape.constant(target)));
        const auto t2 = std::chrono::steady_clock::now();
        tape.backward(loss);
        const auto t3 = std::chrono::steady_clock::now();
        std::vector<arma::fmat*> params;
        std::vector<const arma::fmat*> grads;
        for (auto& p : net.params)
            if (p.trainable()) {
                params.push_back(&p.raw);
                grads.push_back(&tape.grad(v.raw.at(p.name)));
            }
        adam.step(params, grads);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r >= 2) {
            times.push_back(s);
            forward_times.push_back(std::chrono::duration<double>(t2 - t0).count());
            backward_times.push_back(std::chrono::duration<double>(t3 - t2).count());
        }
    }
    auto median_of = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];

    struct rusage usage {};

    getrusage(RUSAGE_SELF, &usage);
    const double flops =
        step_flops(*kind, static_cast<double>(shape.units), static_cast<double>(batch),
                   static_cast<double>(steps), static_cast<double>(shape.inputs),
                   static_cast<double>(shape.outputs), *kind != rt::CellKind::Ctrnn);
    std::printf(
        "impl=rnnlab median_ms=%.3f min_ms=%.3f forward_ms=%.3f backward_ms=%.3f "
        "gflops=%.2f sgemm_gflops=%.2f maxrss_mb=%.1f blas=%s\n",
        median * 1e3, times.front() * 1e3, median_of(forward_times) * 1e3,
        median_of(backward_times) * 1e3, flops / median * 1e-9,
        sgemm_gflops(*kind, shape.units, batch), static_cast<double>(usage.ru_maxrss) / 1024.0,
        blas.corename.c_str());
    return 0;
}
