// The updaters through the interpreter (docs/learning_rules.md): truncated BPTT, per-step
// backprop and DFA on standard networks, and the plastic network of seed 001, trained on
// key-recall, resumed from checkpoints and evaluated.
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "interpreter/load.hpp"
#include "interpreter/training.hpp"

namespace i = rnn::interp;
namespace rt = rnn::rt;

namespace {

struct Setup {
    i::Loaded loaded;
    std::unique_ptr<rnn::stdlib::TaskInstance> task;

    const i::Program& program() const { return *loaded.program; }

    const i::TrainDef& def() const { return program().trains.at("fit"); }
};

Setup setup(const std::string& network, const std::string& train_fields) {
    Setup s;
    s.loaded = i::load_text("learning_rules_test.rnn",
                            "seed 11\n"
                            "task keys = key_recall { input = last_one }\n"
                                + network + "\ntrain fit = net on keys {\n"
                                + " loss = cross_entropy(logits, target, mask: targets, "
                                  "ignore: -1)\n"
                                + train_fields + "\n}\n"
                                + "evaluate test = fit on keys { trials = 64 }\n");
    INFO(i::render_all(s.loaded, false));
    REQUIRE(s.loaded.program);
    s.task = i::make_task(s.program(), s.program().tasks.at("keys"));
    return s;
}

const std::string kPlastic =
    "network net = plastic { units = 16, layers = 2, outputs = 9, plastic_rate = 100 }";

// Trains in two halves through a checkpoint and compares with one uninterrupted run.
void check_resume(const Setup& s, long epochs) {
    const i::TrainedNetwork whole = i::train(s.program(), s.def(), *s.task, nullptr);
    const auto dir = std::filesystem::temp_directory_path() / "rnnlab_learning_rules_ckpt";
    std::filesystem::remove_all(dir);
    i::TrainCheckpoints first;
    first.after_epoch = [&](long done) {
        return done == epochs / 2 ? i::AfterEpoch::CheckpointAndStop : i::AfterEpoch::Continue;
    };
    first.save = [&](const rt::Checkpoint& c) {
        c.save(dir);
    };
    const i::TrainedNetwork part = i::train(s.program(), s.def(), *s.task, nullptr, first);
    REQUIRE(part.interrupted);
    const rt::Checkpoint saved = rt::Checkpoint::load(dir);
    i::TrainCheckpoints second;
    second.resume = &saved;
    const i::TrainedNetwork rest = i::train(s.program(), s.def(), *s.task, nullptr, second);
    CHECK(rest.history.rows == whole.history.rows);
    for (const auto& p : whole.net.params) {
        INFO(p.name);
        CHECK(arma::approx_equal(p.raw, rest.net.at(p.name).raw, "absdiff", 0.0F));
    }
    std::filesystem::remove_all(dir);
}

double mean_loss(const rnn::stdlib::History& h, std::size_t first, std::size_t count) {
    double sum = 0.0;
    for (std::size_t r = first; r < first + count; ++r)
        sum += h.rows.at(r).at(1);
    return sum / static_cast<double>(count);
}

}  // namespace

TEST_CASE("backprop and dfa learn key-recall step by step on an rnn") {
    for (const char* updater : {"backprop", "dfa"}) {
        INFO(updater);
        const Setup s = setup("network net = rnn { units = 32, outputs = 9 }",
                              std::string("updater = ") + updater
                                  + "\n optimizer = sgd { lr = 0.05 }\n batch = 8\n batches = 20\n"
                                    " epochs = 10");
        CHECK(s.def().rule
              == (std::string(updater) == "dfa" ? rt::UpdateRule::Dfa : rt::UpdateRule::Backprop));
        const i::TrainedNetwork t = i::train(s.program(), s.def(), *s.task, nullptr);
        REQUIRE(t.history.rows.size() == 10);
        // From chance (ln 9 = 2.2) the loss falls as the digit statistics are learnt.
        CHECK(mean_loss(t.history, 7, 3) < mean_loss(t.history, 0, 2) - 0.2);
    }
}

TEST_CASE("online and plastic trainings resume from a checkpoint bit for bit") {
    SUBCASE("rnn, dfa, adam") {
        check_resume(setup("network net = rnn { units = 8, outputs = 9 }",
                           "updater = dfa\n optimizer = adam { lr = 0.01 }\n batch = 4\n "
                           "epochs = 6"),
                     6);
    }
    SUBCASE("gru, backprop") {
        check_resume(setup("network net = gru { units = 8, outputs = 9 }",
                           "updater = backprop\n optimizer = sgd { lr = 0.1 }\n batch = 4\n "
                           "epochs = 6"),
                     6);
    }
    SUBCASE("plastic, dfa") {
        check_resume(setup(kPlastic,
                           "updater = dfa\n optimizer = sgd { lr = 1e-3 }\n batch = 4\n "
                           "epochs = 6"),
                     6);
    }
    SUBCASE("plastic, bptt") {
        check_resume(setup(kPlastic,
                           "updater = bptt\n optimizer = sgd { lr = 1e-2 }\n batch = 4\n "
                           "epochs = 6"),
                     6);
    }
}

TEST_CASE("bptt(truncate: K) with K at least the trial length is full bptt, and shorter differs") {
    const std::string net = "network net = rnn { units = 8, outputs = 9 }";
    const std::string rest = "\n optimizer = adam { lr = 0.01 }\n batch = 4\n epochs = 4";
    const Setup full = setup(net, "updater = bptt" + rest);
    const Setup long_window = setup(net, "updater = bptt(truncate: 1000)" + rest);
    const Setup short_window = setup(net, "updater = bptt(truncate: 2)" + rest);
    CHECK(long_window.def().truncate == 1000);
    CHECK(long_window.def().updater == "bptt(truncate: 1000)");
    const auto a = i::train(full.program(), full.def(), *full.task, nullptr);
    const auto b = i::train(long_window.program(), long_window.def(), *long_window.task, nullptr);
    const auto c =
        i::train(short_window.program(), short_window.def(), *short_window.task, nullptr);
    CHECK(a.history.rows == b.history.rows);
    CHECK(a.history.rows.front() == c.history.rows.front());  // same first forward pass
    CHECK(a.history.rows.back() != c.history.rows.back());    // different gradients since
}

TEST_CASE("a plastic network's C learns, and evaluating it leaves the trained weights alone") {
    const Setup s = setup(kPlastic,
                          "updater = dfa\n optimizer = sgd { lr = 1e-2 }\n batch = 4\n "
                          "epochs = 3");
    const rt::Network<float> initial =
        i::build_network(s.program().networks.at("net"), s.task->input_size(), 11);
    const i::TrainedNetwork t = i::train(s.program(), s.def(), *s.task, nullptr);
    // C starts at zero; slow learning moves the non-plastic entries of the layers DFA trains.
    CHECK(arma::all(arma::vectorise(initial.at("C.1").raw) == 0.0F));
    CHECK(arma::abs(t.net.at("C.1").raw).max() > 0.0F);
    CHECK(arma::abs(t.net.at("C.i2o").raw).max() > 0.0F);
    // dfa_hidden_head = frozen (the seed): i2h is never updated.
    CHECK(arma::all(arma::vectorise(t.net.at("C.i2h").raw) == 0.0F));
    // Between batches the plastic entries are wiped: what is kept has zeros under the mask.
    const arma::fmat masked = t.net.at("C.1").raw % t.net.at("mask.1").raw;
    CHECK(arma::abs(masked).max() == 0.0F);

    const i::TrainedNetwork before = t;
    const i::Evaluation ev = i::evaluate(s.program(), s.program().evaluates.at("test"), t.net,
                                         *s.task, s.program().tasks.at("keys"));
    CHECK(ev.per_trial.at("accuracy").size() == 64);
    for (const auto& p : before.net.params)
        CHECK(arma::approx_equal(p.raw, t.net.at(p.name).raw, "absdiff", 0.0F));
}

TEST_CASE("a plastic network's evaluation takes clamps, but not perturb or start yet") {
    const std::string base = "seed 11\n"
                             "task keys = key_recall { input = last_one }\n"
                             + kPlastic
                             + "\ntrain fit = net on keys {\n"
                               " loss = cross_entropy(logits, target, mask: targets, ignore: -1)\n"
                               " updater = dfa\n optimizer = sgd { lr = 1e-2 }\n batch = 4\n"
                               " epochs = 1\n}\n";

    // The same evaluation, with and without the clamp: the same trials, the same network.
    struct Seen {
        arma::fcube inputs;
        arma::fmat correct;
    };

    auto evaluate = [&](const std::string& fields) {
        const i::Loaded l = i::load_text(
            "t.rnn", base + "evaluate test = fit on keys { trials = 16\n" + fields + "\n}\n");
        INFO(i::render_all(l, false));
        REQUIRE(l.program);
        const i::Program& p = *l.program;
        const auto task = i::make_task(p, p.tasks.at("keys"));
        const i::TrainedNetwork t = i::train(p, p.trains.at("fit"), *task, nullptr);
        i::EvaluateDef def = p.evaluates.at("test");
        def.keep_activity = true;  // to see the inputs as the network saw them
        const i::Evaluation ev = i::evaluate(p, def, t.net, *task, p.tasks.at("keys"));
        return Seen{ev.inputs, ev.signals.at("correct")};
    };
    const Seen free = evaluate("");
    const Seen held = evaluate("clamp = input(0, 30.0)");
    REQUIRE(held.inputs.n_elem == free.inputs.n_elem);
    // Channel 0 is 30 at every step of every trial; the other channels are untouched.
    CHECK(arma::all(arma::vectorise(held.inputs.col(0)) == 30.0F));
    CHECK(arma::all(arma::vectorise(free.inputs.col(0)) != 30.0F));
    CHECK(arma::approx_equal(held.inputs.cols(1, held.inputs.n_cols - 1),
                             free.inputs.cols(1, free.inputs.n_cols - 1), "absdiff", 0.0F));
    // And the network answers differently.
    CHECK_FALSE(arma::approx_equal(held.correct, free.correct, "absdiff", 0.0F));

    for (const char* field : {"perturb = state(0.5, at: 3 steps)", "start = 0.1"}) {
        const i::Loaded bad =
            i::load_text("t.rnn", base + "evaluate kicked = fit on keys {\n  " + field + "\n}\n");
        CHECK_FALSE(bad.program);
        CHECK(i::render_all(bad, false).find("[E0208]") != std::string::npos);
    }
}
