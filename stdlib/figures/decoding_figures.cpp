// Figures of decode_over_time analyses (docs/figures.md): decoding accuracy over time with
// its spread and chance, and the cross-temporal accuracy matrix.
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_inputs.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

std::string hex_colour(std::size_t i) {
    return std::string(okabe_ito[i % okabe_ito.size()]);
}

// ---- decoding(analysis, ...) ------------------------------------------------------------

FigureScript draw_decoding(const std::vector<ArgValue>& args, const Params& options,
                           const std::string& stem) {
    const std::string figure = "decoding", from = "decode_over_time";
    FigureScript fig;
    std::vector<double> chances;
    std::vector<std::string> files;
    for (std::size_t a = 0; a < args.size(); ++a) {
        const auto& an = std::get<AnalysisArg>(args[a]);
        const arma::vec acc = vector_of(an, "accuracy", figure, from);
        const arma::vec steps = vector_of(an, "steps", figure, from);
        const arma::vec sd = an.arrays.count("accuracy_std")
                                 ? vector_of(an, "accuracy_std", figure, from)
                                 : arma::vec(acc.n_elem, arma::fill::zeros);
        if (steps.n_elem != acc.n_elem || sd.n_elem != acc.n_elem)
            throw std::runtime_error(
                fmt::format("{}: '{}' has {} accuracies, {} standard deviations and {} steps",
                            figure, an.label, acc.n_elem, sd.n_elem, steps.n_elem));
        const auto chance = an.scalars.find("chance");
        const double c = chance == an.scalars.end() ? NAN : chance->second;
        chances.push_back(c);
        arma::mat rows(acc.n_elem, 6);
        rows.col(0) = steps;
        rows.col(1) = acc;
        rows.col(2) = sd;
        rows.col(3) = acc - sd;
        rows.col(4) = acc + sd;
        rows.col(5).fill(c);
        files.push_back(argument_data_file(stem, a));
        fig.data.push_back(
            {files.back(),
             data_table({"step", "accuracy", "accuracy_std", "lower", "upper", "chance"}, rows)});
    }
    bool same_chance = true;
    for (const double c : chances)
        same_chance = same_chance && (c == chances[0] || (std::isnan(c) && std::isnan(chances[0])));
    std::string body =
        fmt::format("set title {}\n", figure_title(options, "decoding accuracy over time"));
    body += "set grid\nset key outside right\nset xlabel 'step'\nset ylabel 'decoding accuracy'\n";
    body += "set yrange [0:1.05]\nset style fill transparent solid 0.2 noborder\n";
    body += option_settings(options) + "plot ";
    for (std::size_t a = 0; a < args.size(); ++a) {
        const auto& an = std::get<AnalysisArg>(args[a]);
        const std::string f = gnuplot_file(files[a]);
        body += fmt::format(
            "{}{} using 1:4:5 with filledcurves fc rgb '{}' notitle, {} using 1:2 with lines {} "
            "lw 2 {}",
            a ? ", " : "", f, hex_colour(a), f, line_colour(a), series_title(options, a, an.label));
        if (!std::isnan(chances[a]) && (!same_chance || a == 0))
            body +=
                fmt::format(", {} using 1:6 with lines dt 2 {} title {}", f,
                            same_chance ? "lc rgb '#777777'" : line_colour(a),
                            gnuplot_quote(same_chance ? "chance" : "chance (" + an.label + ")"));
    }
    fig.body = body + "\n";
    return fig;
}

// ---- cross_temporal(analysis) -----------------------------------------------------------

FigureScript draw_cross_temporal(const std::vector<ArgValue>& args, const Params& options,
                                 const std::string& stem) {
    const std::string figure = "cross_temporal", from = "decode_over_time with cross_temporal";
    const auto& an = std::get<AnalysisArg>(args.at(0));
    const arma::mat m =
        arma::conv_to<arma::mat>::from(array_of(an, "cross_temporal", figure, from));
    const arma::vec steps = vector_of(an, "steps", figure, from);
    if (m.n_rows != m.n_cols || m.n_rows != steps.n_elem || m.empty())
        throw std::runtime_error(fmt::format("{}: '{}' has a {} x {} cross_temporal for {} steps",
                                             figure, an.label, m.n_rows, m.n_cols, steps.n_elem));
    // Steps evenly spaced (a stride) are the axes; otherwise the entries' positions are.
    bool even = true;
    for (arma::uword i = 2; i < steps.n_elem; ++i)
        even = even && std::abs((steps(i) - steps(i - 1)) - (steps(1) - steps(0))) < 1e-9;
    even = even && (steps.n_elem < 2 || steps(1) > steps(0));
    std::string data = data_header({"test_step", "train_step", "accuracy"});
    for (arma::uword i = 0; i < m.n_rows; ++i) {
        arma::mat rows(m.n_cols, 3);
        for (arma::uword j = 0; j < m.n_cols; ++j) {
            rows(j, 0) = even ? steps(j) : static_cast<double>(j);
            rows(j, 1) = even ? steps(i) : static_cast<double>(i);
            rows(j, 2) = m(i, j);
        }
        data += (i ? "\n" : "") + data_rows(rows);
    }
    FigureScript fig;
    fig.width = 640;
    fig.height = 560;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data});
    std::string body = fmt::format("set title {}\n",
                                   figure_title(options, "cross-temporal decoding of " + an.label));
    body += std::string(sequential_palette);
    body += "set cbrange [0:1]\nset cblabel 'decoding accuracy'\nset size ratio -1\nunset key\n";
    body += "set tics out\n";
    body += even ? "set xlabel 'test step'\nset ylabel 'training step'\n"
                 : "set xlabel 'test step (entry)'\nset ylabel 'training step (entry)'\n";
    const double d = even && steps.n_elem > 1 ? steps(1) - steps(0) : 1.0;
    const double lo = (even ? steps(0) : 0.0) - d / 2;
    const double hi = (even ? steps(steps.n_elem - 1) : static_cast<double>(m.n_rows - 1)) + d / 2;
    body += fmt::format("set xrange [{0:.9g}:{1:.9g}]\nset yrange [{0:.9g}:{1:.9g}]\n", lo, hi);
    body += option_settings(options);
    body += fmt::format("plot {} using 1:2:3 with image\n", gnuplot_file(file));
    fig.body = body;
    return fig;
}

}  // namespace

const FigureEntry& decoding_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "decoding",
        "Decoding accuracy over time of one or more decode_over_time analyses, +- one standard "
        "deviation, with chance.",
        {analysis_arg("analyses", "decode_over_time",
                      "decode_over_time analyses, e.g. item_decoding", true)},
        {}, draw_decoding, {{}, true}, kAllFigureOptions, series_per_argument);
    return entry;
}

const FigureEntry& cross_temporal_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "cross_temporal",
        "Cross-temporal decoding accuracy (training step x test step) of a decode_over_time "
        "analysis run with cross_temporal.",
        {analysis_arg("analysis", "decode_over_time",
                      "a decode_over_time analysis with cross_temporal on")},
        {}, draw_cross_temporal, {}, kAxisLabels);
    return entry;
}

}  // namespace rnn::stdlib
