// Trial variables (docs/tasks.md, "Trial variables"): every task records what it drew for
// each trial, in its entry's order; the values are those the trials show; labels are made
// from them; a Draw parameter may be a list; choice tasks report the class chosen.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/random.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/registry.hpp"
#include "stdlib/tasks/period_trials.hpp"
#include "tests/unit/temp_dir.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {

std::unique_ptr<s::TaskInstance> make(const s::TaskEntry& e, s::Params given = {}) {
    rt::RandomStream setup(rt::stream_key(3, "task t / setup"));
    return e.make(s::with_defaults(e.schema, std::move(given)), setup);
}

s::TrialBatch fresh(const s::TaskInstance& task, arma::uword count) {
    return task.evaluation_batch(s::TrialDraws(rt::stream_key(9, "evaluate test / trials"), 0),
                                 count);
}

float at(const arma::fmat& m, arma::uword row, const s::TrialBatch& b, arma::uword k,
         arma::uword t) {
    return m(row, t * b.batch + k);
}

const std::vector<double>& values(const s::TrialBatch& b, const std::string& name) {
    const s::TrialVariable* v = s::find_variable(b, name);
    REQUIRE_MESSAGE(v != nullptr, name);
    REQUIRE(v->values.size() == b.batch);
    return v->values;
}

// The entry's variable names with each family (item1) expanded to the members the batch
// has (item1, item2, ...).
std::vector<std::string> expanded(const s::TaskEntry& e, const s::TrialBatch& b) {
    std::vector<std::string> out;
    auto listed = [&](const std::string& name) {
        return std::any_of(e.variables.begin(), e.variables.end(),
                           [&](const s::VariableDoc& d) { return d.name == name; });
    };
    for (const auto& d : e.variables) {
        out.push_back(d.name);
        const std::string stem = d.name.substr(0, d.name.size() - 1);
        if (d.name.back() != '1' || listed(stem + "2"))  // parametric_wm's f1 and f2
            continue;
        for (int k = 2; s::find_variable(b, stem + std::to_string(k)); ++k)
            out.push_back(stem + std::to_string(k));
    }
    return out;
}

}  // namespace

TEST_CASE("every task records each variable its entry lists, in that order, for every trial") {
    rnn::test::TempDir dir("variables_corpus");
    std::ofstream(dir.path / "t.txt") << "one line\nanother line\n";
    for (const s::TaskEntry* e : s::tasks()) {
        CAPTURE(e->name);
        if (e->origin != s::TaskOrigin::Stdlib)
            continue;  // declared by a script: paradigm_test.cpp, array_task_test.cpp
        s::Params p;
        if (e->name == "corpus")
            p.set("file", (dir.path / "t.txt").string());
        if (e->name == "integration_memory")
            p.set("length", 600.0), p.set("onset", s::Value{s::UniformDraw{10.0, 50.0}}),
                p.set("cost_onset", 300.0), p.set("pool", 20.0);
        const auto task = make(*e, p);
        const s::TrialBatch b = fresh(*task, 12);
        REQUIRE(!e->variables.empty());
        std::vector<std::string> names;
        for (const auto& v : b.variables) {
            names.push_back(v.name);
            CHECK(v.values.size() == b.batch);
            // Each is a label, one per trial.
            REQUIRE(b.labels.count(v.name) == 1);
            CHECK(b.labels.at(v.name).size() == b.batch);
        }
        CHECK(names == expanded(*e, b));
        for (const auto& d : e->variables) {
            CHECK(!d.doc.empty());
            CHECK(s::has_label(*e, d.name));
        }
    }
}

TEST_CASE("integration_memory's input is strength exactly over its recorded onset and duration") {
    s::Params p;
    p.set("length", 400.0);
    p.set("onset", s::Value{s::UniformDraw{10.0, 60.0}});
    p.set("duration", s::Value{s::UniformDraw{5.0, 40.0}});
    p.set("cost_onset", 200.0);
    p.set("no_cue", 0.3);
    p.set("pool", 10.0);
    const auto task = make(s::integration_memory_entry(), p);
    const s::TrialBatch b = fresh(*task, 60);
    const auto& onset = values(b, "onset");
    const auto& duration = values(b, "duration");
    const auto& cue = values(b, "cue");
    std::set<double> cues(cue.begin(), cue.end());
    CHECK(cues == std::set<double>{0.0, 1.0});
    for (arma::uword k = 0; k < b.batch; ++k) {
        CHECK(onset[k] >= 10.0);
        CHECK(onset[k] < 60.0);
        CHECK(duration[k] >= 5.0);
        CHECK(duration[k] < 40.0);
        // duration + 1 steps of 2.0 from the onset (inclusive_end), none elsewhere.
        for (arma::uword t = 0; t < b.steps; ++t) {
            const bool on = cue[k] == 1.0 && static_cast<double>(t) >= onset[k]
                            && static_cast<double>(t) <= onset[k] + duration[k];
            CHECK(at(b.inputs, 0, b, k, t) == (on ? 2.0F : 0.0F));
        }
    }
    // The probe durations of a list are the recorded ones, one per trial in turn.
    p.set("duration", s::Value{std::vector<double>{7.0, 21.0}});
    const s::TrialBatch probes = fresh(*make(s::integration_memory_entry(), p), 4);
    CHECK(values(probes, "duration") == std::vector<double>{7.0, 21.0, 7.0, 21.0});
}

TEST_CASE(
    "perceptual_dm's evidence difference is its signed coherence, and catch trials have none") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("catch", 0.2);
    const auto task = make(s::perceptual_dm_entry(), p);
    const s::TrialBatch b = fresh(*task, 80);
    const auto& side = values(b, "side");
    const auto& coherence = values(b, "coherence");
    const auto& signed_c = values(b, "signed_coherence");
    const auto& catch_trial = values(b, "catch");
    const auto& stimulus_onset = values(b, "stimulus_onset");
    int catches = 0;
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto t = static_cast<arma::uword>(stimulus_onset[k]);
        CHECK(stimulus_onset[k] == static_cast<double>(b.periods[1].begin_of(k)));
        if (catch_trial[k] == 1.0) {
            ++catches;
            CHECK(side[k] == -1.0);
            CHECK(std::isnan(coherence[k]));
            CHECK(b.labels.at("side")[k] == -1);
            continue;
        }
        CHECK((side[k] == 0.0 || side[k] == 1.0));
        CHECK(coherence[k] >= 3.2);
        CHECK(coherence[k] < 51.2);
        CHECK(signed_c[k] == (side[k] == 0.0 ? coherence[k] : -coherence[k]));
        const double difference = at(b.inputs, 1, b, k, t) - at(b.inputs, 2, b, k, t);
        CHECK(difference == doctest::Approx(signed_c[k] / 100.0).epsilon(1e-6));
        CHECK(b.condition[k] == static_cast<long>(side[k]));
        CHECK(b.labels.at("side")[k] == static_cast<long>(side[k]));
    }
    CHECK(catches > 0);
}

TEST_CASE("a coherence given as a list draws one of its values per trial, each of them") {
    s::Params p;
    p.set("noise", 0.0);
    const std::vector<double> list = {0.0, 3.2, 6.4, 12.8, 25.6, 51.2};
    p.set("coherence", s::Value{list});
    const s::TrialBatch b = fresh(*make(s::perceptual_dm_entry(), p), 300);
    const auto& coherence = values(b, "coherence");
    const std::set<double> seen(coherence.begin(), coherence.end());
    CHECK(seen == std::set<double>(list.begin(), list.end()));
    // As a label, trials group by distinct value: 0 for the smallest, in ascending order.
    for (arma::uword k = 0; k < b.batch; ++k)
        CHECK(list.at(static_cast<std::size_t>(b.labels.at("coherence")[k])) == coherence[k]);
    // 12 signed values: +-c for c > 0, and 0.
    const auto& signed_c = values(b, "signed_coherence");
    CHECK(std::set<double>(signed_c.begin(), signed_c.end()).size() == 11);
    for (const double x : signed_c)
        CHECK_FALSE((std::signbit(x) && x == 0.0));  // 0, never -0
}

TEST_CASE("the other tasks' variables are what their trials show") {
    s::Params quiet;
    quiet.set("noise", 0.0);
    SUBCASE("context_dm") {
        const s::TrialBatch b = fresh(*make(s::context_dm_entry(), quiet), 40);
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto t = static_cast<arma::uword>(values(b, "stimulus_onset")[k]);
            const auto context = static_cast<arma::uword>(values(b, "context")[k]);
            CHECK(at(b.inputs, 5 + context, b, k, 0) == 1.0F);
            const double motion = at(b.inputs, 1, b, k, t) - at(b.inputs, 2, b, k, t);
            const double sign = values(b, "motion_side")[k] == 0.0 ? 1.0 : -1.0;
            CHECK(motion == doctest::Approx(sign * values(b, "motion_coherence")[k] / 100.0));
            const double colour = at(b.inputs, 3, b, k, t) - at(b.inputs, 4, b, k, t);
            const double colour_sign = values(b, "colour_side")[k] == 0.0 ? 1.0 : -1.0;
            CHECK(colour
                  == doctest::Approx(colour_sign * values(b, "colour_coherence")[k] / 100.0));
        }
    }
    SUBCASE("delay_match_sample") {
        const s::TrialBatch b = fresh(*make(s::delay_match_sample_entry(), quiet), 40);
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto sample = static_cast<arma::uword>(values(b, "sample")[k]);
            const auto test = static_cast<arma::uword>(values(b, "test")[k]);
            CHECK(at(b.inputs, 1 + sample, b, k,
                     static_cast<arma::uword>(values(b, "sample_onset")[k]))
                  == 1.0F);
            CHECK(at(b.inputs, 1 + test, b, k, static_cast<arma::uword>(values(b, "test_onset")[k]))
                  == 1.0F);
            CHECK(values(b, "match")[k] == (sample == test ? 1.0 : 0.0));
        }
    }
    SUBCASE("parametric_wm") {
        const s::TrialBatch b = fresh(*make(s::parametric_wm_entry(), quiet), 40);
        for (arma::uword k = 0; k < b.batch; ++k) {
            const double f1 = values(b, "f1")[k], f2 = values(b, "f2")[k];
            CHECK(std::abs(f2 - f1) == 8.0);
            CHECK(values(b, "higher")[k] == (f2 > f1 ? 1.0 : 0.0));
            const auto t1 = static_cast<arma::uword>(values(b, "f1_onset")[k]);
            const auto t2 = static_cast<arma::uword>(values(b, "f2_onset")[k]);
            CHECK((at(b.inputs, 1, b, k, t2) > at(b.inputs, 1, b, k, t1)) == (f2 > f1));
        }
    }
    SUBCASE("flip_flop") {
        const s::TrialBatch b = fresh(*make(s::flip_flop_entry(), quiet), 10);
        for (arma::uword k = 0; k < b.batch; ++k) {
            double pulses = 0.0;
            for (arma::uword t = 0; t < b.steps; ++t)
                for (arma::uword ch = 0; ch < 3; ++ch)
                    pulses += at(b.inputs, ch, b, k, t) != 0.0F ? 1.0 : 0.0;
            CHECK(values(b, "pulses")[k] == pulses);
            for (arma::uword ch = 0; ch < 3; ++ch)
                CHECK(values(b, "final" + std::to_string(ch + 1))[k]
                      == at(b.step_targets, ch, b, k, b.steps - 1));
        }
    }
    SUBCASE("ready_set_go") {
        const s::TrialBatch b = fresh(*make(s::ready_set_go_entry(), quiet), 20);
        for (arma::uword k = 0; k < b.batch; ++k)
            CHECK(values(b, "interval")[k]
                  == values(b, "set_onset")[k] - values(b, "ready_onset")[k]);
    }
    SUBCASE("go_no_go") {
        const s::TrialBatch b = fresh(*make(s::go_no_go_entry(), quiet), 20);
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto t = static_cast<arma::uword>(values(b, "stimulus_onset")[k]);
            CHECK(at(b.inputs, values(b, "go")[k] == 1.0 ? 1 : 2, b, k, t) == 1.0F);
        }
    }
    SUBCASE("memory_recall") {
        const auto task = make(s::memory_recall_entry());
        const s::TrialBatch b = fresh(*task, 4);
        for (arma::uword k = 0; k < b.batch; ++k) {
            const auto pattern = static_cast<arma::uword>(values(b, "pattern")[k]);
            const arma::fvec shown = b.inputs.col(k);  // step 0
            const arma::fvec clean = task->matrix("patterns", nullptr).col(pattern);
            CHECK(arma::approx_equal(shown, clean * static_cast<float>(values(b, "gain")[k]),
                                     "absdiff", 1e-5F));
        }
    }
    SUBCASE("key_recall") {
        const s::TrialBatch b = fresh(*make(s::key_recall_entry()), 20);
        for (arma::uword k = 0; k < b.batch; ++k) {
            const double before = values(b, "before")[k], between = values(b, "between")[k];
            CHECK(values(b, "length")[k] == before + between + 4.0);
            // The key is shown after '?', at step `before` + 1.
            const auto key = static_cast<arma::uword>(values(b, "key")[k]);
            CHECK(at(b.inputs, key, b, k, static_cast<arma::uword>(before) + 1) == 1.0F);
            CHECK(b.condition[k] == static_cast<long>(key));
        }
    }
}

TEST_CASE("sequence_wm's item labels are its item variables: the item at each position") {
    s::Params p;
    p.set("lengths", s::Value{std::vector<double>{2.0, 4.0}});
    const auto task = make(s::sequence_wm_entry(), p);
    const s::TrialBatch b = task->training_batch({0, 0, 6, "uniform", 0, {2, 4, 2, 4, 2, 4}},
                                                 s::TrialDraws(rt::stream_key(1, "t"), 0));
    for (arma::uword k = 0; k < b.batch; ++k) {
        const auto length = static_cast<arma::uword>(values(b, "length")[k]);
        CHECK(length == (k % 2 ? 4 : 2));
        for (arma::uword pos = 0; s::find_variable(b, "item" + std::to_string(pos + 1)); ++pos) {
            const std::string name = "item" + std::to_string(pos + 1);
            const long label = b.labels.at(name)[k];
            CHECK(values(b, name)[k] == static_cast<double>(label));
            if (pos >= length) {
                CHECK(label == -1);
                continue;
            }
            // The target of position pos's response window is its item.
            arma::uword t = 0;
            for (const auto& period : b.periods)
                if (period.name == "response" + std::to_string(pos + 1))
                    t = period.begin_of(k);
            CHECK(at(b.step_targets, 0, b, k, t) == static_cast<float>(label));
        }
        CHECK(b.condition[k] == b.labels.at("item1")[k]);
    }
}

TEST_CASE("labels: a category's own value, a quantity's rank among its distinct values") {
    const double nan = arma::datum::nan;
    std::vector<s::TrialVariable> vars = {{"side", {1, 0, -1, 1, nan}, true},
                                          {"coherence", {25.6, 3.2, nan, 3.2, 51.2}, false},
                                          {"signed", {-3.2, 0, 3.2, -6.4, -1}, false}};
    const auto labels = s::variable_labels(vars);
    CHECK(labels.at("side") == std::vector<long>{1, 0, -1, 1, -1});
    CHECK(labels.at("coherence") == std::vector<long>{1, 0, -1, 0, 2});
    CHECK(labels.at("signed") == std::vector<long>{1, 3, 4, 0, 2});
}

TEST_CASE("choice tasks report the class chosen, as `correct` judges it") {
    s::Params p;
    p.set("noise", 0.0);
    p.set("catch", 0.0);
    const auto task = make(s::perceptual_dm_entry(), p);
    const s::TrialBatch b = fresh(*task, 6);
    // Logits that choose class 1, 2, 0, 1, 2, 0 on trials 0..5 at every step.
    arma::fmat logits(3, b.batch * b.steps, arma::fill::zeros);
    for (arma::uword k = 0; k < b.batch; ++k)
        for (arma::uword t = 0; t < b.steps; ++t)
            logits((k + 1) % 3, t * b.batch + k) = 1.0F;
    rt::Tape<float> tape;
    rt::NetworkVars net;
    net.outputs = tape.constant(logits);
    const arma::fmat choice = tape.value(task->signal("choice", tape, net, b));
    const arma::fmat chose_1 = tape.value(task->signal("chose_1", tape, net, b));
    const arma::fmat correct = tape.value(task->signal("correct", tape, net, b));
    for (arma::uword k = 0; k < b.batch; ++k) {
        const float chosen = static_cast<float>((k + 1) % 3);
        CHECK(choice(k, 0) == chosen);
        CHECK(choice(k, b.steps - 1) == chosen);
        CHECK(chose_1(k, 0) == (chosen == 1.0F ? 1.0F : 0.0F));
        CHECK(correct(k, 0) == (chosen == 1.0F + static_cast<float>(b.condition[k]) ? 1.0F : 0.0F));
    }
}
