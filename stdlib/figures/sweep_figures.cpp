// Figures of results collected over a sweep (docs/figures.md): one quantity against
// others, one point per member (scatter), or against a loop variable of the sweep, with
// the mean and spread over another (curve).
#include <algorithm>
#include <cmath>
#include <map>
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

// ---- curve(results, over: n, mean_over: s) ---------------------------------------------

// Up to this many values of a numeric loop variable are each a tick of the x axis.
constexpr std::size_t kMaxValueTicks = 12;

// The value of `variable` for one member; an error naming the member when it has none
// (the checker lets only loop variables common to every member through).
const LoopValue& loop_value_of(const ResultsArg& r, std::size_t member,
                               const std::string& variable) {
    if (member < r.loops.size())
        for (const auto& l : r.loops[member])
            if (l.variable == variable)
                return l;
    throw std::runtime_error(
        fmt::format("curve: member {} of '{}' has no loop variable '{}'",
                    member < r.members.size() ? r.members[member] : std::to_string(member + 1),
                    r.label, variable));
}

// The results of a curve arranged for drawing: one row per value of `over` (ascending when
// every value is a number, else in the sweep's order), one series per combination of the
// other loop variables (neither over nor mean_over), and in each cell the values of the
// members that fall there (one, or one per value of mean_over).
struct CurveData {
    bool numeric = true;
    std::vector<std::string> x_text;
    std::vector<double> x;
    std::vector<std::string> series;  // legends, "act = tanh"; one "" without other variables
    std::vector<std::vector<std::vector<double>>> cells;  // [x][series] -> values
};

CurveData curve_data(const ResultsArg& r, const std::string& over, const std::string& mean_over) {
    CurveData d;
    std::vector<std::size_t> row_of, series_of;
    std::map<std::string, std::size_t> x_at, series_at;  // text -> position, as first seen
    for (std::size_t m = 0; m < r.values.size(); ++m) {
        const LoopValue& at = loop_value_of(r, m, over);
        d.numeric = d.numeric && at.number.has_value();
        if (x_at.emplace(at.text, d.x_text.size()).second) {
            d.x_text.push_back(at.text);
            d.x.push_back(at.number.value_or(0.0));
        }
        row_of.push_back(x_at.at(at.text));
        std::vector<LoopValue> rest = m < r.loops.size() ? r.loops[m] : std::vector<LoopValue>{};
        std::erase_if(rest, [&](const LoopValue& l) {
            return l.variable == over || l.variable == mean_over;
        });
        const std::string legend = loop_values_text(rest);
        if (series_at.emplace(legend, d.series.size()).second)
            d.series.push_back(legend);
        series_of.push_back(series_at.at(legend));
    }
    std::vector<std::size_t> order(d.x.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    if (d.numeric)
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return d.x[a] < d.x[b]; });
    std::vector<std::size_t> rank(order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        rank[order[i]] = i;
    std::vector<std::string> text(order.size());
    std::vector<double> x(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        text[i] = d.x_text[order[i]];
        x[i] = d.numeric ? d.x[order[i]] : static_cast<double>(i + 1);
    }
    d.x_text = std::move(text);
    d.x = std::move(x);
    d.cells.assign(d.x.size(), std::vector<std::vector<double>>(d.series.size()));
    for (std::size_t m = 0; m < r.values.size(); ++m)
        if (std::isfinite(r.values[m]))
            d.cells[rank[row_of[m]]][series_of[m]].push_back(r.values[m]);
    return d;
}

// The data file: the x value (a category's position for text values), then per series its
// value, or with mean_over its mean, spread and count.
std::string curve_table(const CurveData& d, const std::string& over, bool averaged,
                        bool standard_error) {
    std::vector<std::string> columns = {over};
    for (const auto& s : d.series) {
        const std::string name = s.empty() ? std::string("value") : column_name(s);
        if (averaged)
            for (const char* part : {"_mean", standard_error ? "_sem" : "_std", "_n"})
                columns.push_back(name + part);
        else
            columns.push_back(name);
    }
    const arma::uword per = averaged ? 3 : 1;
    arma::mat rows(d.x.size(), 1 + per * d.series.size());
    for (std::size_t i = 0; i < d.x.size(); ++i) {
        rows(i, 0) = d.x[i];
        for (std::size_t s = 0; s < d.series.size(); ++s) {
            const auto sum = mean_spread(d.cells[i][s], standard_error);
            for (arma::uword k = 0; k < per; ++k)
                rows(i, 1 + per * s + k) = sum[k];
        }
    }
    std::string text;
    if (!d.numeric) {  // which category each position stands for
        text = "# " + column_name(over) + " values:";
        for (std::size_t i = 0; i < d.x_text.size(); ++i)
            text += fmt::format(" {}={}", i + 1, column_name(d.x_text[i]));
        text += "\n";
    }
    return text + data_table(columns, rows);
}

// One series' plot clause: points and lines (numeric x) or points (categories), with error
// bars or a band for the spread when averaged; categories' series side by side.
std::string curve_series(const CurveData& d, const std::string& file, std::size_t s, bool averaged,
                         bool band, const std::string& title) {
    const std::size_t per = averaged ? 3 : 1;
    const std::size_t y = 2 + per * s;
    const std::string colour = line_colour(s + 1);
    const double shift =
        d.numeric
            ? 0.0
            : 0.08 * (static_cast<double>(s) - 0.5 * static_cast<double>(d.series.size() - 1));
    const std::string x = shift == 0.0 ? "1" : fmt::format("($1{:+.3g})", shift);
    const std::string style = d.numeric ? "linespoints" : "points";
    if (!averaged)
        return fmt::format("{} using {}:{} with {} pt 7 ps 1.2 lw 1.5 {} {}", gnuplot_file(file), x,
                           y, style, colour, title);
    if (band && d.numeric)
        return fmt::format(
            "{0} using 1:(${1}-${2}):(${1}+${2}) with filledcurves fs transparent solid 0.2 "
            "noborder {3} notitle, {0} using 1:{1} with linespoints pt 7 ps 1.2 lw 1.5 {3} {4}",
            gnuplot_file(file), y, y + 1, colour, title);
    return fmt::format("{} using {}:{}:{} with {} pt 7 ps 1.2 lw 1.5 {} {}", gnuplot_file(file), x,
                       y, y + 1, d.numeric ? "yerrorlines" : "yerrorbars", colour, title);
}

FigureScript draw_curve(const std::vector<ArgValue>& args, const Params& options,
                        const std::string& stem) {
    const auto& r = std::get<ResultsArg>(args.at(0));
    const std::string& over = options.text("over");
    const std::string mean_over = options.has("mean_over") ? options.text("mean_over") : "";
    const bool averaged = !mean_over.empty();
    const bool standard_error = options.text("spread") == "sem";
    if (r.values.empty())
        throw std::runtime_error(fmt::format("curve: '{}' holds no results to draw", r.label));
    const CurveData d = curve_data(r, over, mean_over);
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, curve_table(d, over, averaged, standard_error)});
    std::string body =
        fmt::format("set title {}\n", figure_title(options, r.label + " against " + over));
    body += "set grid\nset datafile missing 'NaN'\n";
    body += axis_labels(options, over,
                        averaged ? fmt::format("{} (mean and {} over {})", r.label,
                                               standard_error ? "s.e.m." : "s.d.", mean_over)
                                 : r.label);
    body += series_key(options, d.series.size(), "outside right") + log_scales(options);
    if (d.numeric) {
        body += "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n";
        // A few values are the sweep's own ticks (8, 16, 32, 64 rather than 10, 100); on a log
        // axis the range stays near them instead of widening to whole decades.
        if (d.x.size() <= kMaxValueTicks) {
            body += "set xtics (";
            for (std::size_t i = 0; i < d.x.size(); ++i)
                body += fmt::format("{}{:.9g}", i ? ", " : "", d.x[i]);
            body += ")\n";
        }
        if (log_x(options) && !d.x.empty() && d.x.front() > 0.0)
            body +=
                fmt::format("set xrange [{:.9g}:{:.9g}]\n", d.x.front() / 1.25, d.x.back() * 1.25);
    } else {
        body += fmt::format("set xrange [0.5:{}]\nset xtics (", d.x.size() + 0.5);
        for (std::size_t i = 0; i < d.x_text.size(); ++i)
            body += fmt::format("{}{} {}", i ? ", " : "", gnuplot_quote(d.x_text[i]), i + 1);
        body += ")\nset offsets 0, 0, graph 0.05, graph 0.05\n";
    }
    body += "plot ";
    for (std::size_t s = 0; s < d.series.size(); ++s)
        body +=
            (s ? ", " : "")
            + curve_series(d, file, s, averaged, options.flag("band"),
                           series_title(options, s, d.series[s].empty() ? r.label : d.series[s]));
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

const FigureEntry& curve_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "curve",
        "Results collected over a sweep against one of its loop variables: one point per value "
        "(a numeric axis for numbers, a category each for names), the mean and spread over "
        "another loop variable with mean_over, and a series per value of the others.",
        {{"results", ArgKind::Results, "the results of a sweep family, e.g. test.accuracy_mean"}},
        {{"over", ParamType::LoopVariable, std::nullopt, std::nullopt, std::nullopt, "",
          "the loop variable on the x axis, e.g. n"},
         [] {
             ParamSpec p{"mean_over",
                         ParamType::LoopVariable,
                         std::nullopt,
                         std::nullopt,
                         std::nullopt,
                         "",
                         "a loop variable to average over (e.g. seeds): each point is the mean, "
                         "with the spread drawn"};
             p.optional = true;
             return p;
         }(),
         {"spread",
          ParamType::Choice,
          Value{std::string("std")},
          std::nullopt,
          std::nullopt,
          "",
          "with mean_over: the standard deviation (ddof 1) or the standard error of the mean",
          {"std", "sem"}},
         {"band", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
          "with mean_over and a numeric axis: a shaded band instead of error bars"}},
        draw_curve);
    return entry;
}

}  // namespace rnn::stdlib
