// The memory estimate of trainings and evaluations (interpreter/check/memory_estimate.hpp):
// against measured peaks, its parts, the shapes read from a program, and the check that
// refuses what exceeds the limit at the field to reduce.
#include "interpreter/check/memory_estimate.hpp"

#include <algorithm>
#include <string>

#include <doctest/doctest.h>

#include "interpreter/check/memory.hpp"
#include "interpreter/load.hpp"

namespace i = rnn::interp;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

i::Loaded load(const std::string& text, std::optional<i::MemoryLimit> limit = std::nullopt) {
    i::LoadOptions options;
    options.memory_limit = std::move(limit);
    return i::load_text("memory_test.rnn", text, options);
}

// The largest estimate of a program's trainings and evaluations: what `rnn run` peaks at.
double largest_estimate(const std::string& text) {
    const i::Loaded l = load(text);
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    double most = 0;
    for (const auto& [name, def] : l.program->trains)
        most = std::max(most, i::estimate_memory(i::training_shape(*l.program, def)).total());
    for (const auto& [name, def] : l.program->evaluates)
        most = std::max(most, i::estimate_memory(i::evaluation_shape(*l.program, def)).total());
    return most;
}

// The scripts of bench/memory_estimate.sh.
std::string training(const std::string& kind, int units, int batch, int steps,
                     const std::string& fields = "", const std::string& network = "",
                     int bits = 3) {
    return "task t = flip_flop { length = " + std::to_string(steps)
           + " steps, bits = " + std::to_string(bits) + " }\nnetwork n = " + kind
           + " { units = " + std::to_string(units) + ", outputs = " + std::to_string(bits) + network
           + " }\ntrain fit = n on t {\n loss = masked_mse(output, target, mask: all)\n"
           + " batch = " + std::to_string(batch) + "\n epochs = 2\n " + fields + "\n}\n";
}

std::string plastic(int units, int batch, const std::string& updater) {
    return "task keys = key_recall { input = last_one }\nnetwork n = plastic { units = "
           + std::to_string(units)
           + ", outputs = 9, layers = 3, plastic_rate = 10, plastic_fraction = 0.1 }\n"
             "train fit = n on keys {\n updater = "
           + updater + "\n optimizer = sgd { lr = 1e-3 }\n"
           + " loss = cross_entropy(logits, target, mask: targets, ignore: -1)\n batch = "
           + std::to_string(batch) + "\n epochs = 2\n}\n";
}

std::string evaluation(const std::string& kind, int trials, const std::string& reader = "",
                       const std::string& fields = "") {
    return "task t = flip_flop { length = 1000 steps }\nnetwork n = " + kind
           + " { units = 64, outputs = 3 }\ntrain fit = n on t {\n"
           + " loss = masked_mse(output, target, mask: all)\n epochs = 1\n}\n"
           + "evaluate test = fit on t { trials = " + std::to_string(trials) + fields + " }\n"
           + reader + "\n";
}

}  // namespace

TEST_CASE("the estimate is within a factor 1.5 of the measured peak of rnn run") {
    // Peak resident memory of `rnn run` in MiB (GNU time, Release build, 2026-12-07; rerun
    // bench/memory_estimate.sh after changing what a pass keeps, and update these).
    const std::string speed = "plot speed(test) to \"speed.png\"";
    const std::pair<std::string, double> measured[] = {
        {training("rnn", 2000, 1, 10), 240},
        {training("gru", 1000, 1, 10), 183},
        {training("rnn", 64, 2000, 1000), 1798},
        {training("gru", 64, 1000, 1000), 3090},
        {training("lstm", 64, 1000, 1000), 3087},
        {training("ctrnn", 64, 2000, 1000), 3751},
        {training("rnn", 64, 1000, 1000, "", ", noise = 0.1"), 1359},
        {training("rnn", 16, 2000, 1000, "", "", 30), 2568},
        {training("rnn", 64, 2000, 1000, "updater = backprop"), 1119},
        {training("rnn", 64, 200, 1000, "validate_every = 1\n validate_trials = 2000"), 783},
        {plastic(256, 200, "dfa"), 252},
        {plastic(256, 200, "bptt"), 495},
        {evaluation("rnn", 2000), 802},  // with its outputs and targets written
        {evaluation("rnn", 2000, "", ", save = [states, inputs]"), 1756},
        {evaluation("gru", 1000, speed), 2023},
        {evaluation("lstm", 1000, speed), 2012},
    };
    for (const auto& [script, peak] : measured) {
        INFO(script);
        const double ratio = largest_estimate(script) / (peak * kMiB);
        INFO("estimate / peak = " << ratio);
        CHECK(ratio > 1 / 1.5);
        CHECK(ratio < 1.5);
    }
}

TEST_CASE("the parts of the estimate follow the shapes") {
    i::MemoryShape s;
    s.kind = rnn::rt::CellKind::Gru;
    s.units = 64;
    s.inputs = 4;
    s.outputs = 3;
    s.parameters = 3 * 64 * 64 + 3 * 64 * 4 + 6 * 64 + 3 * 64 + 3 + 64;
    s.trials = 100;
    s.steps = 1000;
    const i::MemoryEstimate bptt = i::estimate_memory(s);
    CHECK(bptt.program > 0);
    CHECK(bptt.activity == 0);
    CHECK_FALSE(bptt.validation_larger);
    // The pass grows with the trials and their steps; the parameters do not.
    s.trials = 200;
    const i::MemoryEstimate doubled = i::estimate_memory(s);
    CHECK(doubled.pass == doctest::Approx(2 * bptt.pass));
    CHECK(doubled.parameters == bptt.parameters);
    // What the task holds (an arrays task's arrays) adds to the total as it is.
    i::MemoryShape holding = s;
    holding.task_bytes = 5e8;
    CHECK(i::estimate_memory(holding).total() == doctest::Approx(doubled.total() + 5e8));
    // A per-step learner keeps less than bptt; an evaluation keeps fewer copies of the
    // parameters, and its activity only when something reads it.
    s.pass = i::PassKind::Online;
    CHECK(i::estimate_memory(s).pass < doubled.pass);
    s.pass = i::PassKind::Evaluation;
    const i::MemoryEstimate evaluated = i::estimate_memory(s);
    CHECK(evaluated.parameters < doubled.parameters);
    s.keep_activity = true;
    CHECK(i::estimate_memory(s).activity >= 4.0 * 2 * 64 * 200 * 1000);
    // A validation larger than the step decides the pass.
    s = {};
    s.units = 64;
    s.trials = 16;
    s.steps = 1000;
    s.validation_trials = 10000;
    const i::MemoryEstimate validated = i::estimate_memory(s);
    CHECK(validated.validation_larger);
    s.validation_trials = 0;
    CHECK(validated.pass > 100 * i::estimate_memory(s).pass);
    // Plastic fast weights: one copy per trial, two under bptt.
    i::MemoryShape p;
    p.kind = rnn::rt::CellKind::Plastic;
    p.fast_weights = 1e6;
    p.trials = 100;
    p.steps = 1;
    p.pass = i::PassKind::Online;
    const double online = i::estimate_memory(p).pass;
    CHECK(online >= 4.0 * 1e8);
    p.pass = i::PassKind::Bptt;
    CHECK(i::estimate_memory(p).pass >= 1.9 * online);
}

TEST_CASE("shapes come from the program: the network's tensors, the schedule's trials") {
    const i::Loaded l = load(R"(
task memories = memory_recall { units = 8, patterns = 5, present = 5 steps, retain = 10 steps }
task probes = integration_memory { duration = [10 steps, 20 steps, 30 steps] }
task bits = flip_flop { length = 50 steps }
network hop = rnn { units = 8, bias = false }
network ctx = ctrnn { units = 8, outputs = 1 }
network g = gru { units = 16, outputs = 3, noise = 0.1 }
train together = hop on memories { loss = -mean(overlap, during: retain), schedule = together, batch = 64 }
train alternate = hop on memories { loss = -mean(overlap, during: retain), batch = 64 }
train pulse = ctx on probes { loss = masked_mse(output, target, mask: positive) }
network plain = rnn { units = 16, outputs = 3 }
train flips = g on bits { loss = masked_mse(output, target, mask: all), batch = 32 }
train online = plain on bits { loss = masked_mse(output, target, mask: all), updater = backprop }
evaluate recall = together on memories
evaluate probed = pulse on probes
evaluate fresh = flips on bits
)");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    const i::Program& p = *l.program;
    const i::MemoryShape together = i::training_shape(p, p.trains.at("together"));
    CHECK(together.trials == 5);  // every pattern, whatever the batch
    CHECK(together.steps == 15);
    CHECK(together.units == 8);
    CHECK(together.inputs == 8);
    CHECK(together.parameters == 8 * 8 + 8 * 8 + 8);  // W_self, W_input, h0
    CHECK(together.pass == i::PassKind::Bptt);
    CHECK(i::training_shape(p, p.trains.at("alternate")).trials == 1);
    const i::MemoryShape flips = i::training_shape(p, p.trains.at("flips"));
    CHECK(flips.trials == 32);
    CHECK(flips.noise);
    CHECK(flips.pass == i::PassKind::Bptt);
    CHECK(i::training_shape(p, p.trains.at("online")).pass == i::PassKind::Online);
    CHECK(flips.inputs == 3);
    CHECK(flips.parameters == 3 * 16 * 16 + 3 * 16 * 3 + 2 * 3 * 16 + 16 + 3 * 16 + 3);
    // An evaluation without `trials`: the task's own number; no noise.
    CHECK(i::evaluation_shape(p, p.evaluates.at("recall")).trials == 5);
    CHECK(i::evaluation_shape(p, p.evaluates.at("probed")).trials == 3);
    const i::MemoryShape fresh = i::evaluation_shape(p, p.evaluates.at("fresh"));
    CHECK(fresh.trials == static_cast<double>(rnn::stdlib::kEvaluationTrials));
    CHECK_FALSE(fresh.noise);
    CHECK(fresh.pass == i::PassKind::Evaluation);
}

TEST_CASE("what exceeds the limit is an error at the field to reduce, and the rest checks") {
    const std::string script = R"(task bits = flip_flop { length = 1000 steps }
network small = rnn { units = 64, outputs = 3 }
network huge = gru { units = 20000, outputs = 3 }
train wide = small on bits { loss = masked_mse(output, target, mask: all), batch = 10000 }
train big = huge on bits { loss = masked_mse(output, target, mask: all) }
train fine = small on bits { loss = masked_mse(output, target, mask: all), batch = 8 }
)";
    CHECK(load(script).program);  // no limit: nothing refused
    CHECK(load(script, i::MemoryLimit{1e15, "allowed", true}).program);
    const i::Loaded l = load(script, i::MemoryLimit{1024.0 * kMiB, "allowed by test", true});
    CHECK_FALSE(l.program);
    const std::string text = i::render_all(l, false);
    INFO(text);
    REQUIRE(l.diagnostics.all().size() == 2);
    const i::Diagnostic& units = l.diagnostics.all()[0];
    CHECK(units.code == i::Code::MemoryExceeded);
    CHECK(units.span.line == 3);  // `units = 20000`
    CHECK(units.help.find("reduce 'units' of the network 'huge'") == 0);
    const i::Diagnostic& batch = l.diagnostics.all()[1];
    CHECK(batch.span.line == 4);  // `batch = 10000`
    CHECK(batch.help.find("reduce 'batch'") == 0);
    CHECK(batch.message.find("the training 'wide' needs about") == 0);
    CHECK(batch.message.find("allowed by test") != std::string::npos);
}

TEST_CASE("a sweep's instances that share the field to reduce are reported once") {
    const i::Loaded l = load(R"(task bits = flip_flop { length = 1000 steps }
network small = rnn { units = 64, outputs = 3 }
for b in [20000, 30000, 8] {
  train fit[b] = small on bits { loss = masked_mse(output, target, mask: all), batch = b }
}
)",
                             i::MemoryLimit{1024.0 * kMiB, "allowed", true});
    INFO(i::render_all(l, false));
    CHECK_FALSE(l.program);
    CHECK(l.diagnostics.error_count() == 1);
}

TEST_CASE("a run that keeps more results than the limit holds is refused at an evaluation") {
    // Each evaluation alone fits; the engine keeps all of their activity until the end
    // (measured: 912 MiB peak for this run, estimated 964 MiB).
    const std::string script = R"(task t = flip_flop { length = 1000 steps }
network n = rnn { units = 64, outputs = 3 }
for s in 1..4 {
  train fit[s] = n on t { loss = masked_mse(output, target, mask: all), epochs = 1, seed = s }
  evaluate test[s] = fit[s] on t { trials = 500 }
  plot speed(test[s]) to "speed_{s}.png"
}
)";
    const i::Loaded l = load(script, i::MemoryLimit{600 * kMiB, "allowed", true});
    INFO(i::render_all(l, false));
    CHECK_FALSE(l.program);
    REQUIRE(l.diagnostics.error_count() == 1);
    const i::Diagnostic& d = l.diagnostics.all().front();
    CHECK(d.message.find("the run needs about") == 0);
    CHECK(d.span.line == 5);  // `trials = 500`
    CHECK(load(script, i::MemoryLimit{1100 * kMiB, "allowed", true}).program);
    // What an evaluation keeps: its signals, and its activity and inputs when read.
    i::MemoryShape e;
    e.pass = i::PassKind::Evaluation;
    e.units = 64;
    e.inputs = 3;
    e.trials = 500;
    e.steps = 1000;
    CHECK(i::retained_bytes(e, 2) == doctest::Approx(4.0 * 500 * 1000 * 2));
    e.keep_activity = true;
    CHECK(i::retained_bytes(e, 2) == doctest::Approx(4.0 * 500 * 1000 * (2 + 64 + 3)));
    i::MemoryShape t;
    t.parameters = 1000;
    CHECK(i::retained_bytes(t, 0) == doctest::Approx(4000.0));
}

TEST_CASE("bytes are written for people in powers of 1024") {
    CHECK(i::format_bytes(512) == "512 bytes");
    CHECK(i::format_bytes(1536) == "1.5 KiB");
    CHECK(i::format_bytes(12.0 * kMiB) == "12 MiB");  // as rt::describe_size
    CHECK(i::format_bytes(6.9 * 1024 * kMiB) == "6.9 GiB");
    CHECK(i::format_bytes(3.0 * 1024 * 1024 * kMiB) == "3 TiB");
}
