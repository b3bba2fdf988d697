// The options every figure takes (stdlib/figures/figure_options.hpp): the exact gnuplot
// lines each produces (golden), history's smoothing and first epoch, the picture's size
// and PDF, and hostile legend names quoted like every other string.
#include "stdlib/figures/figure_options.hpp"

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "stdlib/figures/gnuplot.hpp"
#include "stdlib/registry.hpp"
#include "tests/unit/temp_dir.hpp"

namespace s = rnn::stdlib;
namespace fs = std::filesystem;

namespace {

const s::FigureEntry& figure(const std::string& name) {
    const s::FigureEntry* f = s::find_figure(name);
    REQUIRE(f != nullptr);
    return *f;
}

s::Params options_of(const s::FigureEntry& f, s::Params given) {
    return s::with_defaults(f.schema, std::move(given));
}

// A training of 4 epochs with a huge first loss, one loss term and one metric.
s::TrainingArg training() {
    s::TrainingArg t;
    t.label = "fit";
    t.history.columns = {"epoch", "loss", "accuracy"};
    t.history.rows = {{1, 4838, 0.1}, {2, 4, 0.5}, {3, 2, 0.7}, {4, 1, 0.9}};
    return t;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("every shared option is in every figure's schema, with a doc") {
    for (const auto* f : s::figures()) {
        for (const std::string name : {"title", "size", "xlabel", "ylabel"}) {
            const s::ParamSpec* p = f->schema.find(name);
            REQUIRE_MESSAGE(p != nullptr, f->name << " lacks " << name);
            CHECK(!p->doc.empty());
        }
        // A figure with a legend also places it; log scales come in pairs.
        CHECK((f->schema.find("legend") != nullptr) == (f->schema.find("key") != nullptr));
        CHECK((f->schema.find("logx") != nullptr) == (f->schema.find("logy") != nullptr));
    }
}

TEST_CASE("golden: the lines of the shared options") {
    const s::FigureEntry& f = figure("spectrum");
    SUBCASE("defaults write nothing") {
        CHECK(s::option_settings(options_of(f, {})) == "");
    }
    SUBCASE("labels, log scales and the key") {
        s::Params p;
        p.set("xlabel", s::Value{std::string("hidden units")});
        p.set("ylabel", s::Value{std::string("it's \"fine\"")});
        p.set("logx", s::Value{true});
        p.set("logy", s::Value{true});
        p.set("key", s::Value{std::string("top_left")});
        CHECK(s::option_settings(options_of(f, p))
              == "set xlabel \"hidden units\"\n"
                 "set ylabel \"it\\0047s \\0042fine\\0042\"\n"
                 "set logscale x\n"
                 "set logscale y\n"
                 "set key inside top left\n");
    }
    SUBCASE("every key place") {
        const std::vector<std::pair<std::string, std::string>> golden = {
            {"auto", ""},
            {"none", "unset key\n"},
            {"top_left", "set key inside top left\n"},
            {"top_right", "set key inside top right\n"},
            {"bottom_left", "set key inside bottom left\n"},
            {"bottom_right", "set key inside bottom right\n"},
            {"outside", "set key outside right top\n"},
            {"below", "set key below center horizontal\n"},
        };
        CHECK(golden.size() == s::key_places().size());
        for (const auto& [name, line] : golden) {
            s::Params p;
            p.set("key", s::Value{name});
            CHECK_MESSAGE(s::option_settings(options_of(f, p)) == line, name);
            CHECK(s::key_placement(options_of(f, p), "outside right")
                  == (name == "auto" ? "set key outside right\n" : line));
        }
    }
    SUBCASE("legend names replace series titles in order, the rest keep theirs") {
        s::Params p;
        p.set("legend", s::Value{std::vector<std::string>{"GRU 64", "`touch x`"}});
        const s::Params o = options_of(f, p);
        CHECK(s::series_title(o, 0, "a") == "title \"GRU 64\"");
        CHECK(s::series_title(o, 1, "b") == "title \"\\140touch x\\140\"");
        CHECK(s::series_title(o, 2, "c") == "title \"c\"");
        // A legend asks for the key even over one series.
        CHECK(s::series_key(o, 1, "top left") == "set key top left\n");
    }
    SUBCASE("one series has no key unless placed or named; several get the figure's place") {
        const s::Params none = options_of(f, {});
        CHECK(s::series_key(none, 1, "outside right") == "unset key\n");
        CHECK(s::series_key(none, 3, "outside right") == "set key outside right\n");
        s::Params p;
        p.set("key", s::Value{std::string("below")});
        CHECK(s::series_key(options_of(f, p), 1, "outside right")
              == "set key below center horizontal\n");
        p.set("key", s::Value{std::string("none")});
        CHECK(s::series_key(options_of(f, p), 3, "outside right") == "unset key\n");
    }
}

TEST_CASE("golden: spectrum with legend, labels, log scale and key") {
    const s::FigureEntry& f = figure("spectrum");
    s::AnalysisArg a;
    a.label = "pca_a";
    a.entry = "pca";
    a.arrays["explained_variance_ratio"] = arma::fmat(arma::fvec{0.5F, 0.3F, 0.2F});
    s::Params p;
    p.set("legend", s::Value{std::vector<std::string>{"GRU 64"}});
    p.set("key", s::Value{std::string("bottom_right")});
    p.set("ylabel", s::Value{std::string("variance")});
    p.set("logx", s::Value{true});
    const s::FigureScript fig = f.draw({a}, options_of(f, p), "sp");
    CHECK(
        fig.body.find("set ylabel \"variance\"\nset logscale x\nset key inside bottom right\nplot ")
        != std::string::npos);
    CHECK(fig.body.find("using 1:2 with linespoints pt 7 lc rgb '#000000' lw 2 title \"GRU 64\"")
          != std::string::npos);
}

TEST_CASE("golden: history smooths, starts at from_epoch and draws the loss on a log scale") {
    const s::FigureEntry& f = figure("history");
    s::Params p;
    p.set("smooth", s::Value{2.0});
    p.set("from_epoch", s::Value{2.0});
    p.set("logy", s::Value{true});
    p.set("legend", s::Value{std::vector<std::string>{"total loss"}});
    p.set("key", s::Value{std::string("top_right")});
    p.set("xlabel", s::Value{std::string("step")});
    const s::FigureScript fig = f.draw({training()}, options_of(f, p), "h");
    // Rows from epoch 2; each column's trailing mean over 2 epochs after the raw ones.
    REQUIRE(fig.data.size() == 1);
    CHECK(fig.data[0].text
          == "# epoch loss accuracy loss_smoothed accuracy_smoothed\n"
             "2 4 0.5 2421 0.3\n"
             "3 2 0.7 3 0.6\n"
             "4 1 0.9 1.5 0.8\n");
    CHECK(fig.body
          == "set multiplot layout 2,1 title \"training history of fit\"\n"
             "set grid\n"
             "set xlabel \"step\"\n"
             "set key inside top right\n"
             "set xrange [2:*]\n"
             "set ylabel \"loss\"\n"
             "set logscale y\n"
             "plot \"h.dat\" using 1:2 with lines lw 1 lc rgb '#B0000000' notitle, \"h.dat\" "
             "using 1:4 with lines lw 2 lc rgb '#000000' title \"total loss\"\n"
             "unset label 2\n"
             "unset logscale y\n"
             "set ylabel 'metric'\n"
             "plot \"h.dat\" using 1:3 with lines lw 1 lc rgb '#B0E69F00' notitle, \"h.dat\" "
             "using 1:5 with lines lw 2 lc rgb '#E69F00' title \"accuracy\"\n"
             "unset multiplot\n");
}

TEST_CASE("history's log scale leaves out loss terms that never rise above zero") {
    const s::FigureEntry& f = figure("history");
    s::TrainingArg t = training();
    t.history.columns = {"epoch", "loss", "loss_overlap", "accuracy"};
    t.history.rows = {{1, -0.5, -0.5, 0.1}, {2, -0.9, -0.9, 0.5}};
    s::Params p;
    p.set("logy", s::Value{true});
    const s::FigureScript fig = f.draw({t}, options_of(f, p), "h");
    CHECK(
        fig.body.find("set ylabel \"loss\"\nset label 2 \"not on the log scale (no value above 0): "
                      "loss, loss_overlap\" at graph 0.01,0.95 left\nset label 1 'no value "
                      "above 0' at graph 0.5,0.5 center\nset yrange [0:1]\nplot NaN notitle\n")
        != std::string::npos);
    rnn::test::TempDir dir("history_logy");
    s::render(dir.path, "h", s::ImageFormat::Png, fig);
    CHECK(std::filesystem::exists(dir.path / "h.png"));
}

TEST_CASE("a first epoch past the last draws the last one") {
    const s::FigureEntry& f = figure("history");
    s::Params p;
    p.set("from_epoch", s::Value{50.0});
    const s::FigureScript fig = f.draw({training()}, options_of(f, p), "h");
    CHECK(fig.data[0].text == "# epoch loss accuracy\n4 1 0.9\n");
    CHECK(fig.body.find("set xrange [4:*]\n") != std::string::npos);
}

TEST_CASE("golden: history without options is drawn as before") {
    const s::FigureEntry& f = figure("history");
    const s::FigureScript fig = f.draw({training()}, options_of(f, {}), "h");
    CHECK(fig.data[0].text == "# epoch loss accuracy\n1 4838 0.1\n2 4 0.5\n3 2 0.7\n4 1 0.9\n");
    CHECK(fig.body.find("set xrange [1:*]\nset ylabel \"loss\"\nplot \"h.dat\" using 1:2 with "
                        "lines lw 1.5 title \"loss\"\n")
          != std::string::npos);
    CHECK(fig.width == 900);
    CHECK(fig.height == 800);
}

TEST_CASE("size sets the picture's pixels, and a .pdf is drawn by pdfcairo at 72 per inch") {
    const s::FigureEntry& f = figure("history");
    s::Params p;
    p.set("size", s::Value{std::vector<double>{720, 360}});
    const s::FigureScript fig = f.draw({training()}, options_of(f, p), "h");
    CHECK(fig.width == 720);
    CHECK(fig.height == 360);
    rnn::test::TempDir dir("figure_options_pdf");
    s::render(dir.path, "h", s::image_format("h.pdf"), fig);
    const std::string pdf = slurp(dir.path / "h.pdf");
    CHECK(pdf.starts_with("%PDF"));
    CHECK(slurp(dir.path / "h.gp")
              .starts_with("set terminal pdfcairo size 10in,5in noenhanced font 'sans,10'\n"));
    s::render(dir.path, "h", s::ImageFormat::Png, fig);
    CHECK(slurp(dir.path / "h.gp")
              .starts_with("set terminal pngcairo size 720,360 noenhanced font 'sans,10'\n"));
}

TEST_CASE("figure file names: .png, .svg and .pdf") {
    CHECK(s::image_format("a/b.pdf") == s::ImageFormat::Pdf);
    CHECK(s::image_format("b.svg") == s::ImageFormat::Svg);
    CHECK(s::image_format("b.png") == s::ImageFormat::Png);
    CHECK(s::figure_extension_ok("a.pdf"));
    CHECK_FALSE(s::figure_extension_ok(".pdf"));
    CHECK_FALSE(s::figure_extension_ok("a.jpg"));
}
