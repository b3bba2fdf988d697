// Seed 004's analysis set (docs/provenance.md §4.6) through the analysis entries, on activity of
// its size: 200 trials x 55 steps x 128 units (length 4), 8 items. Decoding of every item at
// the end of its presentation and at mid-delay (5-fold), through the delay (3-fold), the
// stimulus-end and delay subspace angles, dimensionality, the RDM and the dynamics PCA.
// Goal (issue 7): under 1 s in total. Prints the time of each part and the total.
//
//   cmake --build build --target bench_analyses
//   OPENBLAS_NUM_THREADS=1 build/bench/bench_analyses
#include <chrono>
#include <cstdio>
#include <string>

#include "runtime/random.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/schema.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {

// Activity where item k shows in a direction of its own from its presentation on, plus
// noise, so the decoders have something to find and converge as on a trained network.
s::EvaluationArg seed004_activity() {
    const arma::uword trials = 200, units = 128, steps = 55, positions = 4;
    s::EvaluationArg ev;
    ev.activity.set_size(trials, units, steps);
    rt::RandomStream r(rt::stream_key(1, "bench_analyses"));
    arma::fmat codes(units, 8 * positions);
    r.fill_normal(codes, 0.0, 1.0);
    for (arma::uword b = 0; b < trials; ++b) {
        std::vector<long> items(8);
        for (long i = 0; i < 8; ++i)
            items[static_cast<std::size_t>(i)] = i;
        for (arma::uword k = 0; k < positions; ++k) {
            const auto j = static_cast<std::size_t>(r.uniform_int(static_cast<std::int64_t>(k), 7));
            std::swap(items[k], items[j]);
            ev.labels["item" + std::to_string(k + 1)].push_back(items[k]);
        }
        for (arma::uword t = 0; t < steps; ++t)
            for (arma::uword u = 0; u < units; ++u) {
                float v = static_cast<float>(r.normal());
                for (arma::uword k = 0; k < positions; ++k)
                    if (t >= 5 + 5 * k)
                        v += codes(u, k * 8 + static_cast<arma::uword>(items[k]));
                ev.activity(b, u, t) = v;
            }
    }
    ev.periods = {{"fixation", 0, 5}, {"stimulus", 5, 25}, {"delay", 25, 35}, {"response", 35, 55}};
    for (arma::uword k = 0; k < positions; ++k)
        ev.periods.emplace_back("stimulus" + std::to_string(k + 1), 5 + 5 * k, 10 + 5 * k);
    return ev;
}

s::Params with(const s::AnalysisEntry& e,
               std::initializer_list<std::pair<const char*, s::Value>> values) {
    s::Params p;
    for (const auto& [k, v] : values)
        p.set(k, v);
    return s::with_defaults(e.schema, std::move(p));
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main() {
    const s::EvaluationArg ev = seed004_activity();
    const std::vector<s::ArgValue> args = {ev};
    double total = 0.0;
    auto part = [&](const char* what, auto&& body) {
        const auto t0 = std::chrono::steady_clock::now();
        body();
        const double t = seconds(t0);
        total += t;
        std::printf("%-44s %8.3f s\n", what, t);
    };
    part("decode 4 items at stimulus end (5-fold)", [&] {
        for (int k = 1; k <= 4; ++k)
            s::decode_entry().run(
                args, with(s::decode_entry(), {{"label", "item" + std::to_string(k)},
                                               {"at", "stimulus" + std::to_string(k) + ".end"}}));
    });
    part("decode 4 items at mid-delay (5-fold)", [&] {
        for (int k = 1; k <= 4; ++k)
            s::decode_entry().run(args,
                                  with(s::decode_entry(), {{"label", "item" + std::to_string(k)},
                                                           {"at", std::string("delay.middle")}}));
    });
    part("decode 4 items over the delay (3-fold)", [&] {
        for (int k = 1; k <= 4; ++k)
            s::decode_over_time_entry().run(
                args, with(s::decode_over_time_entry(), {{"label", "item" + std::to_string(k)},
                                                         {"during", std::string("delay")}}));
    });
    part("principal angles, 3 stimulus + 3 delay pairs", [&] {
        for (int j = 2; j <= 4; ++j) {
            s::principal_angles_entry().run(args,
                                            with(s::principal_angles_entry(),
                                                 {{"a", std::string("stimulus1.end")},
                                                  {"b", "stimulus" + std::to_string(j) + ".end"}}));
            s::principal_angles_entry().run(
                args, with(s::principal_angles_entry(), {{"a", std::string("delay.middle")},
                                                         {"b", std::string("delay.middle")},
                                                         {"label_a", std::string("item1")},
                                                         {"label_b", "item" + std::to_string(j)}}));
        }
    });
    part("dimensionality and RDM at mid-delay", [&] {
        s::pca_entry().run(args, with(s::pca_entry(), {{"at", std::string("delay.middle")}}));
        s::rdm_entry().run(args, with(s::rdm_entry(), {{"at", std::string("delay.middle")},
                                                       {"labels", std::string("item")}}));
    });
    part("dynamics: PCA of all 11 000 states",
         [&] { s::pca_entry().run(args, with(s::pca_entry(), {})); });
    std::printf("%-44s %8.3f s (goal: under 1 s)\n", "total", total);
    return 0;
}
