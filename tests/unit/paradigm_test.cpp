// A paradigm's trials (docs/tasks.md, "Writing your own task"): what each declaration makes,
// through the checker and the task it builds, as a script would use them.
#include <cmath>
#include <string>

#include <doctest/doctest.h>

#include "interpreter/diagnostics.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/load.hpp"
#include "interpreter/training.hpp"

namespace i = rnn::interp;
namespace s = rnn::stdlib;

namespace {

struct Made {
    i::Loaded loaded;
    std::unique_ptr<s::TaskInstance> task;

    const s::TaskEntry& entry() const { return *loaded.program->tasks.at("t").entry; }
};

Made make(const std::string& declaration, const std::string& name = "t") {
    Made m;
    m.loaded = i::load_text("paradigm_test.rnn", declaration);
    INFO(i::render_all(m.loaded, false));
    REQUIRE(m.loaded.program);
    m.task = i::make_task(*m.loaded.program, m.loaded.program->tasks.at(name));
    return m;
}

const std::string kPeriods = "  periods = { first = 2 steps, second = 3 steps, last = 1 steps }\n";

float input(const s::TrialBatch& b, arma::uword row, arma::uword trial, arma::uword t) {
    return b.inputs(row, t * b.batch + trial);
}

const s::TrialVariable& variable(const s::TrialBatch& b, const std::string& name) {
    const s::TrialVariable* v = s::find_variable(b, name);
    REQUIRE(v != nullptr);
    return *v;
}

}  // namespace

TEST_CASE("a paradigm's inputs hold each period's value, and 0 where none is given") {
    const Made m = make("task t = paradigm {\n" + kPeriods
                        + "  inputs = { a = during(all: 1, last: 0)\n"
                          "             b = during(second: [2, 3])\n"
                          "             c = 5 }\n"
                          "  target = classes(last: 1)\n}\n");
    CHECK(m.task->input_size() == 4);
    CHECK(m.task->output_size() == 2);
    CHECK(m.task->steps() == 6);
    CHECK(m.entry().input_names == std::vector<std::string>{"a", "b 1", "b 2", "c"});
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(1, 0), 3);
    for (arma::uword t = 0; t < 6; ++t) {
        CHECK(input(b, 0, 1, t) == (t < 5 ? 1.0F : 0.0F));
        CHECK(input(b, 1, 1, t) == (t >= 2 && t < 5 ? 2.0F : 0.0F));
        CHECK(input(b, 2, 1, t) == (t >= 2 && t < 5 ? 3.0F : 0.0F));
        CHECK(input(b, 3, 1, t) == 5.0F);
        CHECK(b.step_targets(0, t * b.batch + 1) == (t == 5 ? 1.0F : 0.0F));
    }
}

TEST_CASE("a paradigm's functions compute as documented") {
    const Made m = make(
        "task t = paradigm {\n"
        "  variables = { a = 7, b = -3\n"
        "    m1 = mod(a, 3), m2 = mod(b, 3), m3 = mod(a, -3)\n"
        "    s = sign(b), f = floor(-0.5), r = round(2.5), mn = min(a, b), mx = max(a, b)\n"
        "    lo = a < b, both = a > 0 and b > 0, either = a > 0 or b > 0, no = not (a > 0)\n"
        "    pick = if(a > b, 10, 20), q = a / 2 - -b * 2, root = sqrt(16), ab = abs(b) }\n"
        + kPeriods + "  inputs = { x = one_hot(2, 3) }\n  target = classes(all: 0)\n}\n");
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(1, 0), 1);
    const std::map<std::string, double> want = {
        {"m1", 1.0},    {"m2", 0.0}, {"m3", -2.0},  {"s", -1.0},   {"f", -1.0},     {"r", 3.0},
        {"mn", -3.0},   {"mx", 7.0}, {"lo", 0.0},   {"both", 0.0}, {"either", 1.0}, {"no", 0.0},
        {"pick", 10.0}, {"q", -2.5}, {"root", 4.0}, {"ab", 3.0}};
    for (const auto& [name, value] : want) {
        CAPTURE(name);
        CHECK(variable(b, name).values[0] == value);
    }
    CHECK(input(b, 2, 0, 0) == 1.0F);
    CHECK(input(b, 0, 0, 0) == 0.0F);
}

TEST_CASE("a paradigm draws each trial from its own stream, in the order written") {
    const std::string text = "task t = paradigm {\n"
                             "  variables = { k = choice(0..3), u = uniform(1, 2)\n"
                             "    g = normal(0, 1), coin = bernoulli(0.3)\n"
                             "    late = if(coin, uniform(5, 6), 0) }\n"
                             + kPeriods
                             + "  inputs = { x = during(first: u) + noise(0.5) }\n"
                               "  target = classes(last: k)\n}\n";
    const Made m = make(text);
    // Trial 5 of a batch of 8 is trial 5 of a batch of 6 drawn from the same place.
    const s::TrialBatch a = m.task->evaluation_batch(s::TrialDraws(9, 100), 8);
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(9, 105), 1);
    for (const char* name : {"k", "u", "g", "coin", "late"})
        CHECK(variable(a, name).values[5] == variable(b, name).values[0]);
    for (arma::uword t = 0; t < a.steps; ++t)
        CHECK(input(a, 0, 5, t) == input(b, 0, 0, t));
    // The values are in their ranges; `late` draws only when `coin` is 1.
    const s::TrialBatch many = m.task->evaluation_batch(s::TrialDraws(3, 0), 400);
    double coins = 0.0;
    for (arma::uword n = 0; n < many.batch; ++n) {
        const double k = variable(many, "k").values[n];
        CHECK((k >= 0 && k <= 3 && k == std::floor(k)));
        CHECK(variable(many, "u").values[n] >= 1.0);
        CHECK(variable(many, "u").values[n] < 2.0);
        const double coin = variable(many, "coin").values[n];
        coins += coin;
        CHECK(variable(many, "late").values[n]
              == doctest::Approx(coin > 0 ? 5.5 : 0.0).epsilon(0.1));
        CHECK(many.condition[n] == static_cast<long>(k));  // the class it must choose
    }
    CHECK(coins / 400.0 == doctest::Approx(0.3).epsilon(0.25));
    // Whole numbers from a choice are categories; the rest quantities.
    CHECK(m.entry().variables[0].name == "k");
    CHECK(variable(many, "k").category);
    CHECK(variable(many, "coin").category);
    CHECK_FALSE(variable(many, "u").category);
}

TEST_CASE("a period may last a drawn duration, and masks follow each trial's periods") {
    const Made m = make(
        "task t = paradigm {\n"
        "  dt = 10 ms\n"
        "  grace = 10 ms\n"
        "  variables = { wait = choice([20 ms, 50 ms]) }\n"
        "  periods = { cue = 20 ms, delay = wait, go = 30 ms +- 10 ms }\n"
        "  inputs = { cue = during(cue: 1) }\n"
        "  target = classes(go: 1)\n}\n");
    CHECK(m.task->steps() == 2 + 5 + 3);  // the longest: 50 ms wait, 30 ms go
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(4, 0), 50);
    const arma::fmat delay = m.task->mask("delay", b);
    const arma::fmat response = m.task->mask("response", b);
    const arma::fmat go = m.task->mask("go", b);
    CHECK(arma::approx_equal(go, response, "absdiff", 0.0F));
    for (arma::uword n = 0; n < b.batch; ++n) {
        const double wait = variable(b, "wait").values[n];
        CHECK((wait == 2.0 || wait == 5.0));  // steps
        CHECK(variable(b, "delay_duration").values[n] == wait);
        const double go_steps = variable(b, "go_duration").values[n];
        CHECK((go_steps == 2.0 || go_steps == 3.0));
        double in_delay = 0.0, scored = 0.0;
        for (arma::uword t = 0; t < b.steps; ++t) {
            in_delay += delay(0, t * b.batch + n);
            scored += response(0, t * b.batch + n);
        }
        CHECK(in_delay == wait);
        CHECK(scored == go_steps - 1.0);  // less the grace of one step
    }
}

TEST_CASE("a catch trial shows the first period's inputs and target throughout") {
    const Made m = make("task t = paradigm {\n  catch = 0.5\n"
                        "  variables = { side = choice(0..1) }\n" + kPeriods
                        + "  inputs = { fix = during(all: 1, last: 0)\n"
                          "             stim = during(second: 1 + side) + noise(0.1) }\n"
                          "  target = classes(all: 0, last: 1 + side)\n}\n");
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(5, 0), 40);
    int catches = 0;
    for (arma::uword n = 0; n < b.batch; ++n) {
        if (!b.catch_trial[n])
            continue;
        ++catches;
        CHECK(b.condition[n] == 0);
        for (arma::uword t = 0; t < b.steps; ++t) {
            CHECK(input(b, 0, n, t) == 1.0F);
            CHECK(std::abs(input(b, 1, n, t)) < 0.6F);  // noise only
            CHECK(b.step_targets(0, t * b.batch + n) == 0.0F);
        }
    }
    CHECK(catches > 5);
}

TEST_CASE("a paradigm with values targets trains by regression") {
    const Made m = make("task t = paradigm {\n"
                        "  variables = { x = uniform(-1, 1) }\n" + kPeriods
                        + "  inputs = { x = during(first: x) }\n"
                          "  target = values(last: [x, 2 * x])\n}\n");
    CHECK(m.task->output_size() == 2);
    const auto& metrics = m.entry().metrics;
    CHECK(std::any_of(metrics.begin(), metrics.end(),
                      [](const s::MetricSpec& x) { return x.name == "mse"; }));
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(5, 0), 4);
    const double x = variable(b, "x").values[2];
    CHECK(b.step_targets(0, 5 * b.batch + 2) == static_cast<float>(x));
    CHECK(b.step_targets(1, 5 * b.batch + 2) == static_cast<float>(2 * x));
    CHECK(b.step_targets(1, 0 * b.batch + 2) == 0.0F);
}

TEST_CASE("a variant of a paradigm changes a variable, a period or an input by name") {
    const std::string base = "task t = paradigm {\n"
                             "  variables = { side = choice(0..1), c = uniform(0, 1) }\n"
                             + kPeriods
                             + "  inputs = { fix = during(all: 1, last: 0)\n"
                               "             stim = during(second: c) }\n"
                               "  target = classes(last: 1 + side)\n}\n";
    const Made m = make(base
                            + "task v = t { variables = { side = 1 }\n"
                              "  periods = { second = 5 steps }\n"
                              "  inputs = { stim = during(second: 2 * c) } }\n",
                        "v");
    CHECK(m.task->steps() == 8);
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(5, 0), 20);
    for (arma::uword n = 0; n < b.batch; ++n) {
        CHECK(variable(b, "side").values[n] == 1.0);
        CHECK(input(b, 1, n, 3) == static_cast<float>(2 * variable(b, "c").values[n]));
    }
    // The variant is a task of its own: its node key differs from the base's.
    const i::Program& p = *m.loaded.program;
    CHECK(p.tasks.at("v").definition_key != p.tasks.at("t").definition_key);
    CHECK(p.tasks.at("v").data_origin == "t");
}

TEST_CASE("a changed declaration changes the task's node key, a reformatted one does not") {
    auto key = [](const std::string& text) {
        const i::Loaded l = i::load_text("k.rnn", text + "network n = rnn { units = 4, outputs = 2 }\n"
                                                         "evaluate e = n on t\n");
        REQUIRE(l.program);
        return i::lower(*l.program).nodes.front().key;
    };
    const std::string a = "task t = paradigm {\n" + kPeriods
                          + "  inputs = { x = during(first: 1) }\n  target = classes(last: 1)\n}\n";
    const std::string reformatted =
        "task t = paradigm { periods = { first = 2 steps, second = "
        "3 steps, last = 1 steps }, inputs = { x = during(first: "
        "1) }, target = classes(last: 1) }\n";
    const std::string changed = "task t = paradigm {\n" + kPeriods
                                + "  inputs = { x = during(first: 2) }\n  target = "
                                  "classes(last: 1)\n}\n";
    CHECK(key(a) == key(reformatted));
    CHECK(key(a) != key(changed));
}

TEST_CASE("an evaluation clamps a paradigm's input by its channel's name") {
    const i::Loaded l = i::load_text(
        "c.rnn", "task t = paradigm {\n" + kPeriods
                     + "  inputs = { fix = during(all: 1, last: 0), pair = [1, 2], one = 3 }\n"
                       "  target = classes(last: 1)\n}\n"
                       "network n = rnn { units = 4, outputs = 2 }\n"
                       "evaluate both = n on t { clamp = input(pair, 0.5, during: second) }\n"
                       "evaluate one = n on t { clamp = input(\"pair 2\", 0.0) }\n");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    const auto& both = l.program->evaluates.at("both").clamps;
    REQUIRE(both.size() == 2);
    CHECK(both[0].channel == 1);
    CHECK(both[1].channel == 2);
    CHECK(both[1].period == "second");
    CHECK(both[1].value == 0.5);
    const auto& one = l.program->evaluates.at("one").clamps;
    REQUIRE(one.size() == 1);
    CHECK(one[0].channel == 2);
}

TEST_CASE("a response period before the trial's end is scored alone, against its own target") {
    const Made m = make(
        "task t = paradigm {\n"
        "  periods = { fixation = 2 steps, respond = 3 steps, rest = 4 steps }\n"
        "  inputs = { fix = during(all: 1, respond: 0) }\n"
        "  target = classes(respond: 1)\n"
        "  response = respond\n}\n");
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(2, 0), 3);
    const arma::fmat response = m.task->mask("response", b);
    for (arma::uword t = 0; t < b.steps; ++t)
        CHECK(response(0, t * b.batch + 1) == (t >= 2 && t < 5 ? 1.0F : 0.0F));
    CHECK(b.condition[1] == 1);
    // Logits that choose class 1 in the response period and fixate after it: correct.
    arma::mat logits(2, b.batch * b.steps, arma::fill::zeros);
    for (arma::uword t = 0; t < b.steps; ++t)
        for (arma::uword n = 0; n < b.batch; ++n)
            logits(t >= 2 && t < 5 ? 1 : 0, t * b.batch + n) = 5.0;
    rnn::rt::Tape<double> tape;
    rnn::rt::NetworkVars net;
    net.outputs = tape.constant(logits);
    const arma::mat correct = tape.value(m.task->signal("correct", tape, net, b));
    CHECK(arma::all(arma::vectorise(correct) == 1.0));
}

TEST_CASE("rnn check refuses what a paradigm cannot mean, each with its code") {
    auto diagnostics = [](const std::string& body) {
        const i::Loaded l = i::load_text("bad.rnn", "task t = paradigm {\n" + body + "\n}\n");
        return i::render_all(l, false);
    };
    const std::string ok_target = "  target = classes(last: 1)\n";
    // A variable may not take a name the builder records.
    CHECK(diagnostics("  variables = { catch = 1 }\n" + kPeriods + "  inputs = { x = 1 }\n"
                      + ok_target)
              .find("[E1002]")
          != std::string::npos);
    CHECK(diagnostics("  variables = { first_onset = 1 }\n" + kPeriods + "  inputs = { x = 1 }\n"
                      + ok_target)
              .find("[E1002]")
          != std::string::npos);
    // A period given twice in one during, arms of different units, a list as an index.
    CHECK(diagnostics(kPeriods + "  inputs = { x = during(first: 1, first: 2) }\n" + ok_target)
              .find("[E0412]")
          != std::string::npos);
    CHECK(diagnostics(kPeriods + "  inputs = { x = during(second: 3 steps, all: 0) }\n" + ok_target)
              .find("[E1004]")
          != std::string::npos);
    CHECK(diagnostics(kPeriods + "  inputs = { x = one_hot([0, 1], 3) }\n" + ok_target)
              .find("[E1005]")
          != std::string::npos);
    // A trial of no steps.
    CHECK(diagnostics("  periods = { a = 0 steps }\n  inputs = { x = 1 }\n"
                      "  target = classes(a: 1)\n")
              .find("[E1007]")
          != std::string::npos);
}

TEST_CASE("uniform(a, b) with b below a lasts a, and the longest trial allows it") {
    const Made m = make(
        "task t = paradigm {\n"
        "  variables = { wait = uniform(5 steps, 2 steps) }\n"
        "  periods = { cue = 1 steps, delay = wait }\n"
        "  inputs = { x = during(cue: 1) }\n  target = classes(all: 0)\n}\n");
    CHECK(m.task->steps() == 6);
    const s::TrialBatch b = m.task->evaluation_batch(s::TrialDraws(1, 0), 4);
    CHECK(variable(b, "delay_duration").values[0] == 5.0);
}

TEST_CASE("an input with noise in a during arm checks beside a period with errors") {
    // Found by fuzzing: a period that is not whole steps left the spec without it while the
    // input's noise was kept per declared period (a write out of bounds).
    const i::Loaded l = i::load_text("e.rnn",
                                     "task t = paradigm {\n  dt = 19 ms\n"
                                     "  periods = { a = 100 ms, b = 38 ms }\n"
                                     "  inputs = { x = during(a: 1 + noise(0.1), b: 0) }\n"
                                     "  target = classes(b: 1)\n}\n");
    CHECK_FALSE(l.program);
    CHECK(i::render_all(l, false).find("[E0408]") != std::string::npos);
}
