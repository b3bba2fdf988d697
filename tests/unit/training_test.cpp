// Training through the interpreter for every cell kind: networks built from their
// definitions (tensors, defaults, trainable initial states, noise), trained on a task, and
// resumed from a checkpoint bit for bit.
#include "interpreter/training.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "interpreter/load.hpp"
#include "interpreter/training/metrics.hpp"
#include "runtime/random.hpp"

namespace i = rnn::interp;
namespace rt = rnn::rt;

namespace {

struct Setup {
    i::Loaded loaded;
    std::unique_ptr<rnn::stdlib::TaskInstance> task;

    const i::Program& program() const { return *loaded.program; }

    const i::TrainDef& def(const std::string& name = "fit") const {
        return program().trains.at(name);
    }
};

Setup setup(const std::string& network, const std::string& train_fields = "epochs = 20",
            const std::string& loss = "loss = -mean(overlap, during: retain)") {
    Setup s;
    s.loaded = i::load_text("training_test.rnn",
                            "seed 5\n"
                            "task memories = memory_recall { units = 8, patterns = 2, present = "
                            "5 steps, retain = 10 steps }\n"
                                + network + "\ntrain fit = net on memories { " + loss
                                + "\n optimizer = adam { lr = 0.01 }\n" + train_fields + " }\n");
    INFO(i::render_all(s.loaded, false));
    REQUIRE(s.loaded.program);
    const auto& task_def = s.program().tasks.at("memories");
    rt::RandomStream stream(i::task_setup_key(s.program(), "memories"));
    s.task = task_def.entry->make(task_def.params, stream);
    return s;
}

double column_mean(const rnn::stdlib::History& h, std::size_t first, std::size_t count,
                   std::size_t column) {
    double sum = 0.0;
    for (std::size_t r = first; r < first + count; ++r)
        sum += h.rows.at(r).at(column);
    return sum / static_cast<double>(count);
}

}  // namespace

TEST_CASE("every cell kind builds its tensors from the definition and learns the task") {
    const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
        {"network net = rnn { units = 8 }", {"W_self", "W_input", "b", "h0"}},
        {"network net = gru { units = 8 }", {"W_self", "W_input", "b_self", "b_input", "h0"}},
        {"network net = lstm { units = 8, outputs = 3 }",
         {"W_self", "W_input", "b_self", "b_input", "W_out", "b_out", "h0", "c0"}},
        {"network net = ctrnn { units = 8, tau = 10 ms, gain = 1.2, outputs = 2 }",
         {"G", "I", "w", "h0"}},
    };
    for (const auto& [text, names] : kinds) {
        INFO(text);
        const Setup s = setup(text);
        const i::TrainedNetwork t = i::train(s.program(), s.def(), *s.task, nullptr);
        std::vector<std::string> got;
        for (const auto& p : t.net.params)
            got.push_back(p.name);
        CHECK(got == names);
        CHECK(t.net.at("h0").constraint.fixed);  // zero and fixed unless made trainable
        CHECK(arma::all(arma::vectorise(t.net.at("h0").raw) == 0.0F));
        // The loss is -overlap: it falls from the first epochs to the last.
        REQUIRE(t.history.rows.size() == 20);
        CHECK(column_mean(t.history, 15, 5, 1) < column_mean(t.history, 0, 5, 1) - 0.01);
    }
}

TEST_CASE("the shapes and defaults follow the kind: gate stacks, PyTorch bounds, seed 002") {
    const Setup g = setup("network net = gru { units = 8, outputs = 2 }", "epochs = 1");
    const rt::Network<float> gru =
        i::build_network(g.program().networks.at("net"), g.task->input_size(), 5);
    CHECK(arma::size(gru.at("W_self").raw) == arma::size(24, 8));
    CHECK(arma::size(gru.at("W_input").raw) == arma::size(24, 8));
    CHECK(arma::size(gru.at("W_out").raw) == arma::size(2, 8));
    const float bound = 1.0F / std::sqrt(8.0F);
    for (const char* name : {"W_self", "W_input", "b_self", "b_input", "W_out", "b_out"}) {
        INFO(name);
        CHECK(arma::abs(gru.at(name).raw).max() <= bound);
        CHECK(arma::abs(gru.at(name).raw).max() > 0.5F * bound);
    }
    // seed 002: I and w share one re-seeded stream, so I = sqrt(N) w / (1/sqrt(N) * sqrt(N)).
    const Setup c = setup(
        "network net = ctrnn { units = 8, inputs = 8, outputs = 8\n"
        "  I : init normal(1.0), stream \"io\"\n"
        "  w : init normal(0.5), stream \"io\" }",
        "epochs = 1");
    const rt::Network<float> ctrnn =
        i::build_network(c.program().networks.at("net"), c.task->input_size(), 5);
    CHECK(arma::approx_equal(ctrnn.at("I").raw, 2.0F * ctrnn.at("w").raw, "absdiff", 1e-6F));
    CHECK(ctrnn.alpha == doctest::Approx(1.0 / 100.0));  // dt = 1 ms, tau = 100 ms defaults
}

TEST_CASE(
    "a trainable initial state learns, and noise changes training and is drawn reproducibly") {
    const Setup s = setup("network net = rnn { units = 8\n  h0 : trainable, init constant(0.1) }",
                          "epochs = 5");
    const i::TrainedNetwork t = i::train(s.program(), s.def(), *s.task, nullptr);
    CHECK_FALSE(t.net.at("h0").constraint.fixed);
    CHECK(arma::any(arma::vectorise(arma::abs(t.net.at("h0").raw - 0.1F)) > 1e-4F));

    const Setup quiet = setup("network net = gru { units = 8 }", "epochs = 5");
    const Setup noisy = setup("network net = gru { units = 8, noise = 0.1 }", "epochs = 5");
    const auto a = i::train(quiet.program(), quiet.def(), *quiet.task, nullptr);
    const auto b = i::train(noisy.program(), noisy.def(), *noisy.task, nullptr);
    const auto b2 = i::train(noisy.program(), noisy.def(), *noisy.task, nullptr);
    CHECK(a.history.rows.back()[1] != b.history.rows.back()[1]);
    CHECK(b.history.rows == b2.history.rows);
}

TEST_CASE("a training resumed from a checkpoint ends bit-identical to an uninterrupted one") {
    // Noise, Adam moments, the trial stream and an early-stop streak all carry state.
    const Setup s = setup("network net = lstm { units = 8, noise = 0.05 }",
                          "epochs = 12\n stop_when = loss < 100 for 50 epochs");
    const i::TrainedNetwork whole = i::train(s.program(), s.def(), *s.task, nullptr);

    const auto dir = std::filesystem::temp_directory_path() / "rnnlab_training_test_ckpt";
    std::filesystem::remove_all(dir);
    i::TrainCheckpoints first;
    first.after_epoch = [](long done) {
        return done == 5 ? i::AfterEpoch::CheckpointAndStop : i::AfterEpoch::Continue;
    };
    first.save = [&](const rt::Checkpoint& c) {
        c.save(dir);
    };
    const i::TrainedNetwork part = i::train(s.program(), s.def(), *s.task, nullptr, first);
    CHECK(part.interrupted);
    CHECK(part.epochs_run == 5);

    const rt::Checkpoint saved = rt::Checkpoint::load(dir);
    i::TrainCheckpoints second;
    second.resume = &saved;
    long epochs_trained = 0;
    const i::TrainedNetwork rest = i::train(
        s.program(), s.def(), *s.task,
        [&](long, long, double, const std::map<std::string, double>&) { ++epochs_trained; },
        second);
    CHECK(epochs_trained == 7);  // it went on from epoch 5, not from the start
    CHECK(rest.epochs_run == 12);
    CHECK(rest.history.rows == whole.history.rows);
    for (const auto& p : whole.net.params) {
        INFO(p.name);
        CHECK(arma::approx_equal(p.raw, rest.net.at(p.name).raw, "absdiff", 0.0F));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a checkpoint that cannot be saved is a warning, and the training goes on") {
    // Tests run as root, where permissions stop no write: a file where the checkpoint's
    // folder should be fails as a full disk would.
    const Setup s = setup("network net = rnn { units = 8 }", "epochs = 6");
    const auto blocker = std::filesystem::temp_directory_path() / "rnnlab_training_test_blocker";
    std::filesystem::remove_all(blocker);
    std::FILE* f = std::fopen(blocker.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fclose(f);
    i::TrainCheckpoints checkpoints;
    checkpoints.after_epoch = [](long done) {
        return done % 2 == 0 ? i::AfterEpoch::Checkpoint : i::AfterEpoch::Continue;
    };
    checkpoints.save = [&](const rt::Checkpoint& c) {
        c.save(blocker / "checkpoint");
    };
    std::vector<std::string> warnings;
    checkpoints.warn = [&](const std::string& line) {
        warnings.push_back(line);
    };
    const i::TrainedNetwork trained = i::train(s.program(), s.def(), *s.task, nullptr, checkpoints);
    CHECK(trained.epochs_run == 6);
    CHECK_FALSE(trained.interrupted);
    REQUIRE(warnings.size() == 2);  // after epochs 2 and 4 (none after the last)
    CHECK(warnings[0].find("train fit: warning: the checkpoint after epoch 2") == 0);
    CHECK(warnings[1].find("after epoch 4") != std::string::npos);
    // The reason is the system's.
    CHECK(warnings[0].find("Not a directory") != std::string::npos);
    // Without a listener the training goes on all the same.
    checkpoints.warn = nullptr;
    CHECK(i::train(s.program(), s.def(), *s.task, nullptr, checkpoints).epochs_run == 6);
    std::filesystem::remove(blocker);
}

TEST_CASE("l1 and rate_l2 loss terms are the sum of |W| and the mean squared rate") {
    const Setup s = setup("network net = ctrnn { units = 8, tau = 10 ms }", "epochs = 1",
                          "loss = 0.5 * l1(net.I) + rate_l2(rates)");
    const i::TrainedNetwork t = i::train(s.program(), s.def(), *s.task, nullptr);
    const auto& cols = t.history.columns;
    REQUIRE(cols.size() >= 4);
    CHECK(cols[2] == "loss_l1");
    CHECK(cols[3] == "loss_rate_l2");
    // Epoch 1 is evaluated at the initial weights, drawn as build_network draws them.
    const rt::Network<float> net =
        i::build_network(s.program().networks.at("net"), s.task->input_size(), 5);
    const double l1 = arma::accu(arma::abs(arma::conv_to<arma::mat>::from(net.at("I").raw)));
    CHECK(t.history.rows[0][2] == doctest::Approx(0.5 * l1).epsilon(1e-5));
    CHECK(t.history.rows[0][3] > 0.0);
    CHECK(t.history.rows[0][3] < 1.0);  // tanh rates
}

TEST_CASE("evaluate { trials = N } evaluates N fresh trials") {
    const i::Loaded loaded =
        i::load_text("eval.rnn",
                     "task memories = memory_recall { units = 8, patterns = 2, present = 5 "
                     "steps, retain = 10 steps }\n"
                     "network net = rnn { units = 8 }\n"
                     "train fit = net on memories { loss = -mean(overlap, during: retain), "
                     "epochs = 2 }\n"
                     "evaluate five = fit on memories { trials = 5 }\n"
                     "evaluate each = fit on memories\n");
    INFO(i::render_all(loaded, false));
    REQUIRE(loaded.program);
    const i::Program& p = *loaded.program;
    const auto& task_def = p.tasks.at("memories");
    rt::RandomStream stream(i::task_setup_key(p, "memories"));
    const auto task = task_def.entry->make(task_def.params, stream);
    const auto trained = i::train(p, p.trains.at("fit"), *task, nullptr);
    const auto five = i::evaluate(p, p.evaluates.at("five"), trained.net, *task, task_def);
    const auto each = i::evaluate(p, p.evaluates.at("each"), trained.net, *task, task_def);
    CHECK(five.per_trial.at("retention").size() == 5);
    CHECK(five.condition == std::vector<long>{0, 1, 0, 1, 0});
    CHECK(each.per_trial.at("retention").size() == 2);  // one per pattern
}

TEST_CASE("an lstm evaluation an analysis reads keeps the cell states beside the activity") {
    for (const std::string kind : {"lstm", "rnn"}) {
        CAPTURE(kind);
        const i::Loaded loaded = i::load_text(
            "cells.rnn", "task memories = memory_recall { units = 6, patterns = 2, present = 3 "
                         "steps, retain = 5 steps }\n"
                         "network net = "
                             + kind
                             + " { units = 6 }\n"
                               "train fit = net on memories { loss = -mean(overlap, during: "
                               "retain), epochs = 2 }\n"
                               "evaluate test = fit on memories\n"
                               "analyze fp = fixed_points(fit, test, starts: 2)\n");
        INFO(i::render_all(loaded, false));
        REQUIRE(loaded.program);
        const i::Program& p = *loaded.program;
        REQUIRE(p.evaluates.at("test").keep_activity);
        const auto& task_def = p.tasks.at("memories");
        rt::RandomStream stream(i::task_setup_key(p, "memories"));
        const auto task = task_def.entry->make(task_def.params, stream);
        const auto trained = i::train(p, p.trains.at("fit"), *task, nullptr);
        const auto ev = i::evaluate(p, p.evaluates.at("test"), trained.net, *task, task_def);
        REQUIRE(ev.activity.n_slices == 8);
        if (kind == "lstm") {
            REQUIRE(arma::size(ev.cells) == arma::size(ev.activity));
            // h = o * tanh(c): |h| < |tanh(c)| <= |c| elementwise, and c is not all zero.
            CHECK(arma::abs(ev.cells).max() > 0.0F);
            CHECK(
                arma::all(arma::vectorise(arma::abs(ev.activity) <= arma::abs(ev.cells) + 1e-6F)));
        } else {
            CHECK(ev.cells.is_empty());
        }
    }
}

TEST_CASE("on_nan = end_epoch skips the step and the rest of the epoch, and training goes on") {
    // A linear network with W ~ N(0, 25) overflows within the first trial.
    const std::string script = R"(
task m = memory_recall { units = 4, present = 5 steps, retain = 400 steps }
network n = rnn { units = 4, activation = linear
  W_self : init normal(5) }
train f = n on m { loss = -mean(overlap, during: retain), epochs = 3, batches = 2, ON_NAN }
)";
    auto load = [&](const std::string& on_nan) {
        std::string text = script;
        text.replace(text.find("ON_NAN"), 6, on_nan);
        return i::load_text("nan.rnn", text);
    };
    const i::Loaded stop = load("on_nan = stop");
    const i::Loaded skip = load("on_nan = end_epoch");
    REQUIRE(stop.program);
    REQUIRE(skip.program);
    const auto& task_def = skip.program->tasks.at("m");
    rt::RandomStream stream(i::task_setup_key(*skip.program, "m"));
    const auto task = task_def.entry->make(task_def.params, stream);
    CHECK_THROWS_AS(i::train(*stop.program, stop.program->trains.at("f"), *task, nullptr),
                    i::RuntimeFailure);
    const i::TrainedNetwork t =
        i::train(*skip.program, skip.program->trains.at("f"), *task, nullptr);
    CHECK(t.epochs_run == 3);
    CHECK(t.nan_epochs == 3);  // no step is ever taken: the weights never change
    CHECK(std::isnan(t.history.rows[0][1]));
    const rt::Network<float> start =
        i::build_network(skip.program->networks.at("n"), task->input_size(), 0);
    CHECK(arma::approx_equal(start.at("W_self").raw, t.net.at("W_self").raw, "absdiff", 0.0F));
}

TEST_CASE("TASK.inputs and TASK.outputs give a network the task's widths") {
    const i::Loaded l = i::load_text(
        "widths.rnn",
        "task seqs = sequence_wm { lengths = [2], positions = 3 }\n"
        "network net = gru { units = 16, inputs = seqs.inputs, outputs = seqs.outputs }\n"
        "train fit = net on seqs { loss = cross_entropy(logits, target, mask: response) }\n");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    CHECK(l.program->networks.at("net").params.integer("inputs") == 8 + 3 + 3);
    CHECK(l.program->networks.at("net").params.integer("outputs") == 8);
}

TEST_CASE("a task variant shows its parent's patterns, so a model is tested on noisier input") {
    const i::Loaded loaded =
        i::load_text("variant_test.rnn",
                     "seed 3\n"
                     "task memories = memory_recall { units = 8, patterns = 3, present = 2 "
                     "steps, retain = 2 steps }\n"
                     "task noisy = memories { noise = 0.5 }\n"
                     "task flipped = noisy { noise = 0, flip = 0.2 }\n"
                     "task more = memories { patterns = 5 }\n"
                     "task other = memory_recall { units = 8, patterns = 3, present = 2 steps, "
                     "retain = 2 steps }\n");
    INFO(i::render_all(loaded, false));
    REQUIRE(loaded.program);
    const i::Program& p = *loaded.program;
    CHECK(p.tasks.at("flipped").data_origin == "memories");
    auto patterns = [&](const std::string& name) {
        return i::make_task(p, p.tasks.at(name))->matrix("patterns", nullptr);
    };
    const arma::fmat base = patterns("memories");
    CHECK(arma::approx_equal(patterns("noisy"), base, "absdiff", 0.0F));
    CHECK(arma::approx_equal(patterns("flipped"), base, "absdiff", 0.0F));
    CHECK(arma::approx_equal(patterns("more").cols(0, 2), base, "absdiff", 0.0F));
    CHECK_FALSE(arma::approx_equal(patterns("other"), base, "absdiff", 0.0F));
}

TEST_CASE("a classic task's default durations keep their time when the block changes dt") {
    const i::Loaded loaded =
        i::load_text("dt_test.rnn",
                     "task coarse = go_no_go { }\n"
                     "task fine = go_no_go { dt = 10 ms, stimulus = 3 steps }\n"
                     "task finer = go_no_go { dt = 5 ms }\n");
    INFO(i::render_all(loaded, false));
    REQUIRE(loaded.program);
    const auto& tasks = loaded.program->tasks;
    CHECK(tasks.at("coarse").params.integer("fixation") == 5);  // 100 ms at 20 ms
    CHECK(tasks.at("fine").params.integer("fixation") == 10);   // 100 ms at 10 ms
    CHECK(tasks.at("finer").params.integer("response") == 20);  // 100 ms at 5 ms
    CHECK(tasks.at("fine").params.integer("stimulus") == 3);    // given: kept
    const auto delay = tasks.at("fine").params.draw("delay");   // 200 +- 100 ms
    CHECK(delay.low == 10.0);
    CHECK(delay.high == 30.0);
}

TEST_CASE("a metric over a period with no step in the trial is NaN, not a read past its end") {
    // integration_memory's plateau is [cost_onset, length): empty when cost_onset >= length.
    const arma::fmat signal(2, 5, arma::fill::ones);
    const rnn::stdlib::MetricSpec m{"plateau_error", "squared_error", rt::TimeReduction::Mean,
                                    "plateau", ""};
    const std::vector<double> empty = i::metric_per_trial(m, signal, {"plateau", 5, 5});
    REQUIRE(empty.size() == 2);
    CHECK(std::isnan(empty[0]));
    CHECK(std::isnan(empty[1]));
    const std::vector<double> last = i::metric_per_trial(m, signal, {"plateau", 4, 9});
    CHECK(last[0] == 1.0);
}
