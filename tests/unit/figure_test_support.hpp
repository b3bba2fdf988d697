// What the figure tests share: drawing a figure entry from hand-made arguments, rendering
// it, checking the picture and reading its data back (figures_test.cpp,
// sweep_figures_test.cpp).
#pragma once

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "stdlib/figures/gnuplot.hpp"
#include "stdlib/figures/script_check.hpp"
#include "stdlib/registry.hpp"
#include "tests/unit/temp_dir.hpp"

namespace rnn::test::figures {

namespace s = rnn::stdlib;
namespace fs = std::filesystem;

using rnn::test::TempDir;

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::uint32_t big_endian(const std::string& b, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v = (v << 8) | static_cast<unsigned char>(b.at(at + i));
    return v;
}

inline void check_png(const fs::path& p, int width, int height) {
    const std::string b = slurp(p);
    REQUIRE(b.size() > 24);
    CHECK(b.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(b.substr(12, 4) == "IHDR");
    CHECK(big_endian(b, 16) == static_cast<std::uint32_t>(width));
    CHECK(big_endian(b, 20) == static_cast<std::uint32_t>(height));
}

inline void check_svg(const fs::path& p) {
    const std::string b = slurp(p);
    CHECK((b.starts_with("<?xml") || b.starts_with("<svg")));
    CHECK(b.find("</svg>") != std::string::npos);
}

// The data rows of a figure's data file (comment and blank lines skipped).
inline std::vector<std::vector<double>> rows_of(const std::string& text) {
    std::vector<std::vector<double>> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        std::vector<double> row;
        std::string f;
        while (fields >> f)
            row.push_back(std::strtod(f.c_str(), nullptr));
        out.push_back(row);
    }
    return out;
}

inline const s::DataFile& data_named(const s::FigureScript& fig, const std::string& name) {
    for (const auto& d : fig.data)
        if (d.name == name)
            return d;
    FAIL("no data file " << name);
    return fig.data.front();
}

inline const s::FigureEntry& figure(const std::string& name) {
    const s::FigureEntry* f = s::find_figure(name);
    REQUIRE(f != nullptr);
    return *f;
}

// Draws a figure and renders it into dir; returns the script.
inline s::FigureScript draw_and_render(const std::string& name,
                                       const std::vector<s::ArgValue>& args, s::Params given,
                                       const fs::path& dir, const std::string& stem,
                                       s::ImageFormat format = s::ImageFormat::Png) {
    const s::FigureEntry& f = figure(name);
    const s::FigureScript fig = f.draw(args, s::with_defaults(f.schema, std::move(given)), stem);
    s::render(dir, stem, format, fig);
    const fs::path picture = dir / (stem + std::string(s::image_extension(format)));
    REQUIRE(fs::exists(picture));
    if (format == s::ImageFormat::Png)
        check_png(picture, fig.width, fig.height);
    else
        check_svg(picture);
    CHECK(fs::exists(dir / (stem + ".gp")));
    // rnn plot draws every script rnnlab writes again (stdlib/figures/script_check.hpp).
    const s::ScriptCheck vouched = s::check_script(slurp(dir / (stem + ".gp")), stem);
    CHECK_MESSAGE(vouched.problem.empty(), name << ": " << vouched.problem);
    for (const auto& d : fig.data)
        CHECK(slurp(dir / d.name) == d.text);
    return fig;
}

// 4 trials x 3 units x 10 steps on a known plane: unit 0 = 3 t (every trial), unit 1 = -1
// for even trials and +1 for odd ones, unit 2 = 0.7. PC1 is unit 0 (3 t - its mean), PC2
// unit 1; the trial average moves 3 per step.
inline s::EvaluationArg plane_evaluation() {
    s::EvaluationArg ev;
    ev.label = "test";
    ev.signal = "overlap";
    ev.activity = arma::fcube(4, 3, 10);
    for (arma::uword r = 0; r < 4; ++r)
        for (arma::uword t = 0; t < 10; ++t) {
            ev.activity(r, 0, t) = 3.0F * static_cast<float>(t);
            ev.activity(r, 1, t) = r % 2 ? 1.0F : -1.0F;
            ev.activity(r, 2, t) = 0.7F;
        }
    ev.labels["condition"] = {0, 1, 0, 1};
    ev.periods = {{"fixation", 0, 3}, {"delay", 3, 10}};
    return ev;
}

inline s::AnalysisArg analysis(const std::string& label, const std::string& entry,
                               std::map<std::string, arma::fmat> arrays,
                               std::map<std::string, double> scalars = {}) {
    s::AnalysisArg a;
    a.label = label;
    a.entry = entry;
    a.arrays = std::move(arrays);
    a.scalars = std::move(scalars);
    return a;
}

inline arma::fmat column(std::initializer_list<float> v) {
    return arma::fmat(arma::fvec(std::vector<float>(v)));
}

}  // namespace rnn::test::figures
