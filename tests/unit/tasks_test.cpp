// Seed task generators against their definitions: integration_memory (seed 002, docs/provenance.md
// §3.2-3.4) and sequence_wm (seed 004, docs/provenance.md §4.1).
#include <set>

#include <doctest/doctest.h>

#include "runtime/network.hpp"
#include "runtime/random.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/registry.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {

std::unique_ptr<s::TaskInstance> pulses(s::Params p, std::uint64_t seed = 7) {
    rt::RandomStream setup(rt::stream_key(seed, "task pulses / setup"));
    return s::integration_memory_entry().make(
        s::with_defaults(s::integration_memory_entry().schema, std::move(p)), setup);
}

// The steps of trial b at which row 0 of m (1 x batch*steps) equals v.
std::vector<long> steps_where(const arma::fmat& m, arma::uword b, arma::uword batch, float v) {
    std::vector<long> out;
    for (arma::uword t = 0; t < m.n_cols / batch; ++t)
        if (m(0, t * batch + b) == v)
            out.push_back(static_cast<long>(t));
    return out;
}

}  // namespace

TEST_CASE("integration_memory trials follow seed 002's data1 step by step") {
    s::Params p;
    p.set("length", 60.0);
    p.set("onset", s::Value{s::UniformDraw{10.0, 20.0}});   // 15 +- 5: t_on in 10..19
    p.set("duration", s::Value{s::UniformDraw{3.0, 9.0}});  // 6 +- 3: D in 3..8
    p.set("cost_onset", 40.0);
    p.set("no_cue", 0.25);
    p.set("pool", 400.0);
    const auto task = pulses(p);
    CHECK(task->input_size() == 1);
    CHECK(task->output_size() == 1);
    const s::TrialDraws trials(rt::stream_key(1, "train fit / trials"), 0);
    const s::TrialBatch b = task->training_batch({0, 0, 400, "pool"}, trials);
    REQUIRE(b.inputs.n_cols == 400 * 60);
    std::set<long> onsets, durations;
    int no_cue = 0;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto on = steps_where(b.inputs, k, b.batch, 2.0F);
        if (on.empty()) {  // a no-cue trial: target 0 everywhere
            ++no_cue;
            CHECK(steps_where(b.step_targets, k, b.batch, 0.0F).size() == 60);
            continue;
        }
        // D + 1 contiguous input samples from t_on (both ends inclusive).
        const long t_on = on.front(), d = static_cast<long>(on.size()) - 1;
        CHECK(on.back() == t_on + d);
        onsets.insert(t_on);
        durations.insert(d);
        // Target: 0 before t_on, -1 until the cost onset, then 0.007 * D.
        CHECK(steps_where(b.step_targets, k, b.batch, 0.0F).size() == static_cast<size_t>(t_on));
        CHECK(steps_where(b.step_targets, k, b.batch, -1.0F).size()
              == static_cast<size_t>(40 - t_on));
        CHECK(steps_where(b.step_targets, k, b.batch, 0.007F * static_cast<float>(d)).size() == 20);
    }
    // randint's exclusive upper bound: 10..19 and 3..8, every value reached.
    CHECK(*onsets.begin() == 10);
    CHECK(*onsets.rbegin() == 19);
    CHECK(onsets.size() == 10);
    CHECK(*durations.begin() == 3);
    CHECK(*durations.rbegin() == 8);
    CHECK(no_cue > 60);  // 25 % of 400 = 100 expected
    CHECK(no_cue < 140);

    // The masks of the two losses: every step but the -1s, and the plateau of cue trials.
    const arma::fmat keep = task->mask("not_minus_one", b);
    const arma::fmat plateau = task->mask("positive", b);
    CHECK(arma::accu(keep) == arma::accu(b.step_targets != -1.0F));
    CHECK(arma::accu(plateau) == 20.0F * static_cast<float>(400 - no_cue));
}

TEST_CASE("integration_memory: D samples without inclusive_end, and a pool fixed by the seed") {
    s::Params p;
    p.set("length", 30.0);
    p.set("onset", 5.0);
    p.set("duration", 4.0);
    p.set("cost_onset", 20.0);
    p.set("no_cue", 0.0);
    p.set("pool", 10.0);
    p.set("inclusive_end", false);
    const auto task = pulses(p);
    const s::TrialDraws trials(rt::stream_key(1, "t"), 0);
    const s::TrialBatch b = task->training_batch({0, 0, 3, "pool"}, trials);
    for (arma::uword k = 0; k < 3; ++k)
        CHECK(steps_where(b.inputs, k, 3, 2.0F) == std::vector<long>{5, 6, 7, 8});

    // Golden data: the first trials of the default task for seed 7 (onset, duration, cue).
    const auto defaults = pulses(s::Params{});
    const s::TrialDraws pick(rt::stream_key(1, "t"), 0);
    const s::TrialBatch g = defaults->training_batch({0, 0, 500, "pool"}, pick);
    std::set<long> distinct;
    for (arma::uword k = 0; k < 500; ++k) {
        const auto on = steps_where(g.inputs, k, 500, 2.0F);
        distinct.insert(on.empty() ? -1 : on.front() * 1000 + static_cast<long>(on.size()));
        if (!on.empty()) {
            CHECK(on.front() >= 2000);
            CHECK(on.front() <= 3999);  // U{2000..3999}: docs/provenance.md §3.2 step 2
            CHECK(on.size() >= 51);     // D in 50..249, D + 1 samples
            CHECK(on.size() <= 250);
        }
    }
    CHECK(distinct.size() > 400);  // a batch of the whole pool holds each trial once
    const auto again = pulses(s::Params{});
    const s::TrialDraws pick2(rt::stream_key(1, "t"), 0);
    CHECK(arma::approx_equal(again->training_batch({0, 0, 500, "pool"}, pick2).inputs, g.inputs,
                             "absdiff", 0.0F));
    const auto other = pulses(s::Params{}, 8);
    const s::TrialDraws pick3(rt::stream_key(1, "t"), 0);
    CHECK_FALSE(arma::approx_equal(other->training_batch({0, 0, 500, "pool"}, pick3).inputs,
                                   g.inputs, "absdiff", 0.0F));
    CHECK_THROWS_AS(defaults->training_batch({0, 0, 501, "pool"}, pick), std::invalid_argument);

    // Golden data: the first batch of 4 for seed 7, as (onset, input samples = D + 1,
    // plateau = 0.007 D), onset -1 for a trial without cue (no input, target 0). A change
    // here changes every seed-002 result.
    const s::TrialDraws first(rt::stream_key(1, "t"), 0);
    const s::TrialBatch f = defaults->training_batch({0, 0, 4, "pool"}, first);
    const long golden[4][2] = {{2765, 137}, {-1, 0}, {2565, 164}, {2961, 143}};
    for (arma::uword k = 0; k < 4; ++k) {
        const auto on = steps_where(f.inputs, k, 4, 2.0F);
        CHECK((on.empty() ? -1L : on.front()) == golden[k][0]);
        CHECK(static_cast<long>(on.size()) == golden[k][1]);
        CHECK(f.step_targets(0, (f.steps - 1) * 4 + k)
              == doctest::Approx(on.empty() ? 0.0 : 0.007 * static_cast<double>(golden[k][1] - 1)));
    }
}

// The timing, channel layout and targets of docs/provenance.md §4.1.
TEST_CASE("sequence_wm trials have the seed's timing, channel layout and targets") {
    rt::RandomStream setup(rt::stream_key(1, "task seqs / setup"));
    const auto task = s::sequence_wm_entry().make(
        s::with_defaults(s::sequence_wm_entry().schema, s::Params{}), setup);
    CHECK(task->input_size() == 15);  // 8 items + fixation, stimulus, delay + 4 cues
    CHECK(task->output_size() == 8);
    const std::uint64_t trials = rt::stream_key(1, "train fit / trials");
    std::set<arma::uword> lengths_seen;
    for (long step = 0; step < 30; ++step) {
        const s::TrialBatch b = task->training_batch(
            {0, step, 16, "uniform"}, s::TrialDraws(trials, static_cast<std::uint64_t>(step) * 16));
        const arma::uword len = (b.steps - 15) / 10;  // L(s) = 15 + 10 s
        REQUIRE(b.steps == 15 + 10 * len);
        lengths_seen.insert(len);
        REQUIRE(b.periods.size() == 4 + 2 * 4);  // the phases, then stimulus1..4, response1..4
        CHECK(b.periods[3].name == "response");
        CHECK(b.periods[3].begin == 15 + 5 * len);
        CHECK(b.periods[3].end == b.steps);
        const arma::fmat mask = task->mask("response", b);
        CHECK(arma::accu(mask) == static_cast<float>(16 * 5 * len));
        for (arma::uword k = 0; k < 16; ++k) {
            auto x = [&](arma::uword ch, arma::uword t) {
                return b.inputs(ch, t * 16 + k);
            };
            std::set<long> items;
            for (arma::uword t = 0; t < b.steps; ++t) {
                // Fixation only in the first 5 steps; the delay channel only in the delay.
                CHECK(x(8, t) == (t < 5 ? 1.0F : 0.0F));
                CHECK(x(10, t) == (t >= 5 + 5 * len && t < 15 + 5 * len ? 1.0F : 0.0F));
                const bool stim = t >= 5 && t < 5 + 5 * len;
                CHECK(x(9, t) == (stim ? 1.0F : 0.0F));
                const float target = b.step_targets(0, t * 16 + k);
                if (stim) {
                    const arma::uword pos = (t - 5) / 5;
                    const arma::uword item =
                        arma::fvec(b.inputs.col(t * 16 + k)).head(8).index_max();
                    CHECK(x(item, t) == 1.0F);
                    items.insert(static_cast<long>(item));
                    // The same item is the target of response window pos.
                    CHECK(b.step_targets(0, (15 + 5 * len + 5 * pos + (t - 5) % 5) * 16 + k)
                          == static_cast<float>(item));
                }
                if (t >= 15 + 5 * len) {
                    const arma::uword pos = (t - 15 - 5 * len) / 5;
                    CHECK(x(11 + pos, t) == 1.0F);
                    CHECK(target >= 0.0F);
                } else {
                    CHECK(target == -1.0F);
                }
            }
            CHECK(items.size() == len);  // drawn without replacement
        }
    }
    CHECK(lengths_seen == std::set<arma::uword>{2, 3, 4});
}

TEST_CASE("integration_memory's h0 starts its trials there, and none leaves the network's") {
    s::Params p;
    p.set("length", 20.0);
    p.set("onset", 5.0);
    p.set("duration", 2.0);
    p.set("cost_onset", 10.0);
    p.set("pool", 4.0);
    const s::TrialDraws t1(rt::stream_key(1, "t"), 0);
    CHECK_FALSE(pulses(p)->training_batch({0, 0, 2, "pool"}, t1).initial_state.has_value());
    p.set("h0", 0.1);
    const auto task = pulses(p);
    const s::TrialDraws t2(rt::stream_key(1, "t"), 0);
    const s::TrialBatch b = task->training_batch({0, 0, 2, "pool"}, t2);
    REQUIRE(b.initial_state.has_value());
    CHECK(*b.initial_state == 0.1F);

    // The network starts there: a leaky unit without input or recurrence decays from 0.1.
    rt::NetworkShape shape;
    shape.kind = rt::CellKind::Ctrnn;
    shape.units = 3;
    shape.inputs = 1;
    shape.bias = false;
    rt::Network<float> net =
        rt::default_network<float>(shape, [](const std::string&) { return rt::RandomStream(1); });
    net.alpha = 0.25;
    net.find("G")->raw.zeros();
    net.find("I")->raw.zeros();
    rt::Tape<float> tape;
    const rt::NetworkVars v = rt::forward(tape, net, b.inputs, b.batch,
                                          static_cast<const arma::fmat*>(nullptr), b.initial_state);
    CHECK(tape.value(v.states)(0, 0) == doctest::Approx(0.1 * 0.75));
    CHECK(tape.value(v.states)(2, 2 * 2 + 1) == doctest::Approx(0.1 * 0.75 * 0.75 * 0.75));
}

TEST_CASE("integration_memory with a list of durations evaluates one probe trial per duration") {
    s::Params p;
    p.set("length", 40.0);
    p.set("onset", 5.0);
    p.set("duration", s::Value{std::vector<double>{2.0, 6.0, 9.0}});
    p.set("cost_onset", 25.0);
    p.set("no_cue", 0.0);
    p.set("pool", 20.0);
    const auto task = pulses(p);
    CHECK(task->conditions() == 3);
    const s::TrialDraws t(rt::stream_key(1, "evaluate e / trials"), 0);
    const s::TrialBatch b = task->evaluation_batch(t, 0);
    REQUIRE(b.batch == 3);
    CHECK(b.condition == std::vector<long>{0, 1, 2});
    const long d[3] = {2, 6, 9};
    for (arma::uword k = 0; k < 3; ++k) {
        CHECK(steps_where(b.inputs, k, 3, 2.0F).size() == static_cast<size_t>(d[k] + 1));
        CHECK(b.step_targets(0, 39 * 3 + k) == doctest::Approx(0.007 * static_cast<double>(d[k])));
    }
    // Training draws from the list.
    const s::TrialDraws pick(rt::stream_key(1, "t"), 0);
    const s::TrialBatch train = task->training_batch({0, 0, 20, "pool"}, pick);
    for (arma::uword k = 0; k < 20; ++k) {
        const auto n = static_cast<long>(steps_where(train.inputs, k, 20, 2.0F).size()) - 1;
        CHECK((n == 2 || n == 6 || n == 9));
    }
}

TEST_CASE("a trial is a function of its index, whatever the batch it is built in") {
    // Trials 2 and 3 built as the tail of a batch of 4 and as a batch of 2 of their own.
    const std::uint64_t key = rt::stream_key(5, "train fit / trials");
    rt::RandomStream setup(rt::stream_key(1, "task seqs / setup"));
    const auto seqs = s::sequence_wm_entry().make(
        s::with_defaults(s::sequence_wm_entry().schema, s::Params{}), setup);
    const s::TrialBatch four = seqs->training_batch({0, 0, 4, "uniform", 3}, s::TrialDraws(key, 0));
    const s::TrialBatch two = seqs->training_batch({0, 1, 2, "uniform", 3}, s::TrialDraws(key, 2));
    REQUIRE(four.steps == two.steps);
    for (arma::uword t = 0; t < two.steps; ++t)
        for (arma::uword b = 0; b < 2; ++b)
            CHECK(arma::approx_equal(two.inputs.col(t * 2 + b), four.inputs.col(t * 4 + b + 2),
                                     "absdiff", 0.0F));
    // ... and differ from trials 0 and 1 (in the items shown or their order).
    bool differs = false;
    for (arma::uword t = 0; t < two.steps; ++t)
        for (arma::uword b = 0; b < 2; ++b)
            differs = differs || arma::any(two.inputs.col(t * 2 + b) != four.inputs.col(t * 4 + b));
    CHECK(differs);

    // The same for evaluation trials of integration_memory.
    s::Params p;
    p.set("length", 60.0);
    p.set("cost_onset", 40.0);
    p.set("onset", s::Value{s::UniformDraw{10.0, 30.0}});
    p.set("duration", s::Value{s::UniformDraw{3.0, 9.0}});
    p.set("pool", 8.0);
    const auto task = pulses(p);
    const s::TrialBatch many = task->evaluation_batch(s::TrialDraws(key, 10), 5);
    const s::TrialBatch later = task->evaluation_batch(s::TrialDraws(key, 13), 2);
    for (arma::uword b = 0; b < 2; ++b)
        CHECK(steps_where(later.inputs, b, 2, 2.0F) == steps_where(many.inputs, b + 3, 5, 2.0F));
}

TEST_CASE("sequence_wm mixes lengths in one batch with per-trial periods and padding") {
    rt::RandomStream setup(rt::stream_key(1, "task seqs / setup"));
    const auto task = s::sequence_wm_entry().make(
        s::with_defaults(s::sequence_wm_entry().schema, s::Params{}), setup);
    s::BatchRequest request{0, 0, 3, "curriculum", 4, {2, 4, 3}};
    const s::TrialBatch b = task->training_batch(request, s::TrialDraws(9, 0));
    REQUIRE(b.batch == 3);
    CHECK(b.steps == 15 + 10 * 4);  // the longest trial
    const arma::fmat mask = task->mask("response", b);
    const long lengths[3] = {2, 4, 3};
    for (arma::uword k = 0; k < 3; ++k) {
        const auto len = static_cast<arma::uword>(lengths[k]);
        const arma::uword own_steps = 15 + 10 * len;
        double targets = 0.0;
        for (arma::uword t = 0; t < b.steps; ++t)
            targets += mask(0, t * 3 + k);
        CHECK(targets == doctest::Approx(5.0 * static_cast<double>(len)));
        // Padding after the trial's own end: no input, no target.
        for (arma::uword t = own_steps; t < b.steps; ++t) {
            CHECK(arma::accu(b.inputs.col(t * 3 + k)) == 0.0F);
            CHECK(b.step_targets(0, t * 3 + k) == -1.0F);
        }
        // The trial's own response period: [15 + 5 len, 15 + 10 len).
        const s::Period& response = b.periods[3];
        REQUIRE(response.per_trial());
        CHECK(response.begin_of(k) == 15 + 5 * len);
        CHECK(response.end_of(k) == own_steps);
        // Its delay channel (stimuli + 2 = 10) is on over its own delay.
        CHECK(b.inputs(10, (5 + 5 * len) * 3 + k) == 1.0F);
    }
    // One length per batch keeps shared periods.
    const s::TrialBatch same =
        task->training_batch({0, 0, 3, "curriculum", 3, {3, 3, 3}}, s::TrialDraws(9, 0));
    CHECK_FALSE(same.periods[3].per_trial());
}

TEST_CASE("golden first trials of memory_recall and sequence_wm for a fixed seed") {
    // memory_recall, seed 42's `task memories / setup` stream, 8 units, 2 patterns: the
    // patterns and the gains of the first training trials (alternate schedule).
    rt::RandomStream setup(rt::stream_key(42, "task memories / setup"));
    s::Params p;
    p.set("units", 8.0);
    p.set("present", 2.0);
    p.set("retain", 2.0);
    const auto recall =
        s::find_task("memory_recall")
            ->make(s::with_defaults(s::find_task("memory_recall")->schema, p), setup);
    const arma::fmat patterns = recall->matrix("patterns", nullptr);
    std::string signs;
    for (const float x : patterns)
        signs += x > 0.0F ? '+' : '-';
    CHECK(signs == "+-+---+++-+--++-");  // column-major: pattern 0, then pattern 1
    const std::uint64_t key = rt::stream_key(42, "train fit / trials");
    const float gains[3] = {3.04853106F, 3.4577775F, 2.4993763F};
    for (long e = 0; e < 3; ++e) {
        const s::TrialBatch b = recall->training_batch(
            {e, e, 1, "alternate"}, s::TrialDraws(key, static_cast<std::uint64_t>(e)));
        const float gain = b.inputs(0, 0) / patterns(0, static_cast<arma::uword>(b.condition[0]));
        CHECK(gain == doctest::Approx(gains[e]).epsilon(1e-6));
    }
    // sequence_wm defaults: the items of the first three trials at length 4.
    rt::RandomStream setup2(rt::stream_key(42, "task seqs / setup"));
    const auto seqs = s::sequence_wm_entry().make(
        s::with_defaults(s::sequence_wm_entry().schema, s::Params{}), setup2);
    const s::TrialBatch b = seqs->training_batch({0, 0, 3, "uniform", 4}, s::TrialDraws(key, 0));
    const char* golden[3] = {"5147", "7406", "7216"};
    for (arma::uword k = 0; k < 3; ++k) {
        std::string items;
        for (arma::uword i = 0; i < 4; ++i)
            items += std::to_string(static_cast<int>(b.step_targets(0, (35 + 5 * i) * 3 + k)));
        CHECK(items == golden[k]);
    }
}
