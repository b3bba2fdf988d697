// The first figures: training history, heat maps of matrices, and signal trajectories of
// an evaluation (seed 000's three figures).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_options.hpp"
#include "stdlib/figures/gnuplot.hpp"
#include "stdlib/figures/history_overlay.hpp"

namespace rnn::stdlib {

namespace {

// The history's table from epoch `from`: epoch, every column, and with smoothing each
// column's moving average after them (<name>_smoothed).
std::string history_table(const History& h, long from, std::size_t smooth) {
    std::vector<std::string> columns = h.columns;
    if (smooth > 1)
        for (std::size_t i = 1; i < h.columns.size(); ++i)
            columns.push_back(h.columns[i] + "_smoothed");
    const auto smoothed = moving_average(h.rows, smooth);
    std::string data = data_header(columns);
    for (std::size_t r = 0; r < h.rows.size(); ++r) {
        const auto& row = h.rows[r];
        if (!row.empty() && row[0] < static_cast<double>(from))
            continue;
        for (std::size_t i = 0; i < row.size(); ++i)
            data += fmt::format("{}{:.9g}", i ? " " : "", row[i]);
        if (smooth > 1)
            for (std::size_t i = 1; i < row.size(); ++i)
                data += fmt::format(" {:.9g}", smoothed[r][i]);
        data += "\n";
    }
    return data;
}

// Whether column `c` of the history holds a value above 0 from epoch `from` on.
bool any_positive(const History& h, std::size_t c, long from) {
    for (const auto& row : h.rows)
        if (c < row.size() && row[0] >= static_cast<double>(from) && row[c] > 0.0)
            return true;
    return false;
}

// history(fit): every loss term and every metric per epoch, in two panels; with `smooth`
// each series is its moving average over that many epochs, the raw values faint behind it.
// One metric of one training, or of every member of a family, in one (history_overlay.hpp).
FigureScript draw_history(const std::vector<ArgValue>& args, const Params& options,
                          const std::string& stem) {
    if (args.size() > 1 || options.has("metric"))
        return draw_history_overlay(args, options, stem);
    const auto& train = std::get<TrainingArg>(args.at(0));
    const History& h = train.history;
    FigureScript fig;
    fig.height = 800;
    const auto smooth = static_cast<std::size_t>(options.integer("smooth"));
    const std::string file = data_file(stem, "");
    // A first epoch past the training's last (it stopped early) draws the last one.
    long from = options.integer("from_epoch");
    if (!h.rows.empty() && !h.rows.back().empty())
        from = std::min(from, static_cast<long>(h.rows.back()[0]));
    fig.data.push_back({file, history_table(h, from, smooth)});
    // Columns: epoch, then loss terms (names starting with "loss"), then metrics.
    std::vector<std::size_t> loss_cols, metric_cols;
    for (std::size_t i = 1; i < h.columns.size(); ++i)
        (h.columns[i].rfind("loss", 0) == 0 ? loss_cols : metric_cols).push_back(i);
    std::string body = fmt::format("set multiplot layout 2,1 title {}\n",
                                   figure_title(options, "training history of " + train.label));
    body +=
        "set grid\n" + axis_label(options, "x", "epoch") + key_placement(options, "outside right");
    body += fmt::format("set xrange [{}:*]\n", from);
    if (log_x(options))
        body += "set logscale x\n";
    std::size_t series = 0;
    // `shown[k]`: whether cols[k] is drawn (a log scale cannot draw a series without a value
    // above zero); the series keeps its number, so legend names and colours stay in order.
    auto plot_cols = [&](const std::vector<std::size_t>& cols, const std::vector<bool>& shown,
                         const std::string& ylabel) {
        body += ylabel;
        if (std::find(shown.begin(), shown.end(), true) == shown.end()) {
            series += cols.size();
            // A fixed y range: gnuplot refuses a plot of NaN alone over a half-open x range.
            body += fmt::format(
                "set label 1 {} at graph 0.5,0.5 center\nset yrange [0:1]\nplot "
                "NaN notitle\nunset label 1\nset autoscale y\n",
                cols.empty() ? "'nothing recorded'" : "'no value above 0'");
            return;
        }
        body += "plot ";
        bool first = true;
        for (std::size_t k = 0; k < cols.size(); ++k, ++series) {
            if (!shown[k])
                continue;
            const std::size_t column = cols[k] + 1;
            const std::string title = series_title(options, series, h.columns[cols[k]]);
            const char* comma = first ? "" : ", ";
            first = false;
            if (smooth <= 1) {
                body += fmt::format("{}{} using 1:{} with lines lw 1.5 {}", comma,
                                    gnuplot_file(file), column, title);
                continue;
            }
            // The raw values in the series' colour, mostly transparent, under the average.
            const std::string colour(okabe_ito[series % okabe_ito.size()].substr(1));
            body += fmt::format(
                "{}{} using 1:{} with lines lw 1 lc rgb '#B0{}' notitle, {} using 1:{} with "
                "lines lw 2 lc rgb '#{}' {}",
                comma, gnuplot_file(file), column, colour, gnuplot_file(file),
                column + h.columns.size() - 1, colour, title);
        }
        body += "\n";
    };
    // logy draws the loss panel on a log scale, without the terms that never rise above 0
    // (a loss such as -mean(overlap)); the metrics keep their linear scale.
    std::vector<bool> loss_shown(loss_cols.size(), true);
    std::string loss_axis = axis_label(options, "y", "loss");
    if (log_y(options)) {
        std::string left_out;
        for (std::size_t k = 0; k < loss_cols.size(); ++k) {
            loss_shown[k] = any_positive(h, loss_cols[k], from);
            if (!loss_shown[k])
                left_out += (left_out.empty() ? "" : ", ") + h.columns[loss_cols[k]];
        }
        // With no term to draw the panel says so, on a linear axis (gnuplot draws nothing on
        // a log one).
        if (std::find(loss_shown.begin(), loss_shown.end(), true) != loss_shown.end())
            loss_axis += "set logscale y\n";
        if (!left_out.empty())
            loss_axis +=
                fmt::format("set label 2 {} at graph 0.01,0.95 left\n",
                            gnuplot_quote("not on the log scale (no value above 0): " + left_out));
    }
    plot_cols(loss_cols, loss_shown, loss_axis);
    plot_cols(metric_cols, std::vector<bool>(metric_cols.size(), true),
              "unset label 2\nunset logscale y\nset ylabel 'metric'\n");
    body += "unset multiplot\n";
    fig.body = body;
    return fig;
}

// heatmap(A, B, ...): one panel per matrix, a diverging palette centred on zero.
FigureScript draw_heatmap(const std::vector<ArgValue>& args, const Params& options,
                          const std::string& stem) {
    FigureScript fig;
    fig.width = 520 * static_cast<int>(args.size());
    fig.height = 480;
    std::string body =
        fmt::format("set multiplot layout 1,{} title {}\n", args.size(), figure_title(options, ""));
    body += "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\n";
    body += "set size ratio -1\nunset key\nset tics out\n";
    for (std::size_t k = 0; k < args.size(); ++k) {
        const auto& m = std::get<MatrixArg>(args[k]);
        const std::string file = argument_data_file(stem, k);
        fig.data.push_back({file, data_rows(arma::conv_to<arma::mat>::from(m.value))});
        const double limit = std::max(1e-12, static_cast<double>(arma::abs(m.value).max()));
        body += fmt::format("set title {}\nset cbrange [{:.7g}:{:.7g}]\n", gnuplot_quote(m.label),
                            -limit, limit);
        body += fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", m.value.n_cols - 0.5,
                            m.value.n_rows - 0.5);
        body += "set xlabel 'column'\nset ylabel 'row'\n" + option_settings(options);
        body += fmt::format("plot {} matrix with image\n", gnuplot_file(file));
    }
    body += "unset multiplot\n";
    fig.body = body;
    return fig;
}

// trajectory(test): the evaluation's signal over time, one line per trial, periods shaded.
FigureScript draw_trajectory(const std::vector<ArgValue>& args, const Params& options,
                             const std::string& stem) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    FigureScript fig;
    std::string data = "# step";
    for (const auto& l : ev.trial_labels)
        data += " " + l;
    data += "\n";
    for (arma::uword t = 0; t < ev.values.n_cols; ++t) {
        data += fmt::format("{}", t);
        for (arma::uword r = 0; r < ev.values.n_rows; ++r)
            data += fmt::format(" {:.7g}", ev.values(r, t));
        data += "\n";
    }
    const std::string file = data_file(stem, "");
    fig.data.push_back({file, data});
    std::string body =
        fmt::format("set title {}\n", figure_title(options, ev.signal + " in " + ev.label));
    body += fmt::format("set grid\nset xlabel 'step'\nset ylabel {}\nset key outside right\n",
                        gnuplot_quote(ev.signal));
    // Signals in [0, 1] (overlaps, accuracies) are drawn on the whole unit range.
    if (ev.values.n_elem > 0 && ev.values.min() >= 0.0F && ev.values.max() <= 1.0F)
        body += "set yrange [0:1.05]\n";
    body += period_marks(ev.periods);
    const double from = options.real("from");
    const double to =
        options.real("to") > 0.0 ? options.real("to") : static_cast<double>(ev.values.n_cols);
    body += fmt::format("set xrange [{}:{}]\n", from, to);
    body += option_settings(options) + "plot ";
    for (arma::uword r = 0; r < ev.values.n_rows; ++r)
        body +=
            fmt::format("{}{} using 1:{} with lines lw 1.5 {}", r ? ", " : "", gnuplot_file(file),
                        r + 2, series_title(options, r, ev.trial_labels.at(r)));
    body += "\n";
    fig.body = body;
    return fig;
}

// The name of input row i of a trial: the task's (a paradigm's channel), else "input N".
std::string input_name(const TaskTrialArg& trial, arma::uword i) {
    return i < trial.input_names.size() ? trial.input_names[i] : fmt::format("input {}", i + 1);
}

// The rows of an input image named on its y axis, where the task names them and they are
// few enough to read (more would overlap: numbered tics then).
std::string input_tics(const TaskTrialArg& trial) {
    constexpr arma::uword kMostNamedRows = 24;
    if (trial.input_names.size() != trial.inputs.n_rows || trial.inputs.n_rows > kMostNamedRows)
        return "";
    std::string tics;
    for (arma::uword i = 0; i < trial.inputs.n_rows; ++i)
        tics += fmt::format("{}{} {}", i ? ", " : "", gnuplot_quote(trial.input_names[i]), i);
    return fmt::format("set ytics ({})\n", tics);
}

// One trial of a task: its inputs as an image (channel x step) above its targets and mask,
// with the task's periods marked on both.
FigureScript draw_trial(const std::vector<ArgValue>& args, const Params& options,
                        const std::string& stem) {
    const auto& trial = std::get<TaskTrialArg>(args.at(0));
    FigureScript fig;
    fig.height = trial.targets.empty() ? 420 : 720;
    const arma::uword steps = trial.inputs.n_cols;
    std::string inputs;
    for (arma::uword i = 0; i < trial.inputs.n_rows; ++i) {
        for (arma::uword t = 0; t < steps; ++t)
            inputs += fmt::format("{}{:.7g}", t ? " " : "", trial.inputs(i, t));
        inputs += "\n";
    }
    const std::string input_file = data_file(stem, "_inputs");
    fig.data.push_back({input_file, inputs});
    std::string periods;
    int object = 1;
    for (const auto& p : trial.periods) {
        // A period this trial does not have (a delay of 0 ms) would print its name over
        // the next one's.
        if (p.end <= p.begin)
            continue;
        // In front, or an input image hides them.
        periods += fmt::format(
            "set arrow {} from {},graph 0 to {},graph 1 nohead front dt 2 lc rgb "
            "'#777777'\n",
            object, static_cast<double>(p.begin) - 0.5, static_cast<double>(p.begin) - 0.5);
        periods += fmt::format("set label {} {} at {},graph 1.03 left font ',9'\n", object,
                               gnuplot_quote(p.name), static_cast<double>(p.begin));
        ++object;
    }
    std::string body =
        fmt::format("set multiplot layout {},1 title {}\n", trial.targets.empty() ? 1 : 2,
                    figure_title(options, "one trial of " + trial.label));
    body += periods;
    const std::string settings = option_settings(options);
    if (trial.inputs.n_rows <= 4) {
        // Few channels (a pulse): one line each reads better than an image.
        std::string lines = "# step";
        for (arma::uword i = 0; i < trial.inputs.n_rows; ++i)
            lines += fmt::format(" input{}", i + 1);
        lines += "\n";
        for (arma::uword t = 0; t < steps; ++t) {
            lines += fmt::format("{}", t);
            for (arma::uword i = 0; i < trial.inputs.n_rows; ++i)
                lines += fmt::format(" {:.7g}", trial.inputs(i, t));
            lines += "\n";
        }
        fig.data.back() = {input_file, lines};
        // A margin above and below: an input at its largest (a fixation input of 1) is not
        // drawn on the border.
        body += "set key outside right\nset grid\nset tics out\n";
        body += "set offsets 0, 0, graph 0.05, graph 0.05\n";
        body += fmt::format("set xrange [-0.5:{}]\n", static_cast<double>(steps) - 0.5);
        body += "set xlabel 'step'\nset ylabel 'input'\n" + settings + "plot ";
        for (arma::uword i = 0; i < trial.inputs.n_rows; ++i)
            body += fmt::format("{}{} using 1:{} with steps lw 1.5 {}", i ? ", " : "",
                                gnuplot_file(input_file), i + 2,
                                series_title(options, i, input_name(trial, i)));
        body += "\n";
    } else {
        body += "set palette defined (0 '#ffffff', 1 '#2166ac')\nunset key\nset tics out\n";
        body += fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n",
                            static_cast<double>(steps) - 0.5,
                            static_cast<double>(trial.inputs.n_rows) - 0.5);
        body += "set xlabel 'step'\nset ylabel 'input channel'\n" + input_tics(trial) + settings;
        body += fmt::format("plot {} matrix with image\n", gnuplot_file(input_file));
        body += "unset colorbox\n";
        // The targets' panel below numbers its own y axis.
        if (!input_tics(trial).empty())
            body += "set ytics autofreq\n";
    }
    if (!trial.targets.empty()) {
        std::string rows = "# step";
        for (arma::uword r = 0; r < trial.targets.n_rows; ++r)
            rows += fmt::format(" target{}", r + 1);
        rows += trial.mask.empty() ? "\n" : " mask\n";
        for (arma::uword t = 0; t < steps; ++t) {
            rows += fmt::format("{}", t);
            for (arma::uword r = 0; r < trial.targets.n_rows; ++r)
                rows += fmt::format(" {:.7g}", trial.targets(r, t));
            if (!trial.mask.empty())
                rows += fmt::format(" {:.7g}", trial.mask(0, t));
            rows += "\n";
        }
        const std::string target_file = data_file(stem, "_targets");
        fig.data.push_back({target_file, rows});
        body += "set autoscale y\n" + key_placement(options, "outside right") + "set grid\n";
        body += "set ylabel 'target'\nset y2label 'mask'\nset y2range [-0.05:1.5]\n";
        body += "set y2tics 0, 1, 1\nset ytics nomirror\n";
        body += "plot ";
        for (arma::uword r = 0; r < trial.targets.n_rows; ++r)
            body += fmt::format("{}{} using 1:{} with steps lw 1.5 title {}", r ? ", " : "",
                                gnuplot_file(target_file), r + 2,
                                gnuplot_quote(fmt::format("target {}", r + 1)));
        if (!trial.mask.empty())
            body += fmt::format(
                ", {} using 1:{} axes x1y2 with steps lc rgb '#999999' title "
                "'mask'",
                gnuplot_file(target_file), trial.targets.n_rows + 2);
        body += "\n";
    }
    body += "unset multiplot\n";
    fig.body = body;
    return fig;
}

}  // namespace

const FigureEntry& history_figure_entry() {
    static const FigureEntry entry = [] {
        FigureEntry e;
        e.name = "history";
        e.doc =
            "Loss terms and training metrics per epoch of a training; with metric, that column "
            "alone; of a sweep family, that column (loss unless told) of every member, "
            "overlaid.";
        e.args = {{"training",
                   ArgKind::Training,
                   "a train definition, e.g. fit, or a sweep family of them (overlaid, each "
                   "named by its loop values)",
                   false,
                   false,
                   {},
                   true}};
        ParamSpec metric{"metric",
                         ParamType::HistoryColumn,
                         std::nullopt,
                         std::nullopt,
                         std::nullopt,
                         "",
                         "the history column to draw (loss, a loss term, a metric, val_...); "
                         "a family draws loss unless told"};
        metric.optional = true;
        e.schema.params = figure_options(
            kAllFigureOptions,
            {metric,
             {"smooth", ParamType::Integer, Value{1.0}, 1.0, 100000.0, "epochs",
              "draw each series as its trailing moving average over this many epochs (the raw "
              "values faint behind); 1: no smoothing"},
             {"from_epoch", ParamType::Integer, Value{1.0}, 1.0, 1e9, "",
              "first epoch drawn, so that large first epochs do not flatten the rest"}});
        e.script = draw_history;
        return e;
    }();
    return entry;
}

const FigureEntry& heatmap_figure_entry() {
    static const FigureEntry entry = [] {
        FigureEntry e;
        e.name = "heatmap";
        e.doc = "Heat maps of one or more matrices side by side, colour scale centred on zero.";
        e.args = {{"matrices", ArgKind::Matrix, "matrices such as fit.W_self, fit.W_input", true}};
        e.schema.params = figure_options(kAxisLabels);
        e.data = {{}, true};
        e.script = draw_heatmap;
        return e;
    }();
    return entry;
}

const FigureEntry& trajectory_figure_entry() {
    static const FigureEntry entry = [] {
        FigureEntry e;
        e.name = "trajectory";
        e.doc =
            "An evaluation's signal over time, one line per trial, with the task's periods marked.";
        e.args = {{"evaluation", ArgKind::Evaluation, "an evaluate definition, e.g. test"}};
        e.schema.params = figure_options(
            kAllFigureOptions, {ParamSpec{"from", ParamType::Steps, Value{0.0}, 0.0, 1e9, "steps",
                                          "first step drawn (a window inside the trial)"}
                                    .refers_to(TaskRef::WindowFrom),
                                ParamSpec{"to", ParamType::Steps, Value{0.0}, 0.0, 1e9, "steps",
                                          "step where the drawing ends; 0: the end of the trial"}
                                    .refers_to(TaskRef::WindowTo)});
        e.script = draw_trajectory;
        return e;
    }();
    return entry;
}

const FigureEntry& trial_figure_entry() {
    static const FigureEntry entry = [] {
        FigureEntry e;
        e.name = "trial";
        e.doc =
            "One trial of a task: its inputs (channel x step), its targets and the mask of "
            "its first masked loss, with the periods marked.";
        e.args = {{"task", ArgKind::Task, "a task definition, e.g. pulses"}};
        e.schema.params = figure_options(kAxisLabels | kLegend);
        e.data = {{"_inputs", "_targets"}, false};
        e.script = draw_trial;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
