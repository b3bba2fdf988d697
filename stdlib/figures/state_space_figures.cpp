// Figures of an evaluation's state space (docs/figures.md): trial trajectories on the
// principal components of the activity, the speed of the trial average, and the fixed
// points of a fixed_points analysis among the trajectories.
#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/analyses/pca.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_inputs.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

// ---- principal-component axes ----------------------------------------------------------

std::string pc_label(const Pca& p, arma::uword i) {
    return fmt::format("PC{} ({:.1f} % var.)", i + 1, 100.0 * p.explained_variance_ratio(i));
}

std::string pc_axes(const Pca& p, arma::uword k) {
    std::string out = fmt::format("set xlabel {}\nset ylabel {}\n", gnuplot_quote(pc_label(p, 0)),
                                  gnuplot_quote(pc_label(p, 1)));
    if (k == 3)
        out += fmt::format("set zlabel {} rotate parallel\n", gnuplot_quote(pc_label(p, 2)));
    return out;
}

// `using` columns for the PCs that start at column `first` (1-based).
std::string pc_using(arma::uword first, arma::uword k) {
    return k == 3 ? fmt::format("{}:{}:{}", first, first + 1, first + 2)
                  : fmt::format("{}:{}", first, first + 1);
}

std::vector<std::string> pc_columns(arma::uword k) {
    std::vector<std::string> out;
    for (arma::uword i = 0; i < k; ++i)
        out.push_back(fmt::format("pc{}", i + 1));
    return out;
}

// ---- pca_trajectories(evaluation) ----------------------------------------------------------

// The legend of the trials whose label `by` is `group`: a quantity (coherence) by its value,
// as its label is only the value's rank; a category by its number.
std::string group_legend(const EvaluationArg& ev, const std::string& by,
                         const std::vector<long>& label, long group) {
    for (const auto& v : ev.variables)
        if (v.name == by && !v.category)
            for (std::size_t r = 0; r < label.size() && r < v.values.size(); ++r)
                if (label[r] == group)
                    return fmt::format("{} = {:g}", by, v.values[r]);
    return fmt::format("{} {}", by, group);
}

FigureScript draw_pca_trajectories(const std::vector<ArgValue>& args, const Params& options,
                                   const std::string& stem) {
    const std::string figure = "pca_trajectories";
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const Window w = activity_window(ev, options, figure);
    const arma::uword k = components_option(options, ev.activity.n_cols, figure);
    const Pca p = pca(all_states(ev, w));
    const std::string& by = options.text("color_by");
    const auto found = ev.labels.find(by);
    if (found == ev.labels.end()) {
        std::string names;
        for (const auto& [name, values] : ev.labels)
            names += (names.empty() ? "" : ", ") + name;
        throw std::runtime_error(fmt::format("{}: '{}' has no trial label '{}' (it has: {})",
                                             figure, ev.label, by, names));
    }
    const std::vector<long>& label = found->second;
    if (label.size() != ev.activity.n_rows)
        throw std::runtime_error(fmt::format("{}: label '{}' of '{}' has {} values for {} trials",
                                             figure, by, ev.label, label.size(),
                                             ev.activity.n_rows));
    // Single trials (the first `trials`), or with `average` one mean trajectory per label
    // value over every trial (condition averages; trials without a value left out).
    const bool average = options.flag("average");
    const auto drawn =
        average ? ev.activity.n_rows
                : std::min<arma::uword>(ev.activity.n_rows,
                                        static_cast<arma::uword>(options.integer("trials")));
    std::set<long> values(label.begin(), label.begin() + static_cast<long>(drawn));
    if (average)
        values.erase(-1);

    // One block (gnuplot index) per trial, the trials of one label value consecutive, so a
    // group is the index range first:last. (Trials as scans of one block would be joined
    // across by splot, which draws a block of equal scans as a surface mesh.)
    std::vector<std::string> columns = {"trial", "step", by};
    for (const auto& c : pc_columns(k))
        columns.push_back(c);
    std::string data = data_header(columns);
    std::size_t block = 0;
    std::vector<std::pair<std::size_t, std::size_t>> groups;  // first and last block
    auto write_block = [&](double trial, long v, const arma::mat& states) {
        if (block)
            data += "\n\n";
        groups.back().second = block++;
        const arma::mat y = project(p, states, k);
        arma::mat rows(y.n_rows, 3 + k);
        rows.col(0).fill(trial);
        rows.col(1) =
            arma::regspace<arma::vec>(static_cast<double>(w.from), static_cast<double>(w.to - 1));
        rows.col(2).fill(static_cast<double>(v));
        rows.cols(3, 2 + k) = y;
        data += data_rows(rows);
    };
    for (const long v : values) {
        groups.emplace_back(block, block);
        arma::mat sum;
        double count = 0.0;
        for (arma::uword r = 0; r < drawn; ++r) {
            if (label[r] != v)
                continue;
            if (!average) {
                write_block(static_cast<double>(r), v, trial_states(ev, w, r));
                continue;
            }
            sum = count > 0.0 ? arma::mat(sum + trial_states(ev, w, r)) : trial_states(ev, w, r);
            count += 1.0;
        }
        if (average)
            write_block(-1.0, v, sum / count);  // "trial" -1: the group's mean
    }
    const std::string file = data_file(stem, "");
    FigureScript fig;
    fig.data.push_back({file, data});

    const arma::mat mean = project(p, mean_states(ev, w), k);
    arma::mat mean_rows(mean.n_rows, 1 + k);
    mean_rows.col(0) =
        arma::regspace<arma::vec>(static_cast<double>(w.from), static_cast<double>(w.to - 1));
    mean_rows.cols(1, k) = mean;
    std::vector<std::string> step_pcs = {"step"};
    for (const auto& c : pc_columns(k))
        step_pcs.push_back(c);
    const std::string mean_file = data_file(stem, "_mean");
    fig.data.push_back({mean_file, data_table(step_pcs, mean_rows)});

    // A marker where each period starts, on the trial average.
    std::string labels;
    std::vector<arma::uword> starts;
    int n = 1;
    for (const auto& period : ev.periods) {
        if (period.begin < w.from || period.begin >= w.to)
            continue;
        const arma::uword row = period.begin - w.from;
        starts.push_back(row);
        std::string at = fmt::format("{:.9g},{:.9g}", mean(row, 0), mean(row, 1));
        if (k == 3)
            at += fmt::format(",{:.9g}", mean(row, 2));
        labels += fmt::format("set label {} {} at {} offset 1,1 front\n", n++,
                              gnuplot_quote(period.name), at);
    }
    const std::string periods_file = data_file(stem, "_periods");
    fig.data.push_back({periods_file, data_table(step_pcs, mean_rows.rows(arma::uvec(starts)))});

    std::string body = fmt::format("set title {}\n",
                                   figure_title(options, "state space of " + ev.label + " (PCA)"));
    body += "set grid\nset key outside right\n" + pc_axes(p, k) + labels + option_settings(options);
    body += k == 3 ? "splot " : "plot ";
    const std::string cols = pc_using(4, k);
    std::size_t group = 0;
    for (const long v : values) {
        body += fmt::format("{} index {}:{} using {} with lines {} lw {} {}, ", gnuplot_file(file),
                            groups[group].first, groups[group].second, cols, line_colour(group + 1),
                            average ? 2 : 1,
                            series_title(options, group, group_legend(ev, by, label, v)));
        ++group;
    }
    body += fmt::format("{} using {} with lines lc rgb '#000000' lw 3 title 'trial average'",
                        gnuplot_file(mean_file), pc_using(2, k));
    if (!starts.empty())
        body += fmt::format(
            ", {} using {} with points pt 7 ps 1.5 lc rgb '#000000' title 'period start'",
            gnuplot_file(periods_file), pc_using(2, k));
    fig.body = body + "\n";
    return fig;
}

// ---- speed(evaluation) ------------------------------------------------------------------

FigureScript draw_speed(const std::vector<ArgValue>& args, const Params& options,
                        const std::string& stem) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const Window w = activity_window(ev, options, "speed");
    if (w.steps() < 2)
        throw std::runtime_error(
            fmt::format("speed: the window of '{}' holds one step; a speed needs two", ev.label));
    const arma::vec v = trajectory_speed(mean_states(ev, w));
    arma::mat rows(v.n_elem, 2);
    rows.col(0) =
        arma::regspace<arma::vec>(static_cast<double>(w.from), static_cast<double>(w.to - 2));
    rows.col(1) = v;
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data_table({"step", "speed"}, rows)});
    std::string body = fmt::format("set title {}\n", figure_title(options, "speed of " + ev.label));
    body += "set grid\nset key outside right\nset xlabel 'step'\n";
    body += "set ylabel 'speed |Δ mean activity| per step'\n";
    body += period_marks(ev.periods);
    // Entry t is the move from step t to t + 1: the last is at to - 2.
    body += fmt::format("set xrange [{}:{}]\nset yrange [0:*]\nset offsets 0, 0, graph 0.1, 0\n",
                        w.from, std::max(w.to - 2, w.from + 1));
    body += option_settings(options);
    body += fmt::format("plot {} using 1:2 with lines {} lw 2 {}\n", gnuplot_file(file),
                        line_colour(0), series_title(options, 0, "trial average"));
    fig.body = body;
    return fig;
}

// ---- fixed_points(analysis, evaluation) -------------------------------------------------

FigureScript draw_fixed_points(const std::vector<ArgValue>& args, const Params& options,
                               const std::string& stem) {
    const std::string figure = "fixed_points";
    const auto& an = std::get<AnalysisArg>(args.at(0));
    const auto& ev = std::get<EvaluationArg>(args.at(1));
    const arma::mat points = arma::conv_to<arma::mat>::from(array_of(an, "points", figure, figure));
    const arma::vec stable = vector_of(an, "stable", figure, figure);
    const arma::vec radius = vector_of(an, "spectral_radius", figure, figure);
    const Window w = activity_window(ev, options, figure);
    const arma::uword k = components_option(options, ev.activity.n_cols, figure);
    if (stable.n_elem != points.n_rows || radius.n_elem != points.n_rows
        || (points.n_rows > 0 && points.n_cols != ev.activity.n_cols))
        throw std::runtime_error(fmt::format(
            "{}: '{}' has {} x {} points, {} stability flags and {} spectral radii for an activity "
            "of {} units",
            figure, an.label, points.n_rows, points.n_cols, stable.n_elem, radius.n_elem,
            ev.activity.n_cols));
    const Pca p = pca(all_states(ev, w));
    const auto drawn = std::min<arma::uword>(ev.activity.n_rows,
                                             static_cast<arma::uword>(options.integer("trials")));
    std::vector<std::string> columns = {"trial", "step"};
    for (const auto& c : pc_columns(k))
        columns.push_back(c);
    std::string data = data_header(columns);
    for (arma::uword r = 0; r < drawn; ++r) {
        arma::mat rows(w.steps(), 2 + k);
        rows.col(0).fill(static_cast<double>(r));
        rows.col(1) =
            arma::regspace<arma::vec>(static_cast<double>(w.from), static_cast<double>(w.to - 1));
        rows.cols(2, 1 + k) = project(p, trial_states(ev, w, r), k);
        // Two blank lines: each trial its own data set, which splot draws as a line rather
        // than joining equal scans of one set into a mesh.
        data += (r ? "\n\n" : "") + data_rows(rows);
    }
    FigureScript fig;
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data});
    arma::mat rows(points.n_rows, 3 + k);
    if (points.n_rows > 0) {
        rows.col(0) = arma::regspace<arma::vec>(0.0, static_cast<double>(points.n_rows - 1));
        rows.col(1) = stable;
        rows.col(2) = radius;
        rows.cols(3, 2 + k) = project(p, points, k);
    }
    std::vector<std::string> point_columns = {"point", "stable", "spectral_radius"};
    for (const auto& c : pc_columns(k))
        point_columns.push_back(c);
    const std::string points_file = data_file(stem, "_points");
    fig.data.push_back({points_file, data_table(point_columns, rows)});
    const auto n_stable = static_cast<arma::uword>(arma::accu(stable > 0.5));

    std::string body = fmt::format(
        "set title {}\n", figure_title(options, "fixed points of " + an.label + " in " + ev.label));
    body += "set grid\nset key outside right\n" + pc_axes(p, k) + option_settings(options);
    body += k == 3 ? "splot " : "plot ";
    body += fmt::format("{} using {} with lines lc rgb '#999999' lw 0.8 title 'trials'",
                        gnuplot_file(file), pc_using(3, k));
    // Column 2 selects: a point's PC2 (PC3 in 3-D) is NaN, so not drawn, in the other set.
    const std::string head = k == 3 ? "4:5" : "4";
    const std::string last = k == 3 ? "6" : "5";
    if (n_stable > 0)
        body += fmt::format(
            ", {} using {}:($2 > 0.5 ? ${} : NaN) with points pt 7 ps 1.6 {} title 'stable'",
            gnuplot_file(points_file), head, last, line_colour(5));
    if (n_stable < points.n_rows)
        body += fmt::format(
            ", {} using {}:($2 > 0.5 ? NaN : ${}) with points pt 6 ps 1.6 lw 2 {} title "
            "'unstable'",
            gnuplot_file(points_file), head, last, line_colour(6));
    fig.body = body + "\n";
    return fig;
}

}  // namespace

const FigureEntry& pca_trajectories_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "pca_trajectories",
        "Trial trajectories of an evaluation's activity on its first principal components, "
        "coloured by a trial label, with the trial average and its period starts.",
        {activity_arg("an evaluate definition, e.g. test")},
        {window_from(),
         window_to(),
         components_param("principal components drawn: 2, or 3 for a 3-D plot"),
         {"trials", ParamType::Integer, Value{20.0}, 1.0, 1e6, "trials",
          "how many trials to draw (the first ones)"},
         ParamSpec{"color_by", ParamType::String, Value{std::string("condition")}, std::nullopt,
                   std::nullopt, "", "the trial label that colours the trajectories, e.g. item1"}
             .refers_to(TaskRef::TrialLabel),
         {"average", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
          "draw one mean trajectory per value of color_by, over every trial (condition "
          "averages, as Mante et al. 2013), instead of the first `trials` single trials"},
         state_offset()},
        draw_pca_trajectories, {{"", "_mean", "_periods"}, false}, kAxisLabels | kLegend);
    return entry;
}

const FigureEntry& speed_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "speed",
        "Speed of the trial-averaged activity of an evaluation, |mean(t+1) - mean(t)| per "
        "step, with the task's periods marked.",
        {activity_arg("an evaluate definition, e.g. test")},
        {window_from(), window_to(), state_offset()}, draw_speed, {}, kAllFigureOptions,
        one_series);
    return entry;
}

const FigureEntry& fixed_points_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "fixed_points",
        "Fixed points of a fixed_points analysis, stable and unstable, on the principal "
        "components of an evaluation's activity, over some of its trial trajectories.",
        {analysis_arg("analysis", "fixed_points", "a fixed_points analysis"),
         activity_arg("an evaluate definition of the same network, e.g. test")},
        {components_param("principal components drawn: 2, or 3 for a 3-D plot"),
         {"trials", ParamType::Integer, Value{10.0}, 0.0, 1e6, "trials",
          "how many trial trajectories to draw (the first ones)"}},
        draw_fixed_points, {{"", "_points"}, false}, kAxisLabels | kLegend);
    return entry;
}

}  // namespace rnn::stdlib
