// Figures of an evaluation's trials against what they were drawn with (docs/figures.md):
// by_variable, the mean of a per-trial metric at each value of a trial variable (a
// psychometric curve: chose_1 against signed_coherence).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_inputs.hpp"
#include "stdlib/figures/figure_options.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

// The values of `name` in an evaluation's list, or an error naming what there is.
template <typename Found>
const Found& named_values(const Found* found, const std::string& what, const std::string& name,
                          const std::vector<std::string>& there, const EvaluationArg& ev) {
    if (found != nullptr)
        return *found;
    std::string list;
    for (const auto& n : there)
        list += (list.empty() ? "" : ", ") + n;
    throw std::runtime_error(fmt::format("by_variable: the evaluation '{}' has no {} '{}'{}",
                                         ev.label, what, name,
                                         list.empty() ? "" : " (it has: " + list + ")"));
}

const std::vector<double>& variable_values(const EvaluationArg& ev, const std::string& name) {
    std::vector<std::string> names;
    const std::vector<double>* found = nullptr;
    for (const auto& v : ev.variables) {
        names.push_back(v.name);
        if (v.name == name)
            found = &v.values;
    }
    return named_values(found, "trial variable", name, names, ev);
}

const std::vector<double>& metric_values(const EvaluationArg& ev, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& [n, v] : ev.per_trial)
        names.push_back(n);
    const auto it = ev.per_trial.find(name);
    return named_values(it == ev.per_trial.end() ? nullptr : &it->second, "metric", name, names,
                        ev);
}

// One row per group of trials: the group's mean x, the metric's mean, its standard error
// (0 for a group of one) and the number of trials. Trials whose x or metric is NaN (a catch
// trial's coherence) are left out. bins = 0: a group per distinct x; otherwise `bins`
// groups of equal width over x's range (empty ones left out).
arma::mat group_means(const std::vector<double>& x, const std::vector<double>& y,
                      arma::uword bins) {
    std::vector<std::pair<double, double>> points;
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i)
        if (!std::isnan(x[i]) && !std::isnan(y[i]))
            points.emplace_back(x[i], y[i]);
    if (points.empty())
        throw std::runtime_error("by_variable: no trial has both a value and a metric");
    std::sort(points.begin(), points.end());
    const double low = points.front().first, high = points.back().first;
    auto group = [&](double v) {
        if (bins == 0 || high <= low)
            return v;
        const auto k = std::min(static_cast<double>(bins) - 1.0,
                                std::floor((v - low) / (high - low) * static_cast<double>(bins)));
        return k;
    };
    std::vector<arma::rowvec> rows;
    for (std::size_t i = 0; i < points.size();) {
        std::size_t j = i;
        while (j < points.size() && group(points[j].first) == group(points[i].first))
            ++j;
        std::vector<double> xs, ys;
        for (std::size_t k = i; k < j; ++k) {
            xs.push_back(points[k].first);
            ys.push_back(points[k].second);
        }
        const auto [mean, se, n] = mean_spread(ys, true);
        rows.push_back({arma::mean(arma::vec(xs)), mean, se, n});
        i = j;
    }
    arma::mat out(rows.size(), 4);
    for (std::size_t r = 0; r < rows.size(); ++r)
        out.row(r) = rows[r];
    return out;
}

FigureScript draw_by_variable(const std::vector<ArgValue>& args, const Params& options,
                              const std::string& stem) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const std::string& x = options.text("x");
    const std::string& metric = options.text("metric");
    const arma::mat rows = group_means(variable_values(ev, x), metric_values(ev, metric),
                                       static_cast<arma::uword>(options.integer("bins")));
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data_table({x, metric + "_mean", metric + "_se", "trials"}, rows)});
    std::string body =
        fmt::format("set title {}\n",
                    figure_title(options, fmt::format("{}: {} against {}", ev.label, metric, x)));
    body += "set grid\n";
    body += "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";
    body += axis_labels(options, x, metric + " (mean +- s.e.)") + log_scales(options);
    body += series_key(options, 1, "top left");
    body += fmt::format("plot {} using 1:2:3 with yerrorlines pt 7 ps 1.2 {} {}\n",
                        gnuplot_file(file), line_colour(0), series_title(options, 0, metric));
    fig.body = body;
    return fig;
}

}  // namespace

const FigureEntry& by_variable_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "by_variable",
        "A per-trial metric of an evaluation against a variable its trials were drawn with: "
        "the metric's mean and standard error over the trials at each value (a psychometric "
        "curve: metric chose_1 against x signed_coherence).",
        {{"evaluation", ArgKind::Evaluation, "the evaluation whose trials are drawn, e.g. test"}},
        {ParamSpec{"x", ParamType::String, std::nullopt, std::nullopt, std::nullopt, "",
                   "the trial variable on the x axis (the task's variables, docs/tasks.md)"}
             .refers_to(TaskRef::Variable),
         ParamSpec{"metric", ParamType::String, std::nullopt, std::nullopt, std::nullopt, "",
                   "the task's metric averaged at each x, per trial (e.g. chose_1, "
                   "choice_accuracy)"}
             .refers_to(TaskRef::Metric),
         {"bins", ParamType::Integer, Value{0.0}, 0.0, 1000.0, "",
          "0: one point per distinct value of x (draw x from a list); N: N bins of equal width "
          "over x's range, each drawn at its trials' mean x (x drawn uniformly)"}},
        draw_by_variable, {}, kAllFigureOptions, one_series);
    return entry;
}

}  // namespace rnn::stdlib
