// What an evaluation writes (docs/run_directory.md): the saved arrays' table, the checker's
// `save` and untrained evaluations, the .npy layout trials x steps x width, trials.csv, and
// the estimates of what `save` keeps.
#include "interpreter/engine/evaluation_files.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "interpreter/check/memory.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/load.hpp"
#include "interpreter/saved_arrays.hpp"
#include "runtime/files.hpp"

namespace i = rnn::interp;
namespace rt = rnn::rt;

namespace {

i::Program checked(const std::string& text) {
    const i::Loaded l = i::load_text("export_test.rnn", text);
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    return *l.program;
}

// The header and the numbers of .npy bytes of float32.
std::pair<std::string, std::vector<float>> read_npy(const std::string& bytes) {
    const std::size_t header =
        static_cast<unsigned char>(bytes[8])
        + 256 * static_cast<std::size_t>(static_cast<unsigned char>(bytes[9]));
    std::vector<float> values((bytes.size() - 10 - header) / sizeof(float));
    std::memcpy(values.data(), bytes.data() + 10 + header, values.size() * sizeof(float));
    return {bytes.substr(10, header), values};
}

const std::string kFlipFlop = "task bits = flip_flop { length = 30 steps, bits = 2 }\n";

}  // namespace

TEST_CASE("saved arrays: the words, what each kind and task has, and what is always written") {
    using A = i::SavedArray;
    CHECK(i::saved_array_words()
          == std::vector<std::string>{"states", "rates", "cells", "outputs", "inputs", "targets",
                                      "mask"});
    CHECK(i::saved_array_named("cells") == A::Cells);
    CHECK_FALSE(i::saved_array_named("state"));
    const i::SaveSource rnn{rnn::rt::CellKind::Rnn, true, true, true};
    CHECK(i::why_not_saved(A::States, rnn).empty());
    CHECK(i::why_not_saved(A::Rates, rnn).find("save 'states'") != std::string::npos);
    CHECK_FALSE(i::why_not_saved(A::Cells, rnn).empty());
    CHECK(i::why_not_saved(A::Cells, {rnn::rt::CellKind::Lstm, true, true, true}).empty());
    CHECK(i::why_not_saved(A::Rates, {rnn::rt::CellKind::Ctrnn, true, true, true}).empty());
    // Outputs and targets come without asking, where the network and task have them.
    CHECK(i::arrays_written({}, rnn) == std::vector<A>{A::Outputs, A::Targets});
    CHECK(i::arrays_written({A::Mask, A::States, A::Mask}, rnn)
          == std::vector<A>{A::States, A::Outputs, A::Targets, A::Mask});
    const i::SaveSource hopfield{rnn::rt::CellKind::Rnn, false, false, false};
    CHECK(i::arrays_written({A::States}, hopfield) == std::vector<A>{A::States});
}

TEST_CASE("an array is written trials x steps x width in C order, float32") {
    // features x (trials * steps), column t * trials + b: value 100 b + 10 t + w.
    const arma::uword trials = 2, steps = 3, width = 2;
    arma::fmat m(width, trials * steps);
    for (arma::uword b = 0; b < trials; ++b)
        for (arma::uword t = 0; t < steps; ++t)
            for (arma::uword w = 0; w < width; ++w)
                m(w, t * trials + b) = static_cast<float>(100 * b + 10 * t + w);
    const auto [header, values] = read_npy(i::trials_npy(m, trials));
    CHECK(header.find("'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 2), }")
          != std::string::npos);
    CHECK((10 + header.size()) % 64 == 0);
    REQUIRE(values.size() == 12);
    std::size_t k = 0;
    for (arma::uword b = 0; b < trials; ++b)
        for (arma::uword t = 0; t < steps; ++t)
            for (arma::uword w = 0; w < width; ++w)
                CHECK(values[k++] == static_cast<float>(100 * b + 10 * t + w));
    CHECK(read_npy(rt::npy_bytes_c_order(values.data(), {12})).first.find("'shape': (12,)")
          != std::string::npos);
    CHECK_THROWS(i::trials_npy(m, 4));  // 6 columns are not 4 trials
}

TEST_CASE("trials.csv: index, condition, catch where the task has catch trials, variables") {
    i::Evaluation ev;
    ev.condition = {2, 0, 1};
    CHECK(i::trials_csv(ev) == "trial,condition\n0,2\n1,0\n2,1\n");
    ev.catch_trial = {0, 1, 0};
    ev.variables = {{"onset", {10, 12, 14}}, {"coherence", {0.25, std::nan(""), -0.5}}};
    CHECK(i::trials_csv(ev)
          == "trial,condition,catch,onset,coherence\n0,2,0,10,0.25\n1,0,1,12,nan\n"
             "2,1,0,14,-0.5\n");
    // A task that records catch trials among its variables has that one column, in its
    // place; a variable named as a fixed column is not repeated.
    ev.variables = {{"side", {0, 1, 1}}, {"catch", {0, 1, 0}}, {"trial", {5, 6, 7}}};
    CHECK(i::trials_csv(ev) == "trial,condition,side,catch\n0,2,0,0\n1,0,1,1\n2,1,1,0\n");
}

TEST_CASE("save is checked: the arrays it adds, the key, the size rnn check prints") {
    const i::Program p = checked(kFlipFlop
                                 + "network n = lstm { units = 5, outputs = 2 }\n"
                                   "evaluate plain = n on bits { trials = 4 }\n"
                                   "evaluate full = n on bits { trials = 4\n"
                                   "  save = [cells, states, inputs, mask] }\n");
    using A = i::SavedArray;
    CHECK(p.evaluates.at("plain").arrays == std::vector<A>{A::Outputs, A::Targets});
    CHECK(p.evaluates.at("full").arrays
          == std::vector<A>{A::States, A::Cells, A::Outputs, A::Inputs, A::Targets, A::Mask});
    // An evaluation of a network definition reads no training.
    CHECK(p.evaluates.at("full").network == "n");
    CHECK(p.evaluates.at("full").train.empty());
    const i::SavedSizes s = i::saved_sizes(p, p.evaluates.at("full"));
    CHECK(s.trials == 4);
    CHECK(s.steps == 30);
    std::vector<double> widths;
    for (const auto& [which, width] : s.widths)
        widths.push_back(width);
    const double masks = static_cast<double>(p.tasks.at("bits").entry->masks.size());
    CHECK(widths == std::vector<double>{5, 5, 2, 2, 2, masks});
    // The estimate holds a copy of each array and its file's bytes.
    const auto plain = i::estimate_memory(i::evaluation_shape(p, p.evaluates.at("plain")));
    const auto full = i::estimate_memory(i::evaluation_shape(p, p.evaluates.at("full")));
    CHECK(plain.saved == doctest::Approx(2 * 4.0 * 4 * 30 * 4));
    CHECK(full.saved == doctest::Approx(2 * 4.0 * 4 * 30 * (16 + masks)));
    CHECK(full.total() - plain.total() == doctest::Approx(full.saved - plain.saved));
    // The requested arrays are in the node's key; the network's text too.
    const i::Graph g = i::lower(p);
    for (const auto& n : g.nodes)
        if (n.name == "full") {
            CHECK(n.description.find("save=states,cells,inputs,mask") != std::string::npos);
            CHECK(n.description.find("network=kind=lstm") != std::string::npos);
            CHECK(n.inputs.size() == 1);  // the task only
        }
}

TEST_CASE("a network definition is evaluated at the values it is given, with no training") {
    // Input weights 0.5, no recurrence, no bias: h_t = tanh(0.5 (x1 + x2)).
    const i::Program p = checked(kFlipFlop
                                 + "network n = rnn { units = 3, outputs = 2\n"
                                   "  W_input : init constant(0.5)\n  W_self : init zeros\n"
                                   "  b : init zeros }\n"
                                   "evaluate look = n on bits { trials = 3, save = [states, "
                                   "inputs] }\n");
    const i::EvaluateDef& def = p.evaluates.at("look");
    const auto task = i::make_task(p, p.tasks.at("bits"));
    const i::Evaluation ev =
        i::evaluate(p, def, i::build_network(p.networks.at("n"), task->input_size(), p.seed), *task,
                    p.tasks.at("bits"));
    REQUIRE(ev.saved.size() == 4);  // states, outputs, inputs, targets
    CHECK(ev.saved[0].first == i::SavedArray::States);
    CHECK(ev.saved[2].first == i::SavedArray::Inputs);
    const arma::fmat& h = ev.saved[0].second;
    const arma::fmat& x = ev.saved[2].second;
    REQUIRE(h.n_cols == 3 * 30);
    REQUIRE(x.n_cols == h.n_cols);
    CHECK(arma::abs(x).max() > 0.0F);  // the pulses are there
    for (arma::uword c = 0; c < h.n_cols; ++c)
        for (arma::uword u = 0; u < h.n_rows; ++u)
            CHECK(h(u, c) == doctest::Approx(std::tanh(0.5 * arma::accu(x.col(c)))).epsilon(1e-6));
    CHECK(ev.condition.size() == 3);
}
