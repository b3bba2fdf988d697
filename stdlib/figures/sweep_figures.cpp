// Figures of results collected over a sweep (docs/figures.md): one quantity against
// others, one point per member.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_inputs.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

// ---- scatter(results, results, ...) -----------------------------------------------------

std::string member_key(const ResultsArg& r, std::size_t i) {
    return r.index.size() == r.values.size() ? r.index[i] : std::to_string(i + 1);
}

// The labels option: each point's member index beside it, for series s (column 2 + s).
std::string member_labels(const ResultsArg& x, const arma::mat& rows, std::size_t s,
                          const std::string& axes, int& n) {
    std::string out;
    for (arma::uword i = 0; i < rows.n_rows; ++i)
        if (!std::isnan(rows(i, 1)) && !std::isnan(rows(i, 2 + s)))
            out += fmt::format(
                "set label {} {} at first {:.9g}, {} {:.9g} offset 0.6,0.4 "
                "font ',8'\n",
                n++, gnuplot_quote(member_key(x, i)), rows(i, 1), axes, rows(i, 2 + s));
    return out;
}

// Three or more y results: one panel each, stacked, sharing the x axis, so that numbers of
// different scales (a correlation near 0.9, participation ratios near 300) each fill
// their own axis.
std::string scatter_panels(const ResultsArg& x, const std::vector<ArgValue>& args,
                           const arma::mat& rows, const std::string& file, const Params& options) {
    const std::size_t series = args.size() - 1;
    std::string body = fmt::format("set multiplot layout {},1 title {}\n", series,
                                   figure_title(options, "results against " + x.label));
    body += "set grid\nset datafile missing 'NaN'\nunset key\n";
    body += "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";
    for (std::size_t s = 0; s < series; ++s) {
        const auto& y = std::get<ResultsArg>(args[s + 1]);
        body += fmt::format("set ylabel {}\n", gnuplot_quote(y.label));
        body += s + 1 == series ? fmt::format("set xlabel {}\n", gnuplot_quote(x.label))
                                : "unset xlabel\n";
        int n = 1;
        if (options.flag("labels"))
            body += member_labels(x, rows, s, "first", n);
        body += option_settings(options);
        body += fmt::format("plot {} using 2:{} with points pt 7 ps 1.3 {} notitle\n",
                            gnuplot_file(file), s + 3, line_colour(s + 1));
        body += "unset label\n";
    }
    return body + "unset multiplot\n";
}

FigureScript draw_scatter(const std::vector<ArgValue>& args, const Params& options,
                          const std::string& stem) {
    const auto& x = std::get<ResultsArg>(args.at(0));
    const std::size_t series = args.size() - 1;
    if (series == 0)
        throw std::runtime_error("scatter: give the x results and at least one y");
    arma::mat rows(x.values.size(), 2 + series);
    rows.fill(arma::datum::nan);
    std::vector<std::string> columns = {"member", x.label};
    for (std::size_t i = 0; i < x.values.size(); ++i) {
        rows(i, 0) = static_cast<double>(i + 1);
        rows(i, 1) = x.values[i];
    }
    // Members are paired by their index text: y's member "3" goes with x's member "3".
    for (std::size_t s = 0; s < series; ++s) {
        const auto& y = std::get<ResultsArg>(args[s + 1]);
        columns.push_back(y.label);
        for (std::size_t j = 0; j < y.values.size(); ++j) {
            std::size_t i = 0;
            while (i < x.values.size() && member_key(x, i) != member_key(y, j))
                ++i;
            if (i == x.values.size())
                throw std::runtime_error(
                    fmt::format("scatter: member [{}] of '{}' has no value in '{}'",
                                member_key(y, j), y.label, x.label));
            rows(i, 2 + s) = y.values[j];
        }
    }
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data_table(columns, rows)});
    if (series >= 3 && options.flag("panels")) {
        fig.body = scatter_panels(x, args, rows, file, options);
        fig.height = std::max(fig.height, static_cast<int>(220 * series));
        return fig;
    }
    const bool two_axes = series == 2 && options.flag("second_axis");
    const auto& first_y = std::get<ResultsArg>(args[1]);
    std::string body = fmt::format(
        "set title {}\n",
        figure_title(options, (series == 1 ? first_y.label : "results") + " against " + x.label));
    body += "set grid\nset key outside right\nset datafile missing 'NaN'\n";
    // A margin, so that points at the extremes are not drawn on the border.
    body += "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";
    body += fmt::format("set xlabel {}\nset ylabel {}\n", gnuplot_quote(x.label),
                        gnuplot_quote(series <= 2 ? first_y.label : "value"));
    if (two_axes) {
        body += fmt::format("set y2label {}\nset y2tics\nset ytics nomirror\n",
                            gnuplot_quote(std::get<ResultsArg>(args[2]).label));
        // `set offsets` leaves the y2 axis tight: the same margin, by hand.
        const arma::vec y2 = rows.col(3);
        const arma::vec finite = y2.elem(arma::find_finite(y2));
        if (!finite.empty()) {
            const double pad = std::max(0.05 * (finite.max() - finite.min()),
                                        std::max(1e-12, 0.05 * arma::abs(finite).max()));
            body += fmt::format("set y2range [{:.9g}:{:.9g}]\n", finite.min() - pad,
                                finite.max() + pad);
        }
    }
    if (options.flag("labels")) {
        int n = 1;
        for (std::size_t s = 0; s < series; ++s)
            body += member_labels(x, rows, s, two_axes && s == 1 ? "second" : "first", n);
    }
    body += option_settings(options) + "plot ";
    for (std::size_t s = 0; s < series; ++s)
        body += fmt::format("{}{} using 2:{} {}with points pt {} ps 1.3 {} {}", s ? ", " : "",
                            gnuplot_file(file), s + 3, two_axes && s == 1 ? "axes x1y2 " : "",
                            s % 2 ? 9 : 7, line_colour(s + 1),
                            series_title(options, s, std::get<ResultsArg>(args[s + 1]).label));
    fig.body = body + "\n";
    return fig;
}

}  // namespace

const FigureEntry& scatter_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "scatter",
        "Results collected over a sweep against each other: the first on x, each further one a "
        "series of points.",
        {{"x", ArgKind::Results, "results for the x axis, e.g. precision.error_mean"},
         {"y", ArgKind::Results, "results drawn against x, e.g. geometry.participation_ratio",
          true}},
        {{"labels", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
          "write each point's member index beside it"},
         {"second_axis", ParamType::Bool, Value{true}, std::nullopt, std::nullopt, "",
          "with exactly two y results, draw the second on its own axis at the right"},
         {"panels", ParamType::Bool, Value{true}, std::nullopt, std::nullopt, "",
          "with three or more y results, one panel each sharing x (false: one shared axis)"}},
        draw_scatter, {}, kAllFigureOptions,
        [](std::size_t arguments) { return arguments > 0 ? arguments - 1 : 0; });
    return entry;
}

}  // namespace rnn::stdlib
