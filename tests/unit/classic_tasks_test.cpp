// The period-based trial builder and the classic tasks built on it (docs/tasks.md): shapes,
// channel layouts, timing, masks, catch trials, noise, per-index determinism, the readout
// signals, and golden trials of one seed per task.
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/random.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/registry.hpp"
#include "stdlib/tasks/period_trials.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {

const std::vector<const s::TaskEntry*>& classic_entries() {
    static const std::vector<const s::TaskEntry*> all = {
        &s::perceptual_dm_entry(),      &s::context_dm_entry(),    &s::go_no_go_entry(),
        &s::delay_match_sample_entry(), &s::parametric_wm_entry(), &s::flip_flop_entry(),
        &s::ready_set_go_entry()};
    return all;
}

struct Made {
    s::Params params;
    std::unique_ptr<s::TaskInstance> task;
};

Made make(const s::TaskEntry& e, s::Params given = {}) {
    Made m;
    m.params = s::with_defaults(e.schema, std::move(given));
    rt::RandomStream setup(rt::stream_key(1, "task t / setup"));
    m.task = e.make(m.params, setup);
    return m;
}

s::TrialBatch batch(const s::TaskInstance& task, arma::uword count, std::uint64_t first = 0,
                    std::uint64_t seed = 5) {
    return task.training_batch({0, 0, count, "fresh"},
                               s::TrialDraws(rt::stream_key(seed, "train fit / trials"), first));
}

bool is_choice(const s::TaskEntry& e) {
    return e.signals.front().name == "correct";
}

// The layout of trial k: its period begins, its end, its catch flag.
std::vector<long> layout(const s::TrialBatch& b, arma::uword k) {
    std::vector<long> out;
    for (const auto& p : b.periods)
        out.push_back(static_cast<long>(p.begin_of(k)));
    out.push_back(static_cast<long>(b.periods.back().end_of(k)));
    out.push_back(b.catch_trial.at(k));
    return out;
}

float at(const arma::fmat& m, arma::uword row, const s::TrialBatch& b, arma::uword k,
         arma::uword t) {
    return m(row, t * b.batch + k);
}

// A jittered duration of the schema: `mean +- spread` steps.
s::Value jitter(double mean, double spread) {
    return s::Value{s::UniformDraw{mean - spread, mean + spread}};
}

}  // namespace

TEST_CASE("the classic tasks are registered and share the builder's parameters") {
    CHECK(classic_entries().size() == 7);
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        CHECK(s::find_task(e->name) == e);
        CHECK(!e->reference.empty());
        for (const char* name : {"dt", "catch", "noise"})
            CHECK(e->schema.find(name) != nullptr);
        CHECK(e->schema.params.front().name == "dt");
        CHECK(std::get<double>(*e->schema.find("dt")->default_value) == 20.0);
        // Every task but flip_flop scores a response, so it has a grace.
        CHECK((e->schema.find("grace") != nullptr) == (e->name != "flip_flop"));
        CHECK(e->masks.size() == 2);
        CHECK(e->metrics.front().name == (is_choice(*e) ? "choice_accuracy" : "mse"));
        for (const auto& m : e->metrics) {
            bool known_period = false;
            for (const auto& p : e->periods)
                known_period = known_period || p.name == m.period;
            CHECK(known_period);
        }
    }
}

TEST_CASE("every classic task's batch has its declared shape, padded to the longest trial") {
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        const Made m = make(*e);
        const s::TrialBatch b = batch(*m.task, 16);
        const auto steps = static_cast<arma::uword>(e->trial_steps(m.params));
        CHECK(m.task->steps() == steps);
        CHECK(b.steps == steps);
        CHECK(b.batch == 16);
        CHECK(m.task->input_size() == static_cast<arma::uword>(e->input_size(m.params)));
        CHECK(m.task->output_size() == static_cast<arma::uword>(e->output_size(m.params)));
        CHECK(b.inputs.n_rows == m.task->input_size());
        CHECK(b.inputs.n_cols == 16 * steps);
        CHECK(b.step_targets.n_rows == (is_choice(*e) ? 1 : m.task->output_size()));
        CHECK(b.step_targets.n_cols == 16 * steps);
        CHECK(b.condition.size() == 16);
        for (const long c : b.condition)
            CHECK(static_cast<arma::uword>(c) < m.task->conditions());
        // The batch's periods are the task's, in order, each with every trial's own window.
        REQUIRE(b.periods.size() == e->periods.size());
        for (std::size_t i = 0; i < b.periods.size(); ++i) {
            CHECK(b.periods[i].name == e->periods[i].name);
            REQUIRE(b.periods[i].per_trial());
            for (arma::uword k = 0; k < b.batch; ++k) {
                CHECK(b.periods[i].begin_of(k) <= b.periods[i].end_of(k));
                CHECK(b.periods[i].end_of(k) <= steps);
                // Back to back from step 0.
                CHECK(b.periods[i].begin_of(k) == (i == 0 ? 0 : b.periods[i - 1].end_of(k)));
            }
        }
        // The evaluation batch: 200 trials unless asked.
        const s::TrialDraws draws(rt::stream_key(5, "evaluate test / trials"), 0);
        CHECK(m.task->evaluation_batch(draws, 0).batch == 200);
        CHECK(m.task->evaluation_batch(draws, 3).batch == 3);
    }
}

TEST_CASE("a classic task's trial is a function of its index, whatever the batch") {
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        s::Params p;
        p.set("catch", 0.3);
        p.set("noise", 0.2);
        const Made m = make(*e, p);
        const s::TrialBatch four = batch(*m.task, 4, 0);
        const s::TrialBatch two = batch(*m.task, 2, 2);
        for (arma::uword k = 0; k < 2; ++k) {
            CHECK(two.condition[k] == four.condition[k + 2]);
            CHECK(layout(two, k) == layout(four, k + 2));
            for (arma::uword t = 0; t < two.steps; ++t) {
                CHECK(arma::approx_equal(two.inputs.col(t * 2 + k), four.inputs.col(t * 4 + k + 2),
                                         "absdiff", 0.0F));
                CHECK(arma::approx_equal(two.step_targets.col(t * 2 + k),
                                         four.step_targets.col(t * 4 + k + 2), "absdiff", 0.0F));
            }
        }
        // Another seed draws other trials.
        const s::TrialBatch other = batch(*m.task, 4, 0, 6);
        CHECK(!arma::approx_equal(other.inputs, four.inputs, "absdiff", 0.0F));
    }
}

TEST_CASE("masks score each trial's own response after the grace and never the padding") {
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        s::Params p;
        if (e->schema.find("grace"))
            p.set("grace", 2.0);
        if (e->name == "flip_flop")
            p.set("length", jitter(40.0, 10.0));
        const Made m = make(*e, p);
        const s::TrialBatch b = batch(*m.task, 32);
        const arma::fmat response = m.task->mask("response", b);
        const arma::fmat all = m.task->mask("all", b);
        CHECK_THROWS_AS(m.task->mask("nothing", b), std::logic_error);
        const arma::uword grace = e->schema.find("grace") ? 2 : 0;
        // The first period the response starts with: the one after the fixation input's end.
        std::size_t r = 0;
        if (e->name == "ready_set_go")
            r = 3;
        else if (e->name != "flip_flop")
            r = e->periods.size() - 1;
        std::set<long> ends;
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto l = layout(b, k);
            const auto response_begin = static_cast<arma::uword>(l[r]);
            const auto end = static_cast<arma::uword>(l[e->periods.size()]);
            ends.insert(static_cast<long>(end));
            for (arma::uword t = 0; t < b.steps; ++t) {
                const bool scored = t >= response_begin + grace && t < end;
                const bool grace_step = t >= response_begin && t < response_begin + grace;
                CHECK(at(response, 0, b, k, t) == (scored ? 1.0F : 0.0F));
                CHECK(at(all, 0, b, k, t) == (t < end && !grace_step ? 1.0F : 0.0F));
                if (t >= end && is_choice(*e))  // padding: ignored by cross_entropy
                    CHECK(at(b.step_targets, 0, b, k, t) == -1.0F);
                if (t >= end)
                    for (arma::uword ch = 0; ch < b.inputs.n_rows; ++ch)
                        CHECK(at(b.inputs, ch, b, k, t) == 0.0F);
            }
        }
        // Jittered tasks have trials of several lengths in one batch.
        if (e->name != "perceptual_dm")
            CHECK(ends.size() > 1);
    }
}

TEST_CASE("the fixation input is on until the response and the target is to fixate before it") {
    for (const auto* e : classic_entries()) {
        if (e->name == "flip_flop")
            continue;  // no fixation input
        CAPTURE(e->name);
        const Made m = make(*e);
        const s::TrialBatch b = batch(*m.task, 16);
        const std::size_t r = e->name == "ready_set_go" ? 3 : e->periods.size() - 1;
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto l = layout(b, k);
            for (arma::uword t = 0; t < static_cast<arma::uword>(l[e->periods.size()]); ++t) {
                const bool before = static_cast<long>(t) < l[r];
                CHECK(at(b.inputs, 0, b, k, t) == (before ? 1.0F : 0.0F));
                if (before)
                    CHECK(at(b.step_targets, 0, b, k, t) == 0.0F);
            }
        }
    }
}

TEST_CASE("catch trials show no stimulus, keep the fixation input on and target fixation") {
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        s::Params p;
        p.set("catch", 1.0);
        p.set("noise", 0.0);
        const Made m = make(*e, p);
        const s::TrialBatch b = batch(*m.task, 8);
        const bool fixation = e->name != "flip_flop";
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto l = layout(b, k);
            CHECK(l.back() == 1);
            CHECK(b.condition[k] == static_cast<long>(m.task->conditions()) - 1);
            const auto end = static_cast<arma::uword>(l[e->periods.size()]);
            for (arma::uword t = 0; t < end; ++t) {
                if (fixation)
                    CHECK(at(b.inputs, 0, b, k, t) == 1.0F);
                // Only context_dm's instruction (channels 5, 6) stays on.
                for (arma::uword ch = fixation ? 1 : 0; ch < b.inputs.n_rows; ++ch)
                    if (!(e->name == "context_dm" && ch >= 5))
                        CHECK(at(b.inputs, ch, b, k, t) == 0.0F);
                for (arma::uword o = 0; o < b.step_targets.n_rows; ++o)
                    CHECK(at(b.step_targets, o, b, k, t) == 0.0F);
            }
        }
        // A fraction: about that share of catch trials, and the other trials unchanged.
        p.set("catch", 0.25);
        const Made some = make(*e, p);
        p.set("catch", 0.0);
        const Made none = make(*e, p);
        const s::TrialBatch with = batch(*some.task, 400), without = batch(*none.task, 400);
        int catches = 0;
        for (arma::uword k = 0; k < with.batch; ++k) {
            if (layout(with, k).back() == 1) {
                ++catches;
                continue;
            }
            CHECK(layout(with, k) == layout(without, k));
            CHECK(with.condition[k] == without.condition[k]);
        }
        CHECK(catches > 70);
        CHECK(catches < 130);
    }
}

TEST_CASE("input noise is Gaussian with sigma per step, off the fixation input and the padding") {
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        s::Params p;
        p.set("noise", 0.0);
        const Made clean = make(*e, p);
        p.set("noise", 0.5);
        const Made noisy = make(*e, p);
        const s::TrialBatch a = batch(*clean.task, 64), b = batch(*noisy.task, 64);
        const bool fixation = e->name != "flip_flop";
        std::vector<double> diffs;
        for (arma::uword k = 0; k < a.batch; ++k) {
            REQUIRE(layout(a, k) == layout(b, k));  // noise is drawn after everything else
            const auto end = static_cast<arma::uword>(layout(a, k)[e->periods.size()]);
            for (arma::uword t = 0; t < a.steps; ++t) {
                if (fixation)
                    CHECK(at(a.inputs, 0, a, k, t) == at(b.inputs, 0, b, k, t));
                for (arma::uword ch = fixation ? 1 : 0; ch < a.inputs.n_rows; ++ch) {
                    const double d = at(b.inputs, ch, b, k, t) - at(a.inputs, ch, a, k, t);
                    if (t >= end)
                        CHECK(d == 0.0);
                    else
                        diffs.push_back(d);
                }
            }
        }
        CHECK(a.step_targets.n_cols == b.step_targets.n_cols);
        CHECK(arma::approx_equal(a.step_targets, b.step_targets, "absdiff", 0.0F));
        const arma::vec d(diffs);
        CHECK(std::abs(arma::mean(d)) < 0.02);
        CHECK(arma::stddev(d) == doctest::Approx(0.5).epsilon(0.03));
    }
}

TEST_CASE("jittered durations draw every whole step of m - s .. m + s - 1, lists one element") {
    s::Params p;
    p.set("delay", jitter(10.0, 3.0));
    p.set("fixation", s::Value{std::vector<double>{2.0, 6.0}});
    const Made m = make(s::go_no_go_entry(), p);
    CHECK(m.task->steps() == 6 + 5 + 12 + 5);
    const s::TrialBatch b = batch(*m.task, 300);
    std::set<long> delays, fixations;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto l = layout(b, k);
        fixations.insert(l[1] - l[0]);
        CHECK(l[2] - l[1] == 5);  // stimulus, fixed
        delays.insert(l[3] - l[2]);
        CHECK(l[4] - l[3] == 5);  // response, fixed
    }
    CHECK(delays == std::set<long>{7, 8, 9, 10, 11, 12});
    CHECK(fixations == std::set<long>{2, 6});
}

TEST_CASE("perceptual_dm: evidence (1 +- c) / 2 on two channels, report the stronger") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("coherence", 25.6);
    p.set("delay", 3.0);
    const Made m = make(s::perceptual_dm_entry(), p);
    const s::TrialBatch b = batch(*m.task, 40);
    std::set<long> sides;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const long side = b.condition[k];
        sides.insert(side);
        for (arma::uword t = 0; t < b.steps; ++t) {
            const bool stimulus = t >= 5 && t < 30;
            CHECK(at(b.inputs, 1 + side, b, k, t) == doctest::Approx(stimulus ? 0.628 : 0.0));
            CHECK(at(b.inputs, 2 - side, b, k, t) == doctest::Approx(stimulus ? 0.372 : 0.0));
            CHECK(at(b.step_targets, 0, b, k, t) == (t >= 33 ? 1.0F + side : 0.0F));
        }
    }
    CHECK(sides == std::set<long>{0, 1});
}

TEST_CASE("context_dm: the context cue picks which modality's stronger side is the answer") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("delay", 2.0);
    const Made m = make(s::context_dm_entry(), p);
    const s::TrialBatch b = batch(*m.task, 200);
    std::set<long> conditions;
    int disagree = 0;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const arma::uword t = 10;  // a stimulus step
        const long context = at(b.inputs, 5, b, k, t) == 1.0F ? 0 : 1;
        CHECK(at(b.inputs, 5 + context, b, k, 0) == 1.0F);
        CHECK(at(b.inputs, 6 - context, b, k, 0) == 0.0F);
        const long motion = at(b.inputs, 1, b, k, t) > at(b.inputs, 2, b, k, t) ? 0 : 1;
        const long colour = at(b.inputs, 3, b, k, t) > at(b.inputs, 4, b, k, t) ? 0 : 1;
        disagree += motion != colour;
        const long side = context == 0 ? motion : colour;
        CHECK(b.condition[k] == 2 * context + side);
        CHECK(at(b.step_targets, 0, b, k, b.steps - 1) == 1.0F + side);
        conditions.insert(b.condition[k]);
        // Each pair sums to 1 (no noise): (1 + c) / 2 + (1 - c) / 2.
        CHECK(at(b.inputs, 1, b, k, t) + at(b.inputs, 2, b, k, t) == doctest::Approx(1.0));
        CHECK(at(b.inputs, 3, b, k, t) + at(b.inputs, 4, b, k, t) == doctest::Approx(1.0));
    }
    CHECK(conditions == std::set<long>{0, 1, 2, 3});
    CHECK(disagree > 60);  // the modalities are drawn apart: they disagree half the time
}

TEST_CASE("go_no_go: respond after go, keep fixating after no-go") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("go", 0.7);
    const Made m = make(s::go_no_go_entry(), p);
    const s::TrialBatch b = batch(*m.task, 400);
    int go = 0;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const bool is_go = b.condition[k] == 0;
        go += is_go;
        const auto l = layout(b, k);
        for (arma::uword t = 0; t < b.steps; ++t) {
            const bool stimulus = static_cast<long>(t) >= l[1] && static_cast<long>(t) < l[2];
            CHECK(at(b.inputs, 1, b, k, t) == (stimulus && is_go ? 1.0F : 0.0F));
            CHECK(at(b.inputs, 2, b, k, t) == (stimulus && !is_go ? 1.0F : 0.0F));
        }
        CHECK(at(b.step_targets, 0, b, k, static_cast<arma::uword>(l[4] - 1))
              == (is_go ? 1.0F : 0.0F));
    }
    CHECK(go > 250);
    CHECK(go < 310);
}

TEST_CASE("delay_match_sample: the answer is match exactly when the test item is the sample") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("stimuli", 5.0);
    const Made m = make(s::delay_match_sample_entry(), p);
    CHECK(m.task->input_size() == 6);
    const s::TrialBatch b = batch(*m.task, 200);
    int matches = 0;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto l = layout(b, k);
        // One item channel on through the sample, one through the test.
        const arma::fvec sample = b.inputs.col(static_cast<arma::uword>(l[1]) * b.batch + k);
        const arma::fvec test = b.inputs.col(static_cast<arma::uword>(l[3]) * b.batch + k);
        CHECK(arma::accu(sample.tail(5)) == 1.0F);
        CHECK(arma::accu(test.tail(5)) == 1.0F);
        CHECK(arma::accu(b.inputs.col(static_cast<arma::uword>(l[2]) * b.batch + k)) == 1.0F);
        const bool match = sample.tail(5).index_max() == test.tail(5).index_max();
        matches += match;
        CHECK(b.condition[k] == (match ? 0 : 1));
        CHECK(at(b.step_targets, 0, b, k, static_cast<arma::uword>(l[4])) == (match ? 1.0F : 2.0F));
    }
    CHECK(matches > 75);
    CHECK(matches < 125);
}

TEST_CASE("parametric_wm: f1 and f2 on one scaled channel, report which is higher") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("frequencies", s::Value{std::vector<double>{10.0, 20.0}});
    p.set("difference", 5.0);
    const Made m = make(s::parametric_wm_entry(), p);
    const s::TrialBatch b = batch(*m.task, 100);
    std::set<float> values;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto l = layout(b, k);
        const float f1 = at(b.inputs, 1, b, k, static_cast<arma::uword>(l[1]));
        const float f2 = at(b.inputs, 1, b, k, static_cast<arma::uword>(l[3]));
        values.insert(f1);
        values.insert(f2);
        // 5 .. 25 Hz scaled to 0 .. 1: a difference of 5 Hz is 0.25.
        CHECK(std::abs(f1 - f2) == doctest::Approx(0.25));
        CHECK(b.condition[k] == (f1 > f2 ? 0 : 1));
        CHECK(at(b.step_targets, 0, b, k, static_cast<arma::uword>(l[5] - 1))
              == (f1 > f2 ? 1.0F : 2.0F));
    }
    // f1 in {10, 20} Hz = {0.25, 0.75}; f2 in {5, 15, 25} Hz = {0, 0.5, 1}.
    CHECK(values == std::set<float>{0.0F, 0.25F, 0.5F, 0.75F, 1.0F});
}

TEST_CASE("flip_flop: each output holds the sign of its channel's last pulse") {
    s::Params p;
    p.set("rate", 5.0);  // a pulse in a step of 20 ms with probability 0.1
    const Made m = make(s::flip_flop_entry(), p);
    CHECK(m.task->input_size() == 3);
    const s::TrialBatch b = batch(*m.task, 50);
    long pulses = 0;
    for (arma::uword k = 0; k < b.batch; ++k)
        for (arma::uword ch = 0; ch < 3; ++ch) {
            float held = 0.0F;
            for (arma::uword t = 0; t < b.steps; ++t) {
                const float x = at(b.inputs, ch, b, k, t);
                CHECK((x == 0.0F || x == 1.0F || x == -1.0F));
                if (x != 0.0F) {
                    held = x;
                    ++pulses;
                }
                CHECK(at(b.step_targets, ch, b, k, t) == held);
            }
        }
    // 50 trials x 3 channels x 100 steps x 0.1.
    CHECK(pulses > 1350);
    CHECK(pulses < 1650);
}

TEST_CASE("ready_set_go: flashes t_s apart and a ramp from set reaching 1 at t_s") {
    const Made m = make(s::ready_set_go_entry());
    CHECK(m.task->steps() == 5 + 2 * 39 + 5);
    const s::TrialBatch b = batch(*m.task, 100);
    std::set<long> intervals;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto l = layout(b, k);
        const long interval = l[3] - l[1];  // ready onset to set onset
        intervals.insert(interval);
        CHECK(b.condition[k] == interval - 24);
        CHECK(l[2] - l[1] == 2);             // the ready flash
        CHECK(l[4] - l[3] == 2);             // the set flash
        CHECK(l[5] - l[3] == interval + 5);  // the ramp and the hold
        for (long t = 0; t < l[5]; ++t) {
            const auto u = static_cast<arma::uword>(t);
            CHECK(at(b.inputs, 1, b, k, u) == (t >= l[1] && t < l[2] ? 1.0F : 0.0F));
            CHECK(at(b.inputs, 2, b, k, u) == (t >= l[3] && t < l[4] ? 1.0F : 0.0F));
            const double ramp = t < l[3] ? 0.0 : std::min(1.0, double(t - l[3]) / double(interval));
            CHECK(at(b.step_targets, 0, b, k, u) == doctest::Approx(ramp));
        }
    }
    CHECK(*intervals.begin() == 24);
    CHECK(*intervals.rbegin() == 39);
    s::Params long_flash;
    long_flash.set("flash", 24.0);  // as long as the shortest interval: no measure period
    CHECK_THROWS_AS(make(s::ready_set_go_entry(), long_flash), std::invalid_argument);
}

TEST_CASE("correct, error and timing_error read each trial's own response steps") {
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        s::Params p;
        p.set("catch", 0.2);
        if (e->schema.find("grace"))
            p.set("grace", 1.0);
        const Made m = make(*e, p);
        const s::TrialBatch b = batch(*m.task, 24);
        // A readout that is the target: one-hot logits for choice tasks.
        arma::fmat perfect;
        if (is_choice(*e)) {
            perfect.zeros(m.task->output_size(), b.step_targets.n_cols);
            for (arma::uword c = 0; c < perfect.n_cols; ++c)
                if (b.step_targets(0, c) >= 0.0F)
                    perfect(static_cast<arma::uword>(b.step_targets(0, c)), c) = 5.0F;
        } else {
            perfect = b.step_targets;
        }
        rt::Tape<float> tape;
        rt::NetworkVars vars;
        vars.outputs = tape.constant(perfect);
        const std::string signal = is_choice(*e) ? "correct" : "error";
        const arma::fmat good = tape.value(m.task->signal(signal, tape, vars, b));
        CHECK(good.n_rows == b.batch);
        CHECK(good.n_cols == b.steps);
        CHECK(arma::all(arma::vectorise(good) == (is_choice(*e) ? 1.0F : 0.0F)));
        // Every logit wrong in the scored steps only (the fixation steps right): no trial is
        // correct. Outputs off by 0.5 everywhere: the error is 0.25 per output.
        arma::fmat bad = perfect;
        const arma::fmat response = m.task->mask("response", b);
        if (is_choice(*e)) {
            for (arma::uword c = 0; c < bad.n_cols; ++c)
                if (response(0, c) == 1.0F)
                    bad.col(c) = 5.0F - perfect.col(c);
        } else {
            bad += 0.5F;
        }
        rt::NetworkVars off;
        off.outputs = tape.constant(bad);
        const arma::fmat wrong = tape.value(m.task->signal(signal, tape, off, b));
        CHECK(arma::all(arma::vectorise(wrong)
                        == (is_choice(*e) ? 0.0F : 0.25F * static_cast<float>(bad.n_rows))));
        // Double tapes (gradient checks) get the same values.
        rt::Tape<double> dtape;
        rt::NetworkVars dvars;
        dvars.outputs = dtape.constant(arma::conv_to<arma::mat>::from(perfect));
        CHECK(arma::approx_equal(dtape.value(m.task->signal(signal, dtape, dvars, b)),
                                 arma::conv_to<arma::mat>::from(good), "absdiff", 1e-12));
        if (e->name == "ready_set_go") {
            // A perfect ramp crosses 1/2 at ceil(t_s / 2): t_p is t_s or t_s + 1.
            const arma::fmat timing = tape.value(m.task->signal("timing_error", tape, vars, b));
            CHECK(timing.max() <= 1.0F / 24.0F + 1e-6F);
            const arma::fmat late = tape.value(m.task->signal("timing_error", tape, off, b));
            for (arma::uword k = 0; k < b.batch; ++k)
                if (layout(b, k).back() == 0)  // not a catch trial: +0.5 crosses at once
                    CHECK(late(k, 0) == doctest::Approx(1.0));
        }
        CHECK_THROWS_AS(m.task->signal("nothing", tape, vars, b), std::logic_error);
    }
}

TEST_CASE("golden trials: the first trials of seed 5 for every classic task") {
    // Condition, period begins and trial end, and sums of the inputs and targets of trials 0
    // and 1 (noise included). A change here changes every trial these tasks draw.
    struct Golden {
        long condition;
        std::vector<long> layout;
        double inputs, targets;
    };

    const std::map<std::string, std::vector<Golden>> golden = {
        {"perceptual_dm",
         {{0, {0, 5, 30, 30, 35, 0}, 55.3884699, 5}, {0, {0, 5, 30, 30, 35, 0}, 60.7396402, 5}}},
        {"context_dm",
         {{1, {0, 5, 30, 37, 42, 0}, 131.386731, 3}, {1, {0, 5, 30, 39, 44, 0}, 140.21509, 5}}},
        {"go_no_go",
         {{1, {0, 5, 10, 17, 22, 0}, 21.8922618, -7}, {0, {0, 5, 10, 19, 24, 0}, 25.5383216, 0}}},
        {"delay_match_sample",
         {{0, {0, 5, 15, 37, 47, 52, 0}, 65.7851227, -2},
          {1, {0, 5, 15, 39, 49, 54, 0}, 71.3592518, 5}}},
        {"parametric_wm",
         {{1, {0, 5, 15, 37, 47, 52, 0}, 61.4594489, 3},
          {0, {0, 5, 15, 39, 49, 54, 0}, 50.0687863, 0}}},
        {"flip_flop", {{0, {0, 100, 0}, 4, 77}, {0, {0, 100, 0}, 1, -18}}},
        {"ready_set_go",
         {{4, {0, 5, 7, 33, 35, 66, 0}, 37, 18.5}, {14, {0, 5, 7, 43, 45, 86, 0}, 47, 23.5}}},
    };
    for (const auto* e : classic_entries()) {
        CAPTURE(e->name);
        s::Params p;
        p.set("catch", 0.2);
        const Made m = make(*e, p);
        const s::TrialBatch b = batch(*m.task, 2);
        const auto it = golden.find(e->name);
        REQUIRE(it != golden.end());
        for (arma::uword k = 0; k < 2; ++k) {
            CAPTURE(k);
            double inputs = 0.0, targets = 0.0;
            for (arma::uword t = 0; t < b.steps; ++t) {
                inputs += arma::accu(arma::conv_to<arma::vec>::from(b.inputs.col(t * 2 + k)));
                targets +=
                    arma::accu(arma::conv_to<arma::vec>::from(b.step_targets.col(t * 2 + k)));
            }
            const Golden& g = it->second[k];
            CHECK(b.condition[k] == g.condition);
            CHECK(layout(b, k) == g.layout);
            CHECK(inputs == doctest::Approx(g.inputs).epsilon(1e-5));
            CHECK(targets == doctest::Approx(g.targets).epsilon(1e-5));
        }
    }
}
