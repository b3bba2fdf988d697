// The classic tasks written in the language (examples/tasks/) make the same trials as the
// built-in ones for the same seed and path: the same inputs to the bit, targets, periods
// of every trial, catch trials and masks. The exact differences, which docs/tasks.md
// states: the trial's `condition` (a paradigm's is the class it must choose), and the
// variables of a catch trial (a paradigm records what it drew; the built-ins none).
#include <string>

#include <doctest/doctest.h>

#include "interpreter/diagnostics.hpp"
#include "interpreter/load.hpp"
#include "interpreter/training.hpp"

namespace i = rnn::interp;
namespace s = rnn::stdlib;

namespace {

struct Pair {
    i::Loaded loaded;
    std::unique_ptr<s::TaskInstance> written, builtin;
};

// The example's task `name` and the built-in `entry`, both with catch trials.
Pair load_pair(const std::string& file, const std::string& name, const std::string& entry) {
    Pair p;
    p.loaded =
        i::load_text(std::string(RNN_SOURCE_DIR) + "/examples/tasks/classics_test.rnn",
                     "include \"" + file + "\"\ntask written = " + name
                         + " { catch = 0.2 }\ntask builtin = " + entry + " { catch = 0.2 }\n");
    INFO(i::render_all(p.loaded, false));
    REQUIRE(p.loaded.program);
    const i::Program& program = *p.loaded.program;
    p.written = i::make_task(program, program.tasks.at("written"));
    p.builtin = i::make_task(program, program.tasks.at("builtin"));
    return p;
}

void same_trials(const s::TrialBatch& a, const s::TrialBatch& b) {
    REQUIRE(a.batch == b.batch);
    REQUIRE(a.steps == b.steps);
    CHECK(arma::approx_equal(a.inputs, b.inputs, "absdiff", 0.0F));
    CHECK(arma::approx_equal(a.step_targets, b.step_targets, "absdiff", 0.0F));
    CHECK(a.catch_trial == b.catch_trial);
    REQUIRE(a.periods.size() == b.periods.size());
    for (std::size_t p = 0; p < a.periods.size(); ++p) {
        CHECK(a.periods[p].name == b.periods[p].name);
        CHECK(a.periods[p].trial_begin == b.periods[p].trial_begin);
        CHECK(a.periods[p].trial_end == b.periods[p].trial_end);
    }
    // Every variable the built-in records, on the trials that show a stimulus.
    for (const auto& v : b.variables) {
        CAPTURE(v.name);
        const s::TrialVariable* w = s::find_variable(a, v.name);
        REQUIRE(w != nullptr);
        for (arma::uword t = 0; t < a.batch; ++t)
            if (!a.catch_trial[t])
                CHECK(w->values[t] == doctest::Approx(v.values[t]).epsilon(1e-12));
    }
}

void check_classic(const std::string& file, const std::string& name, const std::string& entry) {
    CAPTURE(entry);
    const Pair p = load_pair(file, name, entry);
    CHECK(p.written->steps() == p.builtin->steps());
    CHECK(p.written->input_size() == p.builtin->input_size());
    CHECK(p.written->output_size() == p.builtin->output_size());
    for (const std::uint64_t key : {1ULL, 77ULL, 123456789ULL}) {
        const s::TrialDraws draws(key, 40);
        const s::TrialBatch a = p.written->evaluation_batch(draws, 64);
        const s::TrialBatch b = p.builtin->evaluation_batch(draws, 64);
        same_trials(a, b);
        long catches = 0;
        for (auto c : a.catch_trial)
            catches += c;
        CHECK(catches > 0);  // the comparison covers catch trials
        for (const char* mask : {"response", "all"})
            CHECK(arma::approx_equal(p.written->mask(mask, a), p.builtin->mask(mask, b), "absdiff",
                                     0.0F));
    }
}

}  // namespace

TEST_CASE("perceptual_dm written in the language makes the built-in's trials") {
    check_classic("perceptual_dm.rnn", "perceptual_decision", "perceptual_dm");
}

TEST_CASE("context_dm written in the language makes the built-in's trials") {
    check_classic("context_dm.rnn", "context_decision", "context_dm");
}

TEST_CASE("go_no_go written in the language makes the built-in's trials") {
    check_classic("go_no_go.rnn", "go_nogo", "go_no_go");
}

TEST_CASE("delay_match_sample written in the language makes the built-in's trials") {
    check_classic("delay_match_sample.rnn", "delayed_match", "delay_match_sample");
}

TEST_CASE("parametric_wm written in the language makes the built-in's trials") {
    check_classic("parametric_wm.rnn", "frequency_comparison", "parametric_wm");
}
