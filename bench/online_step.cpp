// One time step of online learning, timed: the forward step, the step's cross-entropy
// error, the gradient (per-step backprop or DFA) and an SGD update, in float32, through
// OnlineCellLearner (runtime/online_cells.hpp) — the unit bench/torch_online_step.py times
// in PyTorch. Every step is timed on its own; prints the median, mean and minimum per rule.
//
//   bench_online_step [KIND UNITS BATCH INPUTS OUTPUTS STEPS]    (rnn 128 1 9 9 20000)
//
// KIND: rnn | gru | lstm | ctrnn (dfa for rnn and ctrnn only). Threads:
// OPENBLAS_NUM_THREADS.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "runtime/blas_core.hpp"
#include "runtime/network.hpp"
#include "runtime/online_cells.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/vector_math.hpp"

namespace rt = rnn::rt;

int main(int argc, char** argv) {
    const rt::BlasChoice blas = rt::choose_blas_kernels(argv);
    rt::configure_compute_thread();
    if (argc != 1 && argc != 7) {
        std::fprintf(stderr, "usage: bench_online_step [KIND UNITS BATCH INPUTS OUTPUTS STEPS]\n");
        return 2;
    }
    const auto kind = rt::cell_kind_from_name(argc == 7 ? argv[1] : "rnn");
    if (!kind) {
        std::fprintf(stderr, "unknown kind %s\n", argv[1]);
        return 2;
    }
    rt::NetworkShape shape;
    shape.kind = *kind;
    shape.units = argc == 7 ? std::stoul(argv[2]) : 128;
    const arma::uword batch = argc == 7 ? std::stoul(argv[3]) : 1;
    shape.inputs = argc == 7 ? std::stoul(argv[4]) : 9;
    shape.outputs = argc == 7 ? std::stoul(argv[5]) : 9;
    const arma::uword steps = argc == 7 ? std::stoul(argv[6]) : 20000;

    rt::RandomStream data(rt::stream_key(1, "bench / data"));
    arma::fmat x(shape.inputs, batch * steps);
    data.fill_normal(x, 0.0, 1.0);
    arma::fmat classes(1, batch * steps), weights(1, batch, arma::fill::ones);
    for (auto& c : classes)
        c = static_cast<float>(data.uniform_int(0, static_cast<std::int64_t>(shape.outputs) - 1));

    std::vector<rt::UpdateRule> rules{rt::UpdateRule::Backprop};
    if (*kind == rt::CellKind::Rnn || *kind == rt::CellKind::Ctrnn)
        rules.push_back(rt::UpdateRule::Dfa);
    for (const auto rule : rules)
        for (const bool learn : {true, false}) {
            if (!learn && rule == rt::UpdateRule::Dfa)
                continue;  // the forward step is the same under both rules
            rt::Network<float> net = rt::default_network<float>(shape, [](const std::string& n) {
                return rt::RandomStream(rt::stream_key(1, "bench / " + n));
            });
            rt::OptimizerConfig config;
            config.kind = rt::OptimizerKind::Sgd;
            config.lr = 1e-3;
            rt::Optimizer<float> sgd(config);
            rt::OnlineCellLearner<float> learner(net, rule, sgd, 0.0,
                                                 rt::RandomStream(rt::stream_key(1, "feedback")));
            arma::fmat state(shape.units, batch), outputs(shape.outputs, batch);
            std::vector<double> times;
            times.reserve(steps);
            learner.begin(batch);
            for (arma::uword t = 0; t < steps; ++t) {
                const arma::fmat xt(x.colptr(t * batch), shape.inputs, batch, false, true);
                const arma::fmat ct(classes.colptr(t * batch), 1, batch, false, true);
                rt::StepTarget<float> target;
                target.values = &ct;
                target.weights = &weights;
                const auto t0 = std::chrono::steady_clock::now();
                learner.step(xt, target, learn, state, outputs);
                times.push_back(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            learner.end(learn);
            const double mean =
                std::accumulate(times.begin(), times.end(), 0.0) / static_cast<double>(steps);
            std::sort(times.begin(), times.end());
            std::printf(
                "impl=rnnlab kind=%s rule=%s units=%llu batch=%llu median_us=%.2f mean_us=%.2f "
                "min_us=%.2f blas=%s\n",
                argc == 7 ? argv[1] : "rnn",
                learn ? (rule == rt::UpdateRule::Dfa ? "dfa" : "backprop") : "forward-only",
                static_cast<unsigned long long>(shape.units),
                static_cast<unsigned long long>(batch), times[steps / 2] * 1e6, mean * 1e6,
                times.front() * 1e6, blas.corename.c_str());
        }
    return 0;
}
