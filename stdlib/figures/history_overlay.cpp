#include "stdlib/figures/history_overlay.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/figures/figure_files.hpp"
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
    arma::mat rows(epochs, 1 + trainings.size());
    rows.fill(arma::datum::nan);
    for (std::size_t e = 0; e < epochs; ++e)
        rows(e, 0) = static_cast<double>(e + 1);
    for (std::size_t k = 0; k < trainings.size(); ++k) {
        const std::size_t col = column_of(trainings[k], metric);
        const auto& h = trainings[k].history.rows;
        for (std::size_t e = 0; e < h.size(); ++e)
            rows(e, 1 + k) = col < h[e].size() ? h[e][col] : arma::datum::nan;
    }
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data_table(columns, rows)});
    const std::string of = trainings.size() == 1 ? trainings.front().label
                                                 : fmt::format("{} trainings", trainings.size());
    std::string body =
        fmt::format("set title {}\n", figure_title(options, fmt::format("{} of {}", metric, of)));
    body += fmt::format("set grid\nset datafile missing 'NaN'\nset xlabel 'epoch'\nset ylabel {}\n",
                        gnuplot_quote(metric));
    body += trainings.size() > 1 ? "set key outside right\n" : "unset key\n";
    // Validation columns hold a value every few epochs only: points, joined.
    const std::string style = metric.starts_with("val") ? "linespoints pt 7 ps 0.6" : "lines";
    const std::vector<std::string> legends = overlay_legends(trainings);
    body += "plot ";
    for (std::size_t k = 0; k < trainings.size(); ++k)
        body += fmt::format("{}{} using 1:{} with {} lw 1.5 {} title {}", k ? ", " : "",
                            gnuplot_file(file), k + 2, style, line_colour(k + 1),
                            gnuplot_quote(legends[k]));
    fig.body = body + "\n";
    return fig;
}

}  // namespace rnn::stdlib
