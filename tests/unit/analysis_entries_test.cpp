// The analysis entries of the language (stdlib/analyses/*_entries.cpp) on evaluations
// built by hand, where the answer is known: time points over the periods, the decoder on
// an encoded and an absent label, subspaces of known spans, RDM grouping, per-trial PCA,
// weight participation, fixed points of a linear network, and the sweep table.
#include <cmath>

#include <doctest/doctest.h>
#include <toml++/toml.h>

#include "runtime/files.hpp"
#include "runtime/network.hpp"
#include "stdlib/analyses/activity.hpp"
#include "stdlib/analyses/pca.hpp"
#include "stdlib/analyses/rdm.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/schema.hpp"
#include "tests/unit/temp_dir.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {

// trials x units x steps of small noise, with periods "a" = [0, 4) and "b" = [4, 10).
s::EvaluationArg evaluation(arma::uword trials, arma::uword units, arma::uword steps) {
    s::EvaluationArg ev;
    ev.label = "test";
    ev.activity.set_size(trials, units, steps);
    rt::RandomStream r(rt::stream_key(7, "analysis_entries_test"));
    arma::fmat noise(trials * units, steps);
    r.fill_normal(noise, 0.0, 0.01);
    std::copy(noise.begin(), noise.end(), ev.activity.begin());
    ev.inputs.zeros(trials, 2, steps);
    ev.periods = {{"a", 0, 4}, {"b", 4, steps}};
    return ev;
}

s::Params options(const s::AnalysisEntry& e, s::Params given) {
    return s::with_defaults(e.schema, std::move(given));
}

s::Params set(std::initializer_list<std::pair<const char*, s::Value>> values) {
    s::Params p;
    for (const auto& [k, v] : values)
        p.set(k, v);
    return p;
}

}  // namespace

TEST_CASE("time points: anchors, shifts, per-trial periods and the state offset") {
    const std::vector<s::Period> periods = {{"delay", 10, 20}};
    CHECK(s::step_of(s::parse_time_point("delay.start"), periods, 0, 30, 0) == 10);
    CHECK(s::step_of(s::parse_time_point("delay.middle"), periods, 0, 30, 0) == 15);
    CHECK(s::step_of(s::parse_time_point("delay.end"), periods, 0, 30, 0) == 19);
    CHECK(s::step_of(s::parse_time_point("delay.end+2"), periods, 0, 30, 0) == 21);
    CHECK(s::step_of(s::parse_time_point("delay.start-3"), periods, 0, 30, 1) == 8);
    CHECK(s::step_of(s::parse_time_point("12"), periods, 0, 30, 0) == 12);
    s::Period own("stim", 5, 10);
    own.trial_begin = {5, 5};
    own.trial_end = {10, 15};
    CHECK(s::step_of(s::parse_time_point("stim.end"), {own}, 1, 30, 0) == 14);
    CHECK_THROWS_AS(s::parse_time_point("delay.centre"), std::invalid_argument);
    CHECK_THROWS_AS(s::parse_time_point("delay"), std::invalid_argument);
    CHECK_THROWS_AS(s::parse_time_point("delay.end+x"), std::invalid_argument);
    CHECK_THROWS_AS(s::step_of(s::parse_time_point("other.end"), periods, 0, 30, 0),
                    std::invalid_argument);
    CHECK_THROWS_AS(s::step_of(s::parse_time_point("delay.end+11"), periods, 0, 30, 0),
                    std::invalid_argument);
}

TEST_CASE("decode: a label written into the activity is read perfectly, an absent one not") {
    s::EvaluationArg ev = evaluation(60, 6, 10);
    std::vector<long> shown, hidden;
    for (arma::uword b = 0; b < 60; ++b) {
        shown.push_back(static_cast<long>(b % 3));
        hidden.push_back(static_cast<long>((b / 3) % 3));
        ev.activity(b, b % 3, 6) += 1.0F;  // only at step 6, only the shown label
    }
    ev.labels["shown"] = shown;
    ev.labels["hidden"] = hidden;
    const s::AnalysisEntry& e = s::decode_entry();
    auto run = [&](const char* label, const char* at) {
        return e.run({ev},
                     options(e, set({{"label", std::string(label)}, {"at", std::string(at)}})));
    };
    CHECK(run("shown", "6").scalars.at("accuracy_mean") == doctest::Approx(1.0));
    CHECK(run("shown", "b.start+2").scalars.at("accuracy_mean") == doctest::Approx(1.0));
    CHECK(run("shown", "b.start").scalars.at("accuracy_mean") < 0.7);  // step 4: nothing yet
    CHECK(run("hidden", "6").scalars.at("accuracy_mean") < 0.7);       // chance is 1/3
    CHECK(run("shown", "6").scalars.at("chance") == doctest::Approx(1.0 / 3.0));
    CHECK_THROWS_AS(run("absent", "6"), std::invalid_argument);

    const s::AnalysisEntry& over = s::decode_over_time_entry();
    const s::AnalysisResult r = over.run({ev}, options(over, set({{"label", std::string("shown")},
                                                                  {"during", std::string("b")},
                                                                  {"cross_temporal", true}})));
    const arma::fmat& acc = r.arrays.at("accuracy");
    REQUIRE(acc.n_elem == 6);
    CHECK(r.arrays.at("steps")(0) == doctest::Approx(4.0));
    CHECK(acc(2) == doctest::Approx(1.0));  // step 6
    CHECK(acc(0) < 0.7);
    CHECK(r.arrays.at("cross_temporal")(2, 2) == doctest::Approx(1.0));
}

TEST_CASE("decode: shuffled folds see both halves of a code that changes over the trials") {
    // Each class is written on one unit in its first ten trials and on another in its last
    // ten. Folds in trial order train on one code and test on the other; shuffled folds
    // train on both.
    s::EvaluationArg ev = evaluation(60, 6, 10);
    std::vector<long> label;
    for (arma::uword b = 0; b < 60; ++b) {
        const arma::uword c = b % 3;
        label.push_back(static_cast<long>(c));
        ev.activity(b, b / 3 < 10 ? c : c + 3, 6) += 1.0F;
    }
    ev.labels["class"] = label;
    const s::AnalysisEntry& e = s::decode_entry();
    auto run = [&](long shuffle) {
        return e.run({ev}, options(e, set({{"label", std::string("class")},
                                           {"at", std::string("6")},
                                           {"folds", 2.0},
                                           {"shuffle", static_cast<double>(shuffle)}})));
    };
    CHECK(run(0).scalars.at("accuracy_mean") < 0.6);
    const s::AnalysisResult a = run(5);
    CHECK(a.scalars.at("accuracy_mean") > 0.9);
    CHECK(arma::approx_equal(a.arrays.at("fold_accuracy"), run(5).arrays.at("fold_accuracy"),
                             "absdiff", 0.0F));
}

TEST_CASE("principal_angles: subspaces of known spans meet at 0 and 90 degrees") {
    s::EvaluationArg ev = evaluation(40, 5, 10);
    rt::RandomStream r(rt::stream_key(2, "angles"));
    for (arma::uword b = 0; b < 40; ++b) {
        // step 2 varies along units 0 and 1, step 7 along units 0 and 2.
        ev.activity(b, 0, 2) += static_cast<float>(r.normal());
        ev.activity(b, 1, 2) += static_cast<float>(r.normal());
        ev.activity(b, 0, 7) += static_cast<float>(r.normal());
        ev.activity(b, 2, 7) += static_cast<float>(r.normal());
    }
    const s::AnalysisEntry& e = s::principal_angles_entry();
    const s::AnalysisResult res = e.run(
        {ev},
        options(e, set({{"a", std::string("2")}, {"b", std::string("7")}, {"components", 2.0}})));
    const arma::fmat& angles = res.arrays.at("angles_deg");
    REQUIRE(angles.n_elem == 2);
    CHECK(angles(0) < 2.0);
    CHECK(angles(1) > 88.0);
}

TEST_CASE("rdm: conditions are label tuples, and the RDM is that of their means") {
    s::EvaluationArg ev = evaluation(24, 4, 10);
    std::vector<long> item1, item2;
    for (arma::uword b = 0; b < 24; ++b) {
        item1.push_back(static_cast<long>(b % 2));
        item2.push_back(static_cast<long>((b / 2) % 3));
        ev.activity(b, 0, 5) += static_cast<float>(b % 2);
        ev.activity(b, 1, 5) += 2.0F * static_cast<float>((b / 2) % 3);
    }
    ev.labels["item1"] = item1;
    ev.labels["item2"] = item2;
    const s::AnalysisEntry& e = s::rdm_entry();
    const s::AnalysisResult r =
        e.run({ev}, options(e, set({{"at", std::string("5")}, {"labels", std::string("item")}})));
    CHECK(r.scalars.at("conditions") == doctest::Approx(6.0));
    const arma::fmat& m = r.arrays.at("rdm");
    REQUIRE(m.n_rows == 6);
    // Conditions in lexicographic order: (0,0), (0,1), (0,2), (1,0), ... The distance of
    // (0,0) and (1,2) is sqrt(1 + 16), up to the noise.
    CHECK(m(0, 5) == doctest::Approx(std::sqrt(17.0)).epsilon(0.02));
    CHECK(m(0, 0) == 0.0F);
    // Position model: how many positions differ.
    CHECK(r.arrays.at("position_model")(0, 5) == 2.0F);
    CHECK(r.arrays.at("position_model")(0, 1) == 1.0F);
    // The rows' conditions, for building a model of one's own.
    const arma::fmat& labels = r.arrays.at("condition_labels");
    REQUIRE(labels.n_rows == 6);
    REQUIRE(labels.n_cols == 2);
    CHECK(labels(5, 0) == 1.0F);
    CHECK(labels(5, 1) == 2.0F);
    CHECK(std::isnan(r.scalars.at("model_spearman")));

    SUBCASE("a model file is compared as the built-in models are, and must fit the conditions") {
        rnn::test::TempDir dir("rdm_model");
        // The position model, written by hand: its correlation is position_spearman's.
        const arma::mat position = arma::conv_to<arma::mat>::from(r.arrays.at("position_model"));
        rt::save_npy(dir.path / "position.npy", position);
        const s::AnalysisResult own =
            e.run({ev}, options(e, set({{"at", std::string("5")},
                                        {"labels", std::string("item")},
                                        {"model", (dir.path / "position.npy").string()}})));
        CHECK(own.scalars.at("model_spearman")
              == doctest::Approx(r.scalars.at("position_spearman")));
        CHECK(own.arrays.at("model").n_rows == 6);
        rt::save_npy(dir.path / "small.npy", arma::mat(3, 3, arma::fill::ones));
        CHECK_THROWS_WITH_AS(
            e.run({ev}, options(e, set({{"at", std::string("5")},
                                        {"labels", std::string("item")},
                                        {"model", (dir.path / "small.npy").string()}}))),
            doctest::Contains("is 3 x 3, but these trials have 6 conditions"),
            std::invalid_argument);
    }
}

TEST_CASE("pca: per-trial centring averages the trials' own covariances") {
    s::EvaluationArg ev = evaluation(3, 4, 10);
    for (arma::uword b = 0; b < 3; ++b)
        for (arma::uword t = 0; t < 10; ++t)
            ev.activity(b, 0, t) += 10.0F * static_cast<float>(b);  // offsets per trial only
    const s::AnalysisEntry& e = s::pca_entry();
    const s::AnalysisResult per =
        e.run({ev}, options(e, set({{"centre", std::string("per_trial")}, {"ddof", 0.0}})));
    const s::AnalysisResult all = e.run({ev}, options(e, {}));
    // The offsets dominate a global centring but vanish per trial.
    CHECK(all.arrays.at("eigenvalues")(0) > 10.0F);
    CHECK(per.arrays.at("eigenvalues")(0) < 0.01F);
    std::vector<arma::mat> blocks;
    for (arma::uword b = 0; b < 3; ++b) {
        arma::mat block(10, 4);
        for (arma::uword t = 0; t < 10; ++t)
            for (arma::uword u = 0; u < 4; ++u)
                block(t, u) = ev.activity(b, u, t);
        blocks.push_back(block);
    }
    const arma::vec want = s::pca_of_covariance(s::mean_covariance(blocks, 0)).eigenvalues;
    CHECK(arma::abs(arma::conv_to<arma::vec>::from(per.arrays.at("eigenvalues")) - want).max()
          < 1e-6);
    REQUIRE(all.arrays.at("mean_trajectory").n_rows == 10);
    CHECK(all.arrays.at("speed").n_elem == 9);
}

TEST_CASE("weight_participation: a vector along one component has ratio 1") {
    s::EvaluationArg ev = evaluation(50, 4, 10);
    rt::RandomStream r(rt::stream_key(4, "pr"));
    for (arma::uword b = 0; b < 50; ++b)
        for (arma::uword t = 0; t < 10; ++t)
            ev.activity(b, 2, t) += 3.0F * static_cast<float>(r.normal());
    arma::fmat v(4, 1, arma::fill::zeros);
    v(2, 0) = 1.5F;
    const s::AnalysisEntry& e = s::weight_participation_entry();
    const s::AnalysisResult res = e.run({s::MatrixArg{"w", v}, ev}, options(e, {}));
    CHECK(res.scalars.at("participation_ratio") == doctest::Approx(1.0).epsilon(1e-3));
    arma::fmat wrong(3, 1, arma::fill::ones);
    CHECK_THROWS_AS(e.run({s::MatrixArg{"w", wrong}, ev}, options(e, {})), std::invalid_argument);
}

TEST_CASE("fixed_points: a contracting linear rnn has one stable point, at 0") {
    rt::NetworkShape shape;
    shape.kind = rt::CellKind::Rnn;
    shape.units = 4;
    shape.inputs = 2;
    rt::Network<float> net = rt::default_network<float>(
        shape, [](const std::string& n) { return rt::RandomStream(rt::stream_key(1, n)); });
    net.activation = rt::Activation::Linear;
    net.find("W_self")->raw = 0.5F * arma::eye<arma::fmat>(4, 4);
    net.find("b")->raw.zeros();
    s::EvaluationArg ev = evaluation(5, 4, 10);
    ev.activity += 1.0F;
    const s::AnalysisEntry& e = s::fixed_points_entry();
    const s::AnalysisResult r =
        e.run({s::TrainingArg{"fit", {}, &net}, ev}, options(e, set({{"starts", 8.0}})));
    CHECK(r.scalars.at("count") == doctest::Approx(1.0));
    CHECK(r.scalars.at("stable_count") == doctest::Approx(1.0));
    CHECK(arma::abs(r.arrays.at("points")).max() < 1e-6F);
    CHECK(r.arrays.at("spectral_radius")(0) == doctest::Approx(0.5));
}

TEST_CASE("table: members joined by index, CSV and TOML, NaN where one is missing") {
    const s::ResultsArg a{
        "precision.error_mean", "error_mean", {"p[1]", "p[2]"}, {"1", "2"}, {0.5, 0.25}};
    const s::ResultsArg b{"corr.cosine", "cosine", {"c[2]"}, {"2"}, {0.75}};
    const s::AnalysisEntry& e = s::table_entry();
    const s::AnalysisResult r = e.run({a, b}, options(e, {}));
    CHECK(r.files.at("table.csv")
          == "index,precision.error_mean,corr.cosine\n1,0.5,nan\n2,0.25,0.75\n");
    CHECK(r.files.at("table.toml").find("\"corr.cosine\" = 0.75") != std::string::npos);
    CHECK(r.scalars.at("precision.error_mean.mean") == doctest::Approx(0.375));
    CHECK(r.scalars.at("rows") == doctest::Approx(2.0));
}

TEST_CASE("table: a column per loop variable, numbers as numbers and names as text") {
    s::ResultsArg a{"test.accuracy_mean",
                    "accuracy_mean",
                    {"t[64,tanh]", "t[8,relu]"},
                    {"64,tanh", "8,relu"},
                    {0.9, 0.5}};
    a.loops = {{{"n", "64", 64.0}, {"act", "tanh", std::nullopt}},
               {{"n", "8", 8.0}, {"act", "relu", std::nullopt}}};
    const s::AnalysisEntry& e = s::table_entry();
    const s::AnalysisResult r = e.run({a}, options(e, {}));
    CHECK(r.files.at("table.csv")
          == "index,n,act,test.accuracy_mean\n\"64,tanh\",64,tanh,0.9\n\"8,relu\",8,relu,0.5\n");
    const toml::table t = toml::parse(r.files.at("table.toml"));
    const toml::table& row = *t["row"][1].as_table();
    CHECK(row["n"].value<double>() == doctest::Approx(8.0));
    CHECK(row["act"].value<std::string>() == "relu");
    CHECK(row["index"].value<std::string>() == "8,relu");
    // A loop variable named `index` takes the index column's place.
    a.loops = {{{"index", "1", 1.0}}, {{"index", "2", 2.0}}};
    CHECK(e.run({a}, options(e, {})).files.at("table.csv")
          == "index,test.accuracy_mean\n1,0.9\n2,0.5\n");
}

TEST_CASE("table: table.toml holds any index and label exactly") {
    const std::string index = "q\"\\ \x01\x7f\t\n\xc3\xa9", label = "l\"\\'\x1f";
    const s::ResultsArg a{label, "x", {"p"}, {index}, {0.5}};
    const s::AnalysisEntry& e = s::table_entry();
    const s::AnalysisResult r = e.run({a}, options(e, {}));
    const toml::table t = toml::parse(r.files.at("table.toml"));
    const toml::table& row = *t["row"][0].as_table();
    CHECK(row["index"].value<std::string>() == index);
    CHECK(row[label].value<double>() == doctest::Approx(0.5));
}
