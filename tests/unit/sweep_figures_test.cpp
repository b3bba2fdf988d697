// The figures of sweeps and trial variables (stdlib/figures/sweep_figures.cpp,
// history_overlay.cpp, trial_variable_figures.cpp): curve against a loop variable, the
// history of a family, by_variable; each drawn from hand-made arguments and read back.
#include <cmath>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/unit/figure_test_support.hpp"

namespace s = rnn::stdlib;

using namespace rnn::test::figures;
using rnn::test::TempDir;

namespace {

// Results of a sweep `for n in [64, 8, 16], act in [tanh, relu], s in 1..2`: value
// n + (act == relu ? 100 : 0) + s, so each (n, act)'s mean over s is n + ... + 1.5.
s::ResultsArg swept_results() {
    s::ResultsArg r;
    r.label = "test.accuracy_mean";
    r.quantity = "accuracy_mean";
    for (const double n : {64.0, 8.0, 16.0})
        for (const std::string act : {"tanh", "relu"})
            for (const double seed : {1.0, 2.0}) {
                const std::string index = fmt::format("{},{},{}", n, act, seed);
                r.members.push_back("test[" + index + "]");
                r.index.push_back(index);
                r.values.push_back(n + (act == "relu" ? 100.0 : 0.0) + seed);
                r.loops.push_back({{"n", fmt::format("{}", n), n},
                                   {"act", act, std::nullopt},
                                   {"s", fmt::format("{}", seed), seed}});
            }
    return r;
}

}  // namespace

TEST_CASE("curve draws results against a numeric loop variable, mean and spread over another") {
    TempDir dir("curve");
    s::Params p;
    p.set("over", std::string("n"));
    p.set("mean_over", std::string("s"));
    const s::FigureScript fig = draw_and_render("curve", {swept_results()}, p, dir.path, "c");
    const std::string& text = data_named(fig, "c.dat").text;
    CHECK(text.starts_with("# n act_=_tanh_mean act_=_tanh_std act_=_tanh_n act_=_relu_mean"));
    const auto rows = rows_of(text);
    REQUIRE(rows.size() == 3);
    // Ascending n; the mean over s = 1, 2; the standard deviation (ddof 1) of {1, 2}.
    CHECK(rows[0][0] == 8);
    CHECK(rows[2][0] == 64);
    CHECK(rows[0][1] == doctest::Approx(9.5));
    CHECK(rows[0][2] == doctest::Approx(std::sqrt(0.5)));
    CHECK(rows[0][3] == 2);
    CHECK(rows[1][4] == doctest::Approx(117.5));
    CHECK(fig.body.find("using 1:2:3 with yerrorlines") != std::string::npos);
    CHECK(fig.body.find("using 1:5:6 with yerrorlines") != std::string::npos);
    CHECK(fig.body.find("title \"act = relu\"") != std::string::npos);
    CHECK(fig.body.find("set xlabel \"n\"") != std::string::npos);
    CHECK(fig.body.find("(mean and s.d. over s)") != std::string::npos);

    p.set("spread", std::string("sem"));
    p.set("band", true);
    const s::FigureScript band = draw_and_render("curve", {swept_results()}, p, dir.path, "b");
    CHECK(rows_of(data_named(band, "b.dat").text)[0][2] == doctest::Approx(0.5));
    CHECK(band.body.find("using 1:($2-$3):($2+$3) with filledcurves") != std::string::npos);
    CHECK(band.body.find("s.e.m.") != std::string::npos);
    // The sweep's values are the ticks; on a log axis the range stays near them.
    CHECK(band.body.find("set xtics (8, ") != std::string::npos);
    CHECK(band.body.find("set xrange") == std::string::npos);
    p.set("logx", true);
    const s::FigureScript log = draw_and_render("curve", {swept_results()}, p, dir.path, "l");
    CHECK(log.body.find("set xrange [6.4:80]") != std::string::npos);
    CHECK(log.body.find("set logscale x") != std::string::npos);
}

TEST_CASE("curve over text values draws categories in the sweep's order, a series per rest") {
    TempDir dir("curve_categories");
    s::Params p;
    p.set("over", std::string("act"));
    const s::FigureScript fig = draw_and_render("curve", {swept_results()}, p, dir.path, "k");
    const std::string& text = data_named(fig, "k.dat").text;
    CHECK(text.starts_with("# act values: 1=tanh 2=relu\n"));
    const auto rows = rows_of(text);
    REQUIRE(rows.size() == 2);
    REQUIRE(rows[0].size() == 7);  // x, then one series per (n, s)
    CHECK(rows[1][0] == 2);
    CHECK(rows[1][1] == doctest::Approx(165.0));  // relu, n = 64, s = 1
    CHECK(fig.body.find("set xtics (\"tanh\" 1, \"relu\" 2)") != std::string::npos);
    CHECK(fig.body.find("title \"n = 64, s = 1\"") != std::string::npos);
    CHECK(fig.body.find("with points") != std::string::npos);
    CHECK(fig.body.find("lines") == std::string::npos);

    s::ResultsArg missing = swept_results();
    missing.loops[3].pop_back();
    const s::FigureEntry& f = figure("curve");
    s::Params by_s;
    by_s.set("over", std::string("s"));
    CHECK_THROWS_WITH_AS(f.draw({missing}, s::with_defaults(f.schema, by_s), "x"),
                         doctest::Contains("has no loop variable 's'"), std::runtime_error);
    // Fewer member names than loop values, or no results at all: a message, not a crash.
    missing.members.clear();
    CHECK_THROWS_WITH_AS(f.draw({missing}, s::with_defaults(f.schema, by_s), "x"),
                         doctest::Contains("member 4 of"), std::runtime_error);
    s::ResultsArg empty;
    empty.label = "test.accuracy_mean";
    CHECK_THROWS_WITH_AS(f.draw({empty}, s::with_defaults(f.schema, by_s), "x"),
                         doctest::Contains("holds no results"), std::runtime_error);
}

TEST_CASE("history of a family overlays one column of each member, named by its loop values") {
    TempDir dir("history_overlay");
    auto training = [](double n, std::size_t epochs) {
        s::TrainingArg t;
        t.label = fmt::format("fit[{},1]", n);
        t.history.columns = {"epoch", "loss", "accuracy"};
        for (std::size_t e = 0; e < epochs; ++e)
            t.history.rows.push_back({static_cast<double>(e + 1), 1.0 / (e + 1), n + e});
        t.loops = {{"units", fmt::format("{}", n), n}, {"seed", "1", 1.0}};
        return t;
    };
    s::Params p;
    p.set("metric", std::string("accuracy"));
    const s::FigureScript fig =
        draw_and_render("history", {training(64, 3), training(8, 2)}, p, dir.path, "h");
    const std::string& text = data_named(fig, "h.dat").text;
    CHECK(text.starts_with("# epoch fit[64,1] fit[8,1]\n"));
    const auto rows = rows_of(text);
    REQUIRE(rows.size() == 3);
    CHECK(rows[2][1] == 66);
    CHECK(std::isnan(rows[2][2]));  // the second training stopped after 2 epochs
    // The seed is the same for both: only the units name them.
    CHECK(fig.body.find("title \"units = 64\"") != std::string::npos);
    CHECK(fig.body.find("title \"units = 8\"") != std::string::npos);
    CHECK(fig.body.find("set ylabel \"accuracy\"") != std::string::npos);
    CHECK(fig.body.find("multiplot") == std::string::npos);
    // A family without a metric draws the loss; one training with it, that column alone.
    const s::FigureScript loss =
        draw_and_render("history", {training(64, 3), training(8, 2)}, {}, dir.path, "l");
    CHECK(rows_of(data_named(loss, "l.dat").text)[1][2] == doctest::Approx(0.5));
    const s::FigureScript one = draw_and_render("history", {training(64, 3)}, p, dir.path, "o");
    CHECK(one.body.find("using 1:2 with lines") != std::string::npos);
    CHECK(one.body.find("unset key") != std::string::npos);
    p.set("metric", std::string("val_accuracy"));
    const s::FigureEntry& f = figure("history");
    CHECK_THROWS_WITH_AS(f.draw({training(8, 2)}, s::with_defaults(f.schema, p), "x"),
                         doctest::Contains("no column 'val_accuracy'"), std::runtime_error);
}

TEST_CASE("by_variable draws a metric's mean and standard error at each value of a variable") {
    TempDir dir("by_variable");
    s::EvaluationArg ev;
    ev.label = "test";
    const double nan = arma::datum::nan;
    // Trials at signed coherence -10, 0, 10 (twice each) and one catch trial without one.
    ev.variables = {{"signed_coherence", {-10, 10, 0, -10, 10, 0, nan}, false},
                    {"side", {1, 0, 0, 1, 0, 1, -1}, true}};
    ev.per_trial["chose_1"] = {0, 1, 1, 0, 1, 0, 1};
    ev.per_trial["choice_accuracy"] = {1, 1, 1, 1, 0, 1, 1};
    s::Params p;
    p.set("x", std::string("signed_coherence"));
    p.set("metric", std::string("chose_1"));
    const s::FigureScript fig = draw_and_render("by_variable", {ev}, p, dir.path, "psy");
    const std::string& text = data_named(fig, "psy.dat").text;
    CHECK(text.starts_with("# signed_coherence chose_1_mean chose_1_se trials\n"));
    const auto rows = rows_of(text);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == std::vector<double>{-10, 0, 0, 2});
    CHECK(rows[1][0] == 0);
    CHECK(rows[1][1] == doctest::Approx(0.5));
    CHECK(rows[1][2] == doctest::Approx(std::sqrt(0.5) / std::sqrt(2.0)));  // sd 0.707, n 2
    CHECK(rows[2] == std::vector<double>{10, 1, 0, 2});
    CHECK(fig.body.find("yerrorlines") != std::string::npos);
    CHECK(fig.body.find("set xlabel \"signed_coherence\"") != std::string::npos);
    CHECK(fig.body.find("unset key") != std::string::npos);
    // The options every figure takes.
    s::Params shaped = p;
    shaped.set("xlabel", std::string("coherence towards choice 1 (%)"));
    shaped.set("legend", std::vector<std::string>{"GRU"});
    const s::FigureScript named = draw_and_render("by_variable", {ev}, shaped, dir.path, "named");
    CHECK(named.body.find("set xlabel \"coherence towards choice 1 (%)\"") != std::string::npos);
    CHECK(named.body.find("title \"GRU\"") != std::string::npos);

    // bins: 2 equal-width bins over [-10, 10]: [-10, 0) and [0, 10].
    p.set("bins", 2.0);
    p.set("metric", std::string("choice_accuracy"));
    const auto binned =
        rows_of(data_named(s::find_figure("by_variable")
                               ->draw({ev}, s::with_defaults(figure("by_variable").schema, p), "b"),
                           "b.dat")
                    .text);
    REQUIRE(binned.size() == 2);
    CHECK(binned[0][3] == 2);
    CHECK(binned[1][0] == doctest::Approx(5.0));  // the mean x of 0, 0, 10, 10
    CHECK(binned[1][1] == doctest::Approx(0.75));

    const s::FigureEntry& f = figure("by_variable");
    p.set("x", std::string("coherence"));
    CHECK_THROWS_WITH_AS(f.draw({ev}, s::with_defaults(f.schema, p), "x"),
                         doctest::Contains("no trial variable 'coherence' (it has: "
                                           "signed_coherence, side)"),
                         std::runtime_error);
}
