// The analysis figures (stdlib/figures/*_figures.cpp) and the renderer: each figure
// drawn from hand-made arguments, rendered to PNG or SVG, its data read back; gnuplot
// errors reported; hostile titles and labels neither run commands nor break the figure.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/gnuplot.hpp"
#include "stdlib/figures/script_check.hpp"
#include "stdlib/registry.hpp"
#include "tests/unit/figure_test_support.hpp"
#include "tests/unit/temp_dir.hpp"

namespace s = rnn::stdlib;
namespace fs = std::filesystem;

using namespace rnn::test::figures;
using rnn::test::TempDir;

TEST_CASE("pca_trajectories projects every trial on the activity's principal components") {
    TempDir dir("pca");
    const s::FigureScript fig =
        draw_and_render("pca_trajectories", {plane_evaluation()}, {}, dir.path, "pca");
    // Rows: trial step condition pc1 pc2; condition 0 (trials 0, 2) first, then 1 (1, 3).
    const auto rows = rows_of(data_named(fig, "pca.dat").text);
    REQUIRE(rows.size() == 40);
    for (const auto& r : rows) {
        REQUIRE(r.size() == 5);
        CHECK(r[2] == static_cast<double>(static_cast<long>(r[0]) % 2));
        CHECK(r[3] == doctest::Approx(3.0 * r[1] - 13.5));
        CHECK(r[4] == doctest::Approx(r[2] == 0 ? -1.0 : 1.0));
    }
    CHECK(rows[10][0] == 2);  // trial 2 follows trial 0 in condition 0's block
    CHECK(rows[20][0] == 1);
    // Trial average and the markers where the periods start (steps 0 and 3).
    const auto mean = rows_of(data_named(fig, "pca_mean.dat").text);
    REQUIRE(mean.size() == 10);
    CHECK(mean[4][1] == doctest::Approx(-1.5));
    CHECK(mean[4][2] == doctest::Approx(0.0).epsilon(1e-9).scale(1.0));
    const auto starts = rows_of(data_named(fig, "pca_periods.dat").text);
    REQUIRE(starts.size() == 2);
    CHECK(starts[1][0] == 3);
    CHECK(starts[1][1] == doctest::Approx(-4.5));
    // var(3 t) = 76.15, var(+-1) = 1.026 with ddof 1 over the 40 samples.
    CHECK(fig.body.find("\"PC1 (98.7 % var.)\"") != std::string::npos);
    CHECK(fig.body.find("\"PC2 (1.3 % var.)\"") != std::string::npos);
    CHECK(fig.body.find("title \"condition 1\"") != std::string::npos);
    CHECK(fig.body.find("set label 2 \"delay\"") != std::string::npos);
}

TEST_CASE("pca_trajectories names the groups of a quantity by its values, not their ranks") {
    TempDir dir("pca_quantity");
    s::EvaluationArg ev = plane_evaluation();
    ev.variables = {{"coherence", {25.6, -3.2, 25.6, -3.2}, false}};
    ev.labels["coherence"] = {1, 0, 1, 0};  // ranks among the distinct values
    s::Params p;
    p.set("color_by", s::Value{std::string("coherence")});
    const s::FigureScript fig = draw_and_render("pca_trajectories", {ev}, p, dir.path, "pq");
    CHECK(fig.body.find("title \"coherence = -3.2\"") != std::string::npos);
    CHECK(fig.body.find("title \"coherence = 25.6\"") != std::string::npos);
    CHECK(fig.body.find("coherence 0") == std::string::npos);
}

TEST_CASE("pca_trajectories with average draws each label value's mean trajectory") {
    TempDir dir("pca_average");
    s::EvaluationArg ev = plane_evaluation();
    // Trials 0 and 2 (condition 0) differ in unit 2, so their mean is between them; trial 3
    // has no condition (-1) and is left out.
    for (arma::uword t = 0; t < 10; ++t) {
        ev.activity(0, 2, t) = 0.5F;
        ev.activity(2, 2, t) = 1.5F;
    }
    ev.labels["condition"] = {0, 1, 0, -1};
    s::Params p;
    p.set("average", s::Value{true});
    const s::FigureScript fig = draw_and_render("pca_trajectories", {ev}, p, dir.path, "avg");
    const auto rows = rows_of(data_named(fig, "avg.dat").text);
    REQUIRE(rows.size() == 20);  // two groups of 10 steps, one block each
    for (const auto& r : rows) {
        CHECK(r[0] == -1.0);  // a group's mean, no single trial
        CHECK((r[2] == 0.0 || r[2] == 1.0));
    }
    // The projection is linear: condition 0's mean trajectory is the mean of its trials'.
    const s::FigureScript single = draw_and_render("pca_trajectories", {ev}, {}, dir.path, "one");
    const auto trials = rows_of(data_named(single, "one.dat").text);
    REQUIRE(trials.size() == 40);  // single trials: trial 3 too, as condition -1
    for (std::size_t t = 0; t < 10; ++t) {
        const auto& a = trials[10 + t];  // trial 0 (after trial 3, condition -1)
        const auto& b = trials[20 + t];  // trial 2
        REQUIRE(a[0] == 0.0);
        REQUIRE(b[0] == 2.0);
        for (std::size_t c = 3; c < 5; ++c)
            CHECK(rows[t][c] == doctest::Approx((a[c] + b[c]) / 2.0));
    }
    CHECK(fig.body.find("index 0:0") != std::string::npos);
    CHECK(fig.body.find("index 1:1") != std::string::npos);
    CHECK(fig.body.find("lw 2") != std::string::npos);
}

TEST_CASE("pca_trajectories reads a window, one step later with state_offset, and in 3-D") {
    TempDir dir("pca_window");
    s::Params p;
    p.set("from", 2.0);
    p.set("to", 6.0);
    p.set("state_offset", 1.0);
    p.set("components", 3.0);
    p.set("trials", 2.0);
    const s::FigureScript fig =
        draw_and_render("pca_trajectories", {plane_evaluation()}, p, dir.path, "w");
    // Steps 2..5 read slices 3..6: unit 0 = 3 (t + 1), its mean over the window 3 * 4.5.
    const auto rows = rows_of(data_named(fig, "w.dat").text);
    REQUIRE(rows.size() == 8);  // two trials, four steps
    CHECK(rows[0][1] == 2);
    CHECK(rows[0][3] == doctest::Approx(3.0 * 3 - 13.5));
    CHECK(rows[3][1] == 5);
    CHECK(rows[3][3] == doctest::Approx(3.0 * 6 - 13.5));
    REQUIRE(rows[0].size() == 6);
    CHECK(rows[0][5] == doctest::Approx(0.0).scale(1.0));
    CHECK(fig.body.find("splot ") != std::string::npos);
    CHECK(fig.body.find("set zlabel \"PC3 (0.0 % var.)\"") != std::string::npos);
    // Only the delay starts inside [2, 6).
    CHECK(rows_of(data_named(fig, "w_periods.dat").text).size() == 1);

    s::Params unknown;
    unknown.set("color_by", std::string("item1"));
    const s::FigureEntry& f = figure("pca_trajectories");
    CHECK_THROWS_WITH_AS(f.draw({plane_evaluation()}, s::with_defaults(f.schema, unknown), "x"),
                         doctest::Contains("no trial label 'item1' (it has: condition)"),
                         std::runtime_error);
    s::Params empty;
    empty.set("from", 9.0);
    empty.set("state_offset", 1.0);
    CHECK_THROWS_AS(f.draw({plane_evaluation()}, s::with_defaults(f.schema, empty), "x"),
                    std::runtime_error);
}

TEST_CASE("speed is the norm of the trial average's step, drawn per step") {
    TempDir dir("speed");
    const s::FigureScript fig =
        draw_and_render("speed", {plane_evaluation()}, {}, dir.path, "speed");
    const auto rows = rows_of(data_named(fig, "speed.dat").text);
    REQUIRE(rows.size() == 9);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i][0] == static_cast<double>(i));
        CHECK(rows[i][1] == doctest::Approx(3.0));
    }
    CHECK(fig.body.find("set xlabel 'step'") != std::string::npos);
    CHECK(fig.body.find("rect from 0,graph 0 to 3,graph 1") != std::string::npos);

    s::Params p;
    p.set("from", 2.0);
    p.set("to", 6.0);
    const s::FigureScript window = draw_and_render("speed", {plane_evaluation()}, p, dir.path, "w");
    const auto w = rows_of(data_named(window, "w.dat").text);
    REQUIRE(w.size() == 3);
    CHECK(w.front()[0] == 2);
    CHECK(w.back()[0] == 4);
}

TEST_CASE("decoding draws each analysis's accuracy with its band and one chance line") {
    TempDir dir("decoding");
    const auto item = analysis("item", "decode_over_time",
                               {{"accuracy", column({0.2F, 0.9F, 0.8F})},
                                {"accuracy_std", column({0.05F, 0.1F, 0.0F})},
                                {"steps", column({0.0F, 5.0F, 10.0F})}},
                               {{"chance", 0.25}});
    const auto position = analysis("position", "decode_over_time",
                                   {{"accuracy", column({0.3F, 0.4F, 0.6F})},
                                    {"accuracy_std", column({0.0F, 0.0F, 0.1F})},
                                    {"steps", column({0.0F, 5.0F, 10.0F})}},
                                   {{"chance", 0.25}});
    const s::FigureScript fig =
        draw_and_render("decoding", {item, position}, {}, dir.path, "decoding");
    const auto a = rows_of(data_named(fig, "decoding_1.dat").text);
    REQUIRE(a.size() == 3);
    CHECK(a[1][0] == 5);
    CHECK(a[1][1] == doctest::Approx(0.9));
    CHECK(a[1][2] == doctest::Approx(0.1));
    CHECK(a[1][3] == doctest::Approx(0.8));
    CHECK(a[1][4] == doctest::Approx(1.0));
    CHECK(a[1][5] == doctest::Approx(0.25));
    CHECK(rows_of(data_named(fig, "decoding_2.dat").text)[2][1] == doctest::Approx(0.6));
    CHECK(fig.body.find("title \"item\"") != std::string::npos);
    CHECK(fig.body.find("title \"position\"") != std::string::npos);
    std::size_t chance_lines = 0;
    for (auto at = fig.body.find("title \"chance\""); at != std::string::npos;
         at = fig.body.find("title \"chance\"", at + 1))
        ++chance_lines;
    CHECK(chance_lines == 1);
    CHECK(fig.body.find("dt 2") != std::string::npos);
    CHECK(fig.body.find("set ylabel 'decoding accuracy'") != std::string::npos);

    const auto broken = analysis("bad", "decode_over_time", {{"accuracy", column({0.5F})}});
    const s::FigureEntry& f = figure("decoding");
    CHECK_THROWS_WITH_AS(f.draw({broken}, s::with_defaults(f.schema, {}), "x"),
                         doctest::Contains("has no array 'steps'"), std::runtime_error);
}

TEST_CASE("cross_temporal draws the training x test matrix on the steps") {
    TempDir dir("cross");
    arma::fmat m = {{0.9F, 0.5F, 0.3F}, {0.4F, 0.8F, 0.6F}, {0.2F, 0.7F, 1.0F}};
    const auto a = analysis("item", "decode_over_time",
                            {{"cross_temporal", m}, {"steps", column({0.0F, 5.0F, 10.0F})}});
    const s::FigureScript fig = draw_and_render("cross_temporal", {a}, {}, dir.path, "ct");
    const auto rows = rows_of(data_named(fig, "ct.dat").text);
    REQUIRE(rows.size() == 9);
    // Row: test step, training step, accuracy. Trained at 5, tested at 10: m(1, 2).
    bool found = false;
    for (const auto& r : rows)
        if (r[0] == 10 && r[1] == 5) {
            CHECK(r[2] == doctest::Approx(0.6));
            found = true;
        }
    CHECK(found);
    CHECK(fig.body.find("set cbrange [0:1]") != std::string::npos);
    CHECK(fig.body.find("set xlabel 'test step'") != std::string::npos);
}

TEST_CASE("angles draws the first angles of each analysis as grouped bars") {
    TempDir dir("angles");
    const auto a =
        analysis("item vs position", "principal_angles",
                 {{"angles_deg", column({10, 20, 30, 40, 50, 60})}}, {{"mean_angle_deg", 35.0}});
    const auto b = analysis("early vs late", "principal_angles", {{"angles_deg", column({5, 15})}},
                            {{"mean_angle_deg", 10.0}});
    const s::FigureScript fig = draw_and_render("angles", {a, b}, {}, dir.path, "angles");
    const std::string& text = data_named(fig, "angles.dat").text;
    CHECK(text.starts_with("# angle item_vs_position early_vs_late\n"));
    const auto rows = rows_of(text);
    REQUIRE(rows.size() == 5);  // count = 5
    CHECK(rows[4][0] == 5);
    CHECK(rows[4][1] == 50);
    CHECK(rows[1][2] == 15);
    CHECK(std::isnan(rows[2][2]));
    CHECK(fig.body.find("(mean 35.0 deg)") != std::string::npos);
    CHECK(fig.body.find("set yrange [0:90]") != std::string::npos);
}

TEST_CASE("spectrum draws the cumulative explained variance") {
    TempDir dir("spectrum");
    const auto a = analysis("h", "pca", {{"explained_variance_ratio", column({0.5F, 0.3F, 0.2F})}});
    s::Params p;
    p.set("components", 2.0);
    const s::FigureScript fig = draw_and_render("spectrum", {a}, p, dir.path, "spectrum");
    const auto rows = rows_of(data_named(fig, "spectrum.dat").text);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0][1] == doctest::Approx(0.5));
    CHECK(rows[1][0] == 2);
    CHECK(rows[1][1] == doctest::Approx(0.8));
}

TEST_CASE("rdm draws the matrix from zero, square") {
    TempDir dir("rdm");
    const arma::fmat m = {{0, 1, 2}, {1, 0, 3}, {2, 3, 0}};
    const s::FigureScript fig =
        draw_and_render("rdm", {analysis("geometry", "rdm", {{"rdm", m}})}, {}, dir.path, "rdm");
    const auto rows = rows_of(data_named(fig, "rdm.dat").text);
    REQUIRE(rows.size() == 3);
    CHECK(rows[1] == std::vector<double>{1, 0, 3});
    CHECK(fig.body.find("set cbrange [0:3]") != std::string::npos);
    CHECK(fig.body.find("set size ratio -1") != std::string::npos);
}

TEST_CASE("fixed_points projects the points on the activity's principal components") {
    TempDir dir("fixed");
    // Point 0 = activity mean + (3, 1, 0): PC1 3, PC2 1. Point 1 = the mean.
    const arma::fmat points = {{16.5F, 1.0F, 0.7F}, {13.5F, 0.0F, 0.7F}};
    const auto fp = analysis("fp", "fixed_points",
                             {{"points", points},
                              {"stable", column({1.0F, 0.0F})},
                              {"spectral_radius", column({0.5F, 1.2F})}});
    s::Params p;
    p.set("trials", 2.0);
    const s::FigureScript fig =
        draw_and_render("fixed_points", {fp, plane_evaluation()}, p, dir.path, "fp");
    const auto pts = rows_of(data_named(fig, "fp_points.dat").text);
    REQUIRE(pts.size() == 2);
    REQUIRE(pts[0].size() == 5);
    CHECK(pts[0][0] == 0);
    CHECK(pts[0][1] == 1);
    CHECK(pts[0][2] == 0.5);
    CHECK(pts[0][3] == doctest::Approx(3.0));
    CHECK(pts[0][4] == doctest::Approx(1.0));
    CHECK(pts[1][1] == 0);
    CHECK(pts[1][3] == doctest::Approx(0.0).scale(1.0));
    CHECK(rows_of(data_named(fig, "fp.dat").text).size() == 20);
    CHECK(fig.body.find("title 'stable'") != std::string::npos);
    CHECK(fig.body.find("title 'unstable'") != std::string::npos);
    CHECK(fig.body.find("pt 6") != std::string::npos);

    const auto wrong = analysis("fp", "fixed_points",
                                {{"points", arma::fmat(1, 5, arma::fill::zeros)},
                                 {"stable", column({1.0F})},
                                 {"spectral_radius", column({0.5F})}});
    const s::FigureEntry& f = figure("fixed_points");
    CHECK_THROWS_AS(f.draw({wrong, plane_evaluation()}, s::with_defaults(f.schema, {}), "x"),
                    std::runtime_error);
}

TEST_CASE("scatter pairs the members of its results by index, the second y on its own axis") {
    TempDir dir("scatter");
    const s::ResultsArg x{
        "precision.error_mean", "error_mean", {"a", "b", "c"}, {"1", "2", "3"}, {0.01, 0.02, 0.03}};
    const s::ResultsArg y{
        "geometry.correlation", "correlation", {"c", "a", "b"}, {"3", "1", "2"}, {0.3, 0.1, 0.2}};
    const s::ResultsArg z{"geometry.pr", "pr", {"a", "b"}, {"1", "2"}, {5, 6}};
    s::Params p;
    p.set("labels", true);
    const s::FigureScript fig = draw_and_render("scatter", {x, y, z}, p, dir.path, "sc");
    const std::string& text = data_named(fig, "sc.dat").text;
    CHECK(text.starts_with("# member precision.error_mean geometry.correlation geometry.pr\n"));
    const auto rows = rows_of(text);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0][1] == doctest::Approx(0.01));
    CHECK(rows[0][2] == doctest::Approx(0.1));
    CHECK(rows[2][2] == doctest::Approx(0.3));
    CHECK(rows[1][3] == 6);
    CHECK(std::isnan(rows[2][3]));
    CHECK(fig.body.find("set xlabel \"precision.error_mean\"") != std::string::npos);
    CHECK(fig.body.find("axes x1y2") != std::string::npos);
    CHECK(fig.body.find("set y2label \"geometry.pr\"") != std::string::npos);
    CHECK(fig.body.find("set label 1 \"1\" at first 0.01, first 0.1") != std::string::npos);

    const s::ResultsArg stray{"other", "q", {"d"}, {"4"}, {1}};
    const s::FigureEntry& f = figure("scatter");
    CHECK_THROWS_WITH_AS(f.draw({x, stray}, s::with_defaults(f.schema, {}), "x"),
                         doctest::Contains("member [4] of 'other'"), std::runtime_error);
}

TEST_CASE("scatter with three y results draws a panel each, or one axis with panels: false") {
    TempDir dir("scatter_panels");
    const s::ResultsArg x{"precision", "p", {"a", "b"}, {"1", "2"}, {0.01, 0.03}};
    const s::ResultsArg y1{"corr.cosine", "cosine", {"a", "b"}, {"1", "2"}, {0.85, 0.9}};
    const s::ResultsArg y2{"pr_I.ratio", "ratio", {"a", "b"}, {"1", "2"}, {310, 330}};
    const s::ResultsArg y3{"pr_w.ratio", "ratio", {"a", "b"}, {"1", "2"}, {320, 340}};
    s::Params p;
    p.set("labels", true);
    const s::FigureScript fig = draw_and_render("scatter", {x, y1, y2, y3}, p, dir.path, "sp");
    CHECK(fig.body.find("set multiplot layout 3,1") != std::string::npos);
    for (const char* label :
         {"set ylabel \"corr.cosine\"", "set ylabel \"pr_I.ratio\"", "set ylabel \"pr_w.ratio\""})
        CHECK(fig.body.find(label) != std::string::npos);
    CHECK(fig.body.find("using 2:5") != std::string::npos);  // the third series' column
    CHECK(fig.body.find("set label 2 \"2\" at first 0.03, first 340") != std::string::npos);
    CHECK(fig.height >= 660);
    p.set("panels", false);
    const s::FigureScript one = draw_and_render("scatter", {x, y1, y2, y3}, p, dir.path, "so");
    CHECK(one.body.find("multiplot") == std::string::npos);
    CHECK(one.body.find("set ylabel \"value\"") != std::string::npos);
}

TEST_CASE("a figure renders to SVG, and its saved script redraws it by hand") {
    TempDir dir("svg");
    draw_and_render("speed", {plane_evaluation()}, {}, dir.path, "speed", s::ImageFormat::Svg);
    CHECK(s::image_format("speed.svg") == s::ImageFormat::Svg);
    CHECK(s::image_format("speed.png") == s::ImageFormat::Png);
    const std::string saved = slurp(dir.path / "speed.gp");
    CHECK(saved.find("set terminal svg") != std::string::npos);
    CHECK(saved.find("set output \"speed.svg\"") != std::string::npos);
    for (const auto colour : s::okabe_ito)
        CHECK(saved.find(std::string(colour)) != std::string::npos);
    // Nothing but the picture, its script and data is left beside them (the log is hidden).
    for (const auto& e : fs::directory_iterator(dir.path)) {
        const std::string name = e.path().filename().string();
        CHECK_MESSAGE((name.starts_with(".") || name == "speed.svg" || name == "speed.gp"
                       || name == "speed.dat"),
                      name);
        CHECK(name.find("partial") == std::string::npos);
    }
    fs::remove(dir.path / "speed.svg");
    const std::string command = "cd '" + dir.path.string() + "' && gnuplot speed.gp 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    check_svg(dir.path / "speed.svg");
}

TEST_CASE("a gnuplot error fails the figure with gnuplot's message") {
    TempDir dir("error");
    s::FigureScript broken;
    broken.body = "set xlabel 'x'\nplot sin(x\n";
    CHECK_THROWS_WITH_AS(s::render(dir.path, "broken", s::ImageFormat::Png, broken),
                         doctest::Contains("')' expected"), std::runtime_error);
    CHECK_FALSE(fs::exists(dir.path / "broken.png"));
    CHECK_FALSE(fs::exists(dir.path / ".broken.png.partial"));
    // An error after the picture was begun fails it too, though a file was written.
    broken.body = "plot x\nprint undefined_function(1)\n";
    CHECK_THROWS_WITH_AS(s::render(dir.path, "late", s::ImageFormat::Svg, broken),
                         doctest::Contains("undefined"), std::runtime_error);
    CHECK_FALSE(fs::exists(dir.path / "late.svg"));
}

TEST_CASE("gnuplot strings hold only letters, digits, plain punctuation and octal escapes") {
    CHECK(s::gnuplot_quote("plain text, 3.5") == "\"plain text, 3.5\"");
    CHECK(s::gnuplot_quote("it's") == "\"it\\0047s\"");
    CHECK(s::gnuplot_quote("''") == "\"\\0047\\0047\"");
    CHECK(s::gnuplot_quote("`x` @y $z \\ \"") == "\"\\140x\\140 \\100y \\0044z \\134 \\0042\"");
    // A digit after a control character stays a digit: gnuplot reads four digits after \0.
    CHECK(s::gnuplot_quote("a\n3") == "\"a\\00123\"");
    CHECK(s::gnuplot_quote("\xc3\xa9") == "\"\\303\\251\"");
    CHECK_THROWS_AS(s::gnuplot_quote(std::string("a\0b", 3)), std::invalid_argument);
    // File names that gnuplot would take for a command, standard input or its special
    // files are opened as files of this folder.
    CHECK(s::gnuplot_file("a.dat") == "\"a.dat\"");
    CHECK(s::gnuplot_file("_a.dat") == "\"_a.dat\"");
    CHECK(s::gnuplot_file("<touch x") == "\"./<touch x\"");
    CHECK(s::gnuplot_file("|touch x") == "\"./|touch x\"");
    for (const std::string name : {"-", "+", "++", "", "~x", "$data", "@x", "'a"})
        CHECK_MESSAGE(s::gnuplot_file(name).starts_with("\"./"), name);
}

TEST_CASE("every byte but NUL reaches gnuplot exactly as quoted") {
    TempDir dir("bytes");
    std::vector<std::string> texts = {"''a",
                                      "'''",
                                      "a''b",
                                      "`echo x`",
                                      "\\",
                                      "\\\\\"",
                                      "@y",
                                      "\"@y",
                                      "a\n3",
                                      "\x01"
                                      "0123",
                                      "x\\0012",
                                      "\xc3\xa9 \xe6\x97\xa5",
                                      "\xff\xfe"};
    for (int c = 1; c < 256; ++c)
        texts.push_back(std::string("<") + static_cast<char>(c) + ">");
    s::FigureScript fig;
    fig.body = "y = 'EXPANDED'\nset print " + s::gnuplot_file("strings.txt") + "\n";
    std::string expected;
    for (const auto& t : texts) {
        fig.body += "print " + s::gnuplot_quote(t) + "\n";
        expected += t + "\n";
    }
    fig.body += "unset print\nplot x\n";
    s::render(dir.path, "bytes", s::ImageFormat::Png, fig);
    CHECK(slurp(dir.path / "strings.txt") == expected);
}

namespace {

// Figures drawn into `dir` whose title, labels, legends and period names are `text`.
void draw_hostile(const std::string& text, const fs::path& dir, const std::string& stem) {
    CAPTURE(text);
    CAPTURE(stem);
    s::Params p;
    p.set("title", text);
    s::EvaluationArg ev = plane_evaluation();
    ev.label = text;
    ev.periods[1].name = text;
    ev.labels[text] = {0, 1, 2, 3};
    s::Params colour = p;
    colour.set("color_by", text);
    draw_and_render("pca_trajectories", {ev}, colour, dir, stem + "p");
    draw_and_render("speed", {ev}, p, dir, stem + "s", s::ImageFormat::Svg);
    const auto a = analysis(text, "decode_over_time",
                            {{"accuracy", column({0.5F, 0.7F})},
                             {"accuracy_std", column({0.1F, 0.1F})},
                             {"steps", column({0.0F, 1.0F})}},
                            {{"chance", 0.5}});
    draw_and_render("decoding", {a}, p, dir, stem + "d");
    const s::ResultsArg x{text, "q", {text, "m"}, {text, "2"}, {1, 2}};
    const s::ResultsArg y{text + "y", "q", {text, "m"}, {text, "2"}, {3, 4}};
    s::Params labelled = p;
    labelled.set("labels", true);
    const s::FigureScript sc = draw_and_render("scatter", {x, y}, labelled, dir, stem + "x");
    // Data headers stay one line whatever the labels hold.
    CHECK(rows_of(data_named(sc, stem + "x.dat").text).size() == 2);
}

}  // namespace

TEST_CASE("hostile titles, labels, file names and folders run nothing and still render") {
    // gnuplot starts in the output folder, whose name reaches no command and no gnuplot
    // string, so any name works (a newline too); the process's own folder is base.
    TempDir base("inject");
    const fs::path dir =
        base.path / "out 'dir' '' $(touch PWNED_DIR) `touch PWNED_DIR2` @x \"q\"\nline2";
    fs::create_directories(dir);
    const std::vector<std::string> hostile = {
        "system(\"touch PWNED\")",
        "`touch PWNED2`",
        "a' . system('touch PWNED3') . '",
        "b\" . system(\"touch PWNED4\") . \"",
        "c'\n!touch PWNED5\nprint '",
        "line\nsystem('touch PWNED6')\n",
        "@macro d';`touch PWNED7`",
        "'",
        "''' . system('touch PWNED8') . '",
        "it''s ``echo PWNED9`` @y \\ \" \n \xc3\xa9",
        "\\\" . system(\"touch PWNED10\") . \"\\",
    };

    struct Cwd {
        fs::path saved = fs::current_path();

        ~Cwd() { fs::current_path(saved); }
    } cwd;

    fs::current_path(base.path);
    int n = 0;
    for (const auto& h : hostile)
        draw_hostile(h, dir, "f" + std::to_string(++n));
    // File names (stems) that gnuplot would take for commands or special files.
    for (const std::string stem : {"<touch PWNED_LT;", "|touch PWNED_PIPE;", "-", "+", "a@b",
                                   "it''s `touch PWNED_BQ`", "~", "$x", "\"q\""})
        draw_hostile("plain", dir, stem);
    for (const fs::path& where : {base.path, dir, cwd.saved})
        for (const auto& e : fs::directory_iterator(where))
            CHECK_MESSAGE(!e.path().filename().string().starts_with("PWNED"), e.path().string());
}

TEST_CASE("a title reaches the picture exactly") {
    TempDir dir("title");
    const std::string title = "it''s `echo x` @y \\ \" \xc3\xa9 $HOME";
    s::Params p;
    p.set("title", title);
    draw_and_render("speed", {plane_evaluation()}, p, dir.path, "t", s::ImageFormat::Svg);
    // The svg terminal writes the title as text ('<' and '&' would be escaped; none here).
    CHECK(slurp(dir.path / "t.svg").find(">" + title + "</text>") != std::string::npos);
}

TEST_CASE("a figure's files are known from its call, and its script writes no other") {
    const s::FigureFiles trial = s::figure_files(figure("trial"), 1, "figs/x.png");
    CHECK(trial.picture == "figs/x.png");
    CHECK(trial.script == "figs/x.gp");
    CHECK(trial.data == std::vector<std::string>{"figs/x_inputs.dat", "figs/x_targets.dat"});
    // The two collisions the checker refuses (E0719): a trial figure x.png and a history
    // x_inputs.png share x_inputs.dat; a.png and a.svg share a.gp and a.dat.
    CHECK(s::figure_files(figure("history"), 1, "figs/x_inputs.png").data
          == std::vector<std::string>{"figs/x_inputs.dat"});
    CHECK(s::figure_files(figure("history"), 1, "a.svg").script
          == s::figure_files(figure("history"), 1, "a.png").script);
    CHECK(s::figure_files(figure("heatmap"), 2, "h.png").data
          == std::vector<std::string>{"h_1.dat", "h_2.dat"});
    CHECK(s::figure_files(figure("decoding"), 3, "d.svg").data.size() == 3);
    CHECK(s::figure_files(figure("pca_trajectories"), 1, "p.png").data
          == std::vector<std::string>{"p.dat", "p_mean.dat", "p_periods.dat"});
    // A figure whose script writes a file its entry does not declare is a bug, caught.
    s::FigureEntry stray = figure("speed");
    stray.script = [](const std::vector<s::ArgValue>&, const s::Params&, const std::string& stem) {
        s::FigureScript fig;
        fig.data.push_back({stem + "_extra.dat", ""});
        return fig;
    };
    CHECK_THROWS_AS(stray.draw({}, {}, "x"), std::logic_error);
}

TEST_CASE("every new figure has documented arguments and options") {
    for (const std::string name : {"pca_trajectories", "speed", "decoding", "cross_temporal",
                                   "angles", "spectrum", "rdm", "fixed_points", "scatter"}) {
        const s::FigureEntry& f = figure(name);
        CHECK_MESSAGE(!f.doc.empty(), name);
        REQUIRE(!f.schema.params.empty());
        CHECK(f.schema.params.front().name == "title");
        for (const auto& p : f.schema.params)
            CHECK_MESSAGE((!p.doc.empty() && (p.default_value.has_value() || p.optional)),
                          name << "." << p.name);
        for (const auto& a : f.args) {
            CHECK_MESSAGE(!a.doc.empty(), name << "." << a.name);
            if (a.kind == s::ArgKind::Evaluation)
                CHECK_MESSAGE(a.activity, name << " reads activity");
        }
    }
}

TEST_CASE("trial names the input rows a task names, as lines or on the image's axis") {
    TempDir dir("trial_names");
    // Few rows: one line each, titled by its name.
    s::TaskTrialArg few{"dm",
                        arma::fmat(3, 12, arma::fill::ones),
                        arma::fmat(1, 12, arma::fill::zeros),
                        arma::fmat(1, 12, arma::fill::ones),
                        {{"fixation", 0, 4}, {"stimulus", 4, 10}, {"decision", 10, 12}},
                        {"fixation", "evidence 1", "evidence 2"}};
    s::FigureScript a = draw_and_render("trial", {few}, {}, dir.path, "few");
    CHECK(a.body.find("title \"evidence 2\"") != std::string::npos);
    CHECK(a.body.find("title \"input 1\"") == std::string::npos);
    for (const char* period : {"\"fixation\" at 0,", "\"stimulus\" at 4,", "\"decision\" at 10,"})
        CHECK_MESSAGE(a.body.find(period) != std::string::npos, period);
    // Without names: "input N", as before.
    few.input_names.clear();
    a = draw_and_render("trial", {few}, {}, dir.path, "unnamed");
    CHECK(a.body.find("title \"input 3\"") != std::string::npos);
    // Many rows: an image whose rows the y axis names, and the targets' panel below its
    // own numbers. A period of no steps (a delay of 0 ms) is not marked.
    s::TaskTrialArg many{"mante",
                         arma::fmat(5, 12, arma::fill::zeros),
                         arma::fmat(1, 12, arma::fill::zeros),
                         {},
                         {{"fixation", 0, 4}, {"delay", 4, 4}, {"decision", 4, 12}},
                         {"fixation", "motion", "colour", "context 1", "context 2"}};
    const s::FigureScript b = draw_and_render("trial", {many}, {}, dir.path, "many");
    const std::size_t image = b.body.find("matrix with image");
    REQUIRE(image != std::string::npos);
    CHECK(b.body.find("set ytics (\"fixation\" 0, \"motion\" 1, \"colour\" 2, \"context 1\" 3, "
                      "\"context 2\" 4)\n")
          < image);
    CHECK(b.body.find("set ytics autofreq\n", image) < b.body.find("set ylabel 'target'"));
    CHECK(b.body.find("\"delay\"") == std::string::npos);
    CHECK(b.body.find("set label 2 \"decision\" at 4,") != std::string::npos);
    CHECK(b.body.find("nohead front") != std::string::npos);  // not hidden by the image
    // Too many to read: numbered rows.
    s::TaskTrialArg wide{"wide", arma::fmat(40, 12, arma::fill::zeros), {}, {}, {}, {}};
    for (int i = 0; i < 40; ++i)
        wide.input_names.push_back(fmt::format("item {}", i + 1));
    const s::FigureScript c = draw_and_render("trial", {wide}, {}, dir.path, "wide");
    CHECK(c.body.find("set ytics (") == std::string::npos);
}
