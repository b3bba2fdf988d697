#include "stdlib/figures/history_overlay.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_options.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

// The column `metric` of a history; an error listing its columns when it has none.
std::size_t column_of(const TrainingArg& t, const std::string& metric) {
    const auto& cols = t.history.columns;
    const auto it = std::find(cols.begin(), cols.end(), metric);
    if (it == cols.end()) {
        std::string list;
        for (const auto& c : cols)
            list += (list.empty() ? "" : ", ") + c;
        throw std::runtime_error(
            fmt::format("history: the history of '{}' has no column '{}' "
                        "(it has: {})",
                        t.label, metric, list));
    }
    return static_cast<std::size_t>(it - cols.begin());
}

}  // namespace

std::vector<std::vector<double>> moving_average(const std::vector<std::vector<double>>& rows,
                                                std::size_t window) {
    std::vector<std::vector<double>> out = rows;
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 1; c < rows[r].size(); ++c) {
            if (std::isnan(rows[r][c]))
                continue;
            double sum = 0.0;
            std::size_t n = 0;
            for (std::size_t k = r + 1 > window ? r + 1 - window : 0; k <= r; ++k)
                if (c < rows[k].size() && !std::isnan(rows[k][c])) {
                    sum += rows[k][c];
                    ++n;
                }
            out[r][c] = sum / static_cast<double>(n);
        }
    return out;
}

std::vector<std::string> overlay_legends(const std::vector<TrainingArg>& trainings) {
    // A loop variable names the members only where its value differs between them.
    std::vector<std::string> varying;
    for (const auto& t : trainings)
        for (const auto& l : t.loops)
            for (const auto& u : trainings)
                for (const auto& other : u.loops)
                    if (other.variable == l.variable && other.text != l.text
                        && std::find(varying.begin(), varying.end(), l.variable) == varying.end())
                        varying.push_back(l.variable);
    std::vector<std::string> out;
    for (const auto& t : trainings) {
        std::vector<LoopValue> shown;
        for (const auto& l : t.loops)
            if (std::find(varying.begin(), varying.end(), l.variable) != varying.end())
                shown.push_back(l);
        out.push_back(shown.empty() ? t.label : loop_values_text(shown));
    }
    return out;
}

FigureScript draw_history_overlay(const std::vector<ArgValue>& args, const Params& options,
                                  const std::string& stem) {
    std::vector<TrainingArg> trainings;
    for (const auto& a : args)
        trainings.push_back(std::get<TrainingArg>(a));
    const std::string metric =
        options.has("metric") ? options.text("metric") : std::string(kOverlayDefaultMetric);
    std::size_t epochs = 0;
    std::vector<std::string> columns = {"epoch"};
    for (const auto& t : trainings) {
        epochs = std::max(epochs, t.history.rows.size());
        columns.push_back(t.label);
    }
    std::vector<std::vector<double>> rows(
        epochs, std::vector<double>(1 + trainings.size(), arma::datum::nan));
    for (std::size_t e = 0; e < epochs; ++e)
        rows[e][0] = static_cast<double>(e + 1);
    for (std::size_t k = 0; k < trainings.size(); ++k) {
        const std::size_t col = column_of(trainings[k], metric);
        const auto& h = trainings[k].history.rows;
        for (std::size_t e = 0; e < h.size(); ++e)
            rows[e][1 + k] = col < h[e].size() ? h[e][col] : arma::datum::nan;
    }
    const auto smooth = static_cast<std::size_t>(options.integer("smooth"));
    // A first epoch past the last drawn (an early stop) draws the last one.
    const long from = std::min(options.integer("from_epoch"),
                               static_cast<long>(std::max<std::size_t>(epochs, 1)));
    arma::mat table(epochs, 1 + trainings.size());
    const auto drawn = moving_average(rows, smooth);
    for (std::size_t e = 0; e < epochs; ++e)
        for (std::size_t k = 0; k <= trainings.size(); ++k)
            table(e, k) = drawn[e][k];
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data_table(columns, table)});
    const std::string of = trainings.size() == 1 ? trainings.front().label
                                                 : fmt::format("{} trainings", trainings.size());
    const std::string what =
        smooth > 1 ? fmt::format("{} (moving average over {} epochs)", metric, smooth) : metric;
    std::string body =
        fmt::format("set title {}\n", figure_title(options, fmt::format("{} of {}", what, of)));
    body += "set grid\nset datafile missing 'NaN'\n" + axis_labels(options, "epoch", metric);
    body += fmt::format("set xrange [{}:*]\n", from);
    body += series_key(options, trainings.size(), "outside right") + log_scales(options);
    // Validation columns hold a value every few epochs only: points, joined.
    const std::string style = metric.starts_with("val") ? "linespoints pt 7 ps 0.6" : "lines";
    const std::vector<std::string> legends = overlay_legends(trainings);
    body += "plot ";
    for (std::size_t k = 0; k < trainings.size(); ++k)
        // Past the palette's eight colours, lines repeat them dashed.
        body += fmt::format("{}{} using 1:{} with {} lw 1.5 {} dt {} {}", k ? ", " : "",
                            gnuplot_file(file), k + 2, style, line_colour(k + 1),
                            1 + (k + 1) / okabe_ito.size(), series_title(options, k, legends[k]));
    fig.body = body + "\n";
    return fig;
}

}  // namespace rnn::stdlib
