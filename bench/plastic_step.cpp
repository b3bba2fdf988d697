// One time step of seed 001's plastic network under the dfa updater, timed: forward through
// the per-trial fast weights, the output error, and the forget step and unified update of
// every layer dfa trains (docs/provenance.md §2.1-2.3) — the unit bench/torch_plastic_step.py times
// in PyTorch as the seed writes it. Prints one line of key=value pairs: the median and minimum
// time of one step over all steps of REPEATS sequences of LENGTH steps (a wipe, begin(),
// starts each sequence and is not timed).
//
//   bench_plastic_step UNITS BATCH CHARS LAYERS LENGTH REPEATS [dfa|backprop]
//
// (backprop: the same step with the gradient through one step instead of the feedback
// projection; the PyTorch counterpart times dfa only.)
//
// Settings as the authors' scripts (docs/provenance.md §2.6, §2.8): plastic_fraction 0.1,
// plastic_rate 1e4, forget_rate 0.01, lr 1e-4, no residual, normalisation or clips, recurrence on,
// one-hot inputs. Threads: OPENBLAS_NUM_THREADS.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "runtime/blas_core.hpp"
#include "runtime/plastic.hpp"
#include "runtime/vector_math.hpp"

namespace rt = rnn::rt;

int main(int argc, char** argv) {
    const rt::BlasChoice blas = rt::choose_blas_kernels(argv);
    rt::configure_compute_thread();
    if (argc != 7 && argc != 8) {
        std::fprintf(stderr,
                     "usage: bench_plastic_step UNITS BATCH CHARS LAYERS LENGTH REPEATS "
                     "[dfa|backprop]\n");
        return 2;
    }
    const std::string rule_name = argc == 8 ? argv[7] : "dfa";
    if (rule_name != "dfa" && rule_name != "backprop") {
        std::fprintf(stderr, "unknown rule %s\n", rule_name.c_str());
        return 2;
    }
    const rt::UpdateRule rule = rule_name == "dfa" ? rt::UpdateRule::Dfa : rt::UpdateRule::Backprop;
    rt::NetworkShape shape;
    shape.kind = rt::CellKind::Plastic;
    shape.units = std::stoul(argv[1]);
    const arma::uword batch = std::stoul(argv[2]);
    shape.inputs = shape.outputs = std::stoul(argv[3]);
    shape.layers = std::stoul(argv[4]);
    shape.plastic_fraction = 0.1;
    const arma::uword length = std::stoul(argv[5]);
    const int repeats = std::stoi(argv[6]);

    rt::Network<float> net = rt::default_network<float>(shape, [](const std::string& name) {
        return rt::RandomStream(rt::stream_key(1, "bench / " + name));
    });
    net.plastic.plastic_rate = 1e4;
    net.plastic.forget_rate = 0.01;
    rt::PlasticLearner<float> learner(net, rule, 1e-4);

    rt::RandomStream data(rt::stream_key(1, "bench / data"));
    const arma::uword chars = shape.inputs;
    std::vector<arma::fmat> xs(length + 1, arma::fmat(chars, batch, arma::fill::zeros));
    std::vector<arma::fmat> classes(length + 1, arma::fmat(1, batch));
    for (arma::uword t = 0; t <= length; ++t)
        for (arma::uword b = 0; b < batch; ++b) {
            const auto c = data.uniform_int(0, static_cast<std::int64_t>(chars) - 1);
            xs[t](static_cast<arma::uword>(c), b) = 1.0f;
            classes[t](b) = static_cast<float>(c);
        }
    const arma::fmat weights(1, batch, arma::fill::ones);
    arma::fmat state(shape.units, batch), outputs(chars, batch);
    std::vector<double> times;
    for (int r = 0; r < repeats + 1; ++r) {  // one warm-up sequence
        learner.begin(batch);
        for (arma::uword t = 0; t < length; ++t) {
            rt::StepTarget<float> target;
            target.values = &classes[t + 1];
            target.weights = &weights;
            const auto t0 = std::chrono::steady_clock::now();
            learner.step(xs[t], target, true, state, outputs);
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (r > 0)
                times.push_back(s);
        }
        learner.end(true);
    }
    std::sort(times.begin(), times.end());

    struct rusage usage {};

    getrusage(RUSAGE_SELF, &usage);
    std::printf("impl=rnnlab rule=%s median_ms=%.4f min_ms=%.4f steps=%zu maxrss_mb=%.1f blas=%s\n",
                rule_name.c_str(), times[times.size() / 2] * 1e3, times.front() * 1e3, times.size(),
                static_cast<double>(usage.ru_maxrss) / 1024.0, blas.corename.c_str());
    return 0;
}
