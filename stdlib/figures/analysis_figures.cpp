#include "stdlib/figures/analysis_figures.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/analyses/pca.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

// ---- reading the arguments -------------------------------------------------------------

const arma::fmat& array_of(const AnalysisArg& a, const std::string& name, const std::string& figure,
                           const std::string& from) {
    const auto it = a.arrays.find(name);
    if (it == a.arrays.end())
        throw std::runtime_error(
            fmt::format("{}: '{}' has no array '{}'; {} takes the results of {}", figure, a.label,
                        name, figure, from));
    return it->second;
}

// A column of T values (T x 1 or 1 x T) as doubles.
arma::vec vector_of(const AnalysisArg& a, const std::string& name, const std::string& figure,
                    const std::string& from) {
    const arma::fmat& m = array_of(a, name, figure, from);
    if (m.n_rows != 1 && m.n_cols != 1 && !m.empty())
        throw std::runtime_error(fmt::format("{}: array '{}' of '{}' is {} x {}, not a vector",
                                             figure, name, a.label, m.n_rows, m.n_cols));
    return arma::conv_to<arma::vec>::from(arma::vectorise(m));
}

// The steps [from, to) drawn from an evaluation's activity, read at step t + offset.
struct Window {
    arma::uword from = 0;
    arma::uword to = 0;
    arma::uword offset = 0;

    arma::uword steps() const { return to - from; }
};

Window activity_window(const EvaluationArg& ev, const Params& options, const std::string& figure) {
    if (ev.activity.empty())
        throw std::runtime_error(
            fmt::format("{}: evaluation '{}' recorded no activity", figure, ev.label));
    Window w;
    w.offset = options.has("state_offset")
                   ? static_cast<arma::uword>(std::max(0L, options.integer("state_offset")))
                   : 0;
    const arma::uword steps = ev.activity.n_slices;
    const arma::uword last = steps > w.offset ? steps - w.offset : 0;
    w.from = options.has("from") ? static_cast<arma::uword>(options.real("from")) : 0;
    const double to = options.has("to") ? options.real("to") : 0.0;
    w.to = to > 0.0 ? std::min(last, static_cast<arma::uword>(to)) : last;
    if (w.from >= w.to)
        throw std::runtime_error(fmt::format(
            "{}: the window [{}, {}) of '{}' holds no step (its trials have {} steps{})", figure,
            w.from, w.to, ev.label, steps,
            w.offset ? fmt::format(", read {} step later", w.offset) : std::string()));
    return w;
}

// Activity of one trial over the window: steps x units.
arma::mat trial_states(const EvaluationArg& ev, const Window& w, arma::uword trial) {
    arma::mat x(w.steps(), ev.activity.n_cols);
    for (arma::uword t = 0; t < w.steps(); ++t)
        x.row(t) =
            arma::conv_to<arma::rowvec>::from(ev.activity.slice(w.from + t + w.offset).row(trial));
    return x;
}

// Activity of all trials and steps in the window: (steps * trials) x units.
arma::mat all_states(const EvaluationArg& ev, const Window& w) {
    const arma::uword n = ev.activity.n_rows;
    arma::mat x(w.steps() * n, ev.activity.n_cols);
    for (arma::uword t = 0; t < w.steps(); ++t)
        x.rows(t * n, t * n + n - 1) =
            arma::conv_to<arma::mat>::from(ev.activity.slice(w.from + t + w.offset));
    return x;
}

// The trial-averaged activity over the window: steps x units.
arma::mat mean_states(const EvaluationArg& ev, const Window& w) {
    arma::mat x(w.steps(), ev.activity.n_cols);
    for (arma::uword t = 0; t < w.steps(); ++t)
        x.row(t) = arma::conv_to<arma::rowvec>::from(
            arma::mean(ev.activity.slice(w.from + t + w.offset), 0));
    return x;
}

arma::uword components_option(const Params& options, const arma::uword units,
                              const std::string& figure) {
    const auto k = static_cast<arma::uword>(options.integer("components"));
    if (units < k)
        throw std::runtime_error(
            fmt::format("{}: {} components asked of an activity of {} units", figure, k, units));
    return k;
}

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

std::string hex_colour(std::size_t i) {
    return std::string(okabe_ito[i % okabe_ito.size()]);
}

ParamSpec window_from() {
    return {"from", ParamType::Steps, Value{0.0}, 0.0, 1e9, "steps", "first step drawn"};
}

ParamSpec window_to() {
    return {"to",
            ParamType::Steps,
            Value{0.0},
            0.0,
            1e9,
            "steps",
            "step where the window ends (excluded); 0: the end of the trial"};
}

ParamSpec state_offset() {
    return {"state_offset",
            ParamType::Integer,
            Value{0.0},
            0.0,
            1.0,
            "steps",
            "read the activity of step t + offset as step t (1: the GRU convention of seed 004)"};
}

ParamSpec components_param(const std::string& doc) {
    return {"components", ParamType::Integer, Value{2.0}, 2.0, 3.0, "", doc};
}

// ---- pca_trajectories(evaluation) ----------------------------------------------------------

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
    const auto drawn = std::min<arma::uword>(ev.activity.n_rows,
                                             static_cast<arma::uword>(options.integer("trials")));
    std::set<long> values(label.begin(), label.begin() + static_cast<long>(drawn));

    // One block (gnuplot index) per label value; inside it one trajectory per trial.
    std::vector<std::string> columns = {"trial", "step", by};
    for (const auto& c : pc_columns(k))
        columns.push_back(c);
    std::string data = data_header(columns);
    std::size_t block = 0;
    for (const long v : values) {
        if (block++)
            data += "\n\n";
        bool first = true;
        for (arma::uword r = 0; r < drawn; ++r) {
            if (label[r] != v)
                continue;
            if (!first)
                data += "\n";
            first = false;
            const arma::mat y = project(p, trial_states(ev, w, r), k);
            arma::mat rows(y.n_rows, 3 + k);
            rows.col(0).fill(static_cast<double>(r));
            rows.col(1) = arma::regspace<arma::vec>(static_cast<double>(w.from),
                                                    static_cast<double>(w.to - 1));
            rows.col(2).fill(static_cast<double>(v));
            rows.cols(3, 2 + k) = y;
            data += data_rows(rows);
        }
    }
    const std::string file = stem + ".dat";
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
    const std::string mean_file = stem + "_mean.dat";
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
    const std::string periods_file = stem + "_periods.dat";
    fig.data.push_back({periods_file, data_table(step_pcs, mean_rows.rows(arma::uvec(starts)))});

    std::string body = fmt::format("set title {}\n",
                                   figure_title(options, "state space of " + ev.label + " (PCA)"));
    body += "set grid\nset key outside right\n" + pc_axes(p, k) + labels;
    body += k == 3 ? "splot " : "plot ";
    const std::string cols = pc_using(4, k);
    block = 0;
    for (const long v : values) {
        body += fmt::format("{} index {} using {} with lines {} lw 1 title {}, ",
                            gnuplot_quote(file), block, cols, line_colour(block + 1),
                            gnuplot_quote(fmt::format("{} {}", by, v)));
        ++block;
    }
    body += fmt::format("{} using {} with lines lc rgb '#000000' lw 3 title 'trial average'",
                        gnuplot_quote(mean_file), pc_using(2, k));
    if (!starts.empty())
        body += fmt::format(
            ", {} using {} with points pt 7 ps 1.5 lc rgb '#000000' title 'period start'",
            gnuplot_quote(periods_file), pc_using(2, k));
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
    const std::string file = stem + ".dat";
    fig.data.push_back({file, data_table({"step", "speed"}, rows)});
    std::string body = fmt::format("set title {}\n", figure_title(options, "speed of " + ev.label));
    body += "set grid\nset key outside right\nset xlabel 'step'\n";
    body += "set ylabel 'speed |Δ mean activity| per step'\n";
    body += period_marks(ev.periods);
    // Entry t is the move from step t to t + 1: the last is at to - 2.
    body += fmt::format("set xrange [{}:{}]\nset yrange [0:*]\nset offsets 0, 0, graph 0.1, 0\n",
                        w.from, std::max(w.to - 2, w.from + 1));
    body += fmt::format("plot {} using 1:2 with lines {} lw 2 title 'trial average'\n",
                        gnuplot_quote(file), line_colour(0));
    fig.body = body;
    return fig;
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
        files.push_back(fmt::format("{}_{}.dat", stem, a + 1));
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
    body += "set yrange [0:1.05]\nset style fill transparent solid 0.2 noborder\nplot ";
    for (std::size_t a = 0; a < args.size(); ++a) {
        const auto& an = std::get<AnalysisArg>(args[a]);
        const std::string f = gnuplot_quote(files[a]);
        body += fmt::format(
            "{}{} using 1:4:5 with filledcurves fc rgb '{}' notitle, {} using 1:2 with lines {} "
            "lw 2 title {}",
            a ? ", " : "", f, hex_colour(a), f, line_colour(a), gnuplot_quote(an.label));
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
    const std::string file = stem + ".dat";
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
    body += fmt::format("plot {} using 1:2:3 with image\n", gnuplot_quote(file));
    fig.body = body;
    return fig;
}

// ---- angles(analysis, ...) --------------------------------------------------------------

// Columns of values, one per analysis, padded with NaN to the longest (up to `count`).
arma::mat padded_columns(const std::vector<arma::vec>& cols, arma::uword count) {
    arma::uword rows = 0;
    for (const auto& c : cols)
        rows = std::max(rows, std::min<arma::uword>(count, c.n_elem));
    arma::mat out(rows, cols.size() + 1);
    out.fill(arma::datum::nan);
    out.col(0) = arma::regspace<arma::vec>(1.0, static_cast<double>(rows));
    for (std::size_t j = 0; j < cols.size(); ++j)
        for (arma::uword i = 0; i < std::min(rows, cols[j].n_elem); ++i)
            out(i, j + 1) = cols[j](i);
    return out;
}

// The table of angles and spectrum: column 0 numbers the rows from 1, then one column per
// analysis (named by its label) holding its array `name`, transformed, up to `count` rows,
// NaN past its end. Written to <stem>.dat; returns the table.
arma::mat analysis_columns(const std::vector<ArgValue>& args, const std::string& name,
                           const std::string& first, const Params& options,
                           const std::string& count, const std::string& figure,
                           const std::string& from,
                           const std::function<arma::vec(const arma::vec&)>& transform,
                           FigureScript& fig, const std::string& stem) {
    std::vector<arma::vec> cols;
    std::vector<std::string> columns = {first};
    for (const auto& a : args) {
        const auto& an = std::get<AnalysisArg>(a);
        cols.push_back(transform(vector_of(an, name, figure, from)));
        columns.push_back(an.label);
    }
    const arma::mat rows = padded_columns(cols, static_cast<arma::uword>(options.integer(count)));
    if (rows.n_rows == 0)
        throw std::runtime_error(fmt::format("{}: the analyses' {} are empty", figure, name));
    fig.data.push_back({stem + ".dat", data_table(columns, rows)});
    return rows;
}

FigureScript draw_angles(const std::vector<ArgValue>& args, const Params& options,
                         const std::string& stem) {
    FigureScript fig;
    analysis_columns(
        args, "angles_deg", "angle", options, "count", "angles", "principal_angles",
        [](const arma::vec& v) { return v; }, fig, stem);
    const std::string file = stem + ".dat";
    std::string body =
        fmt::format("set title {}\n", figure_title(options, "principal angles between subspaces"));
    body += "set grid ytics\nset key outside right\nset datafile missing 'NaN'\n";
    body += "set style data histograms\nset style histogram clustered gap 1\n";
    body += "set style fill solid 0.9 border rgb '#000000'\nset boxwidth 0.9\n";
    body += "set xlabel 'principal angle (ascending)'\nset ylabel 'principal angle (deg)'\n";
    body += "set yrange [0:90]\nset ytics 0, 15, 90\nplot ";
    for (std::size_t j = 0; j < args.size(); ++j) {
        const auto& an = std::get<AnalysisArg>(args[j]);
        const auto mean = an.scalars.find("mean_angle_deg");
        const std::string title = mean == an.scalars.end()
                                      ? an.label
                                      : fmt::format("{} (mean {:.1f} deg)", an.label, mean->second);
        body += fmt::format("{}{} using {}{} {} title {}", j ? ", " : "", gnuplot_quote(file),
                            j + 2, j ? "" : ":xtic(1)", line_colour(j + 1), gnuplot_quote(title));
    }
    fig.body = body + "\n";
    return fig;
}

// ---- spectrum(analysis, ...) ------------------------------------------------------------

FigureScript draw_spectrum(const std::vector<ArgValue>& args, const Params& options,
                           const std::string& stem) {
    FigureScript fig;
    const arma::mat rows = analysis_columns(
        args, "explained_variance_ratio", "components", options, "components", "spectrum", "pca",
        [](const arma::vec& v) { return arma::vec(arma::cumsum(v)); }, fig, stem);
    const std::string file = stem + ".dat";
    std::string body =
        fmt::format("set title {}\n", figure_title(options, "cumulative explained variance"));
    body += "set grid\nset key outside right\nset datafile missing 'NaN'\n";
    body += "set xlabel 'number of components'\nset ylabel 'cumulative explained variance'\n";
    body += fmt::format("set yrange [0:1.02]\nset xrange [0.5:{}]\nset xtics 1\nplot ",
                        static_cast<double>(rows.n_rows) + 0.5);
    for (std::size_t j = 0; j < args.size(); ++j)
        body += fmt::format("{}{} using 1:{} with linespoints pt 7 {} lw 2 title {}", j ? ", " : "",
                            gnuplot_quote(file), j + 2, line_colour(j),
                            gnuplot_quote(std::get<AnalysisArg>(args[j]).label));
    fig.body = body + "\n";
    return fig;
}

// ---- rdm(analysis) ----------------------------------------------------------------------

FigureScript draw_rdm(const std::vector<ArgValue>& args, const Params& options,
                      const std::string& stem) {
    const auto& an = std::get<AnalysisArg>(args.at(0));
    const arma::mat m = arma::conv_to<arma::mat>::from(array_of(an, "rdm", "rdm", "rdm"));
    if (m.n_rows != m.n_cols || m.empty())
        throw std::runtime_error(
            fmt::format("rdm: '{}' has a {} x {} rdm", an.label, m.n_rows, m.n_cols));
    FigureScript fig;
    fig.width = 640;
    fig.height = 560;
    const std::string file = stem + ".dat";
    fig.data.push_back(
        {file, "# rdm: row i, column j = dissimilarity of conditions i and j\n" + data_rows(m)});
    std::string body =
        fmt::format("set title {}\n", figure_title(options, "dissimilarity of " + an.label));
    body += std::string(sequential_palette);
    body += fmt::format("set cbrange [0:{:.9g}]\nset cblabel 'dissimilarity'\n",
                        std::max(1e-12, m.max()));
    body += "set size ratio -1\nunset key\nset tics out\n";
    body += "set xlabel 'condition'\nset ylabel 'condition'\n";
    // Whole conditions only; beyond a few dozen gnuplot's own tics read better.
    if (m.n_rows <= 24)
        body += "set xtics 1 out\nset ytics 1 out\n";
    body += fmt::format("set xrange [-0.5:{0}]\nset yrange [{0}:-0.5]\n",
                        static_cast<double>(m.n_rows) - 0.5);
    body += fmt::format("plot {} matrix with image\n", gnuplot_quote(file));
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
        data += (r ? "\n" : "") + data_rows(rows);
    }
    FigureScript fig;
    const std::string file = stem + ".dat";
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
    const std::string points_file = stem + "_points.dat";
    fig.data.push_back({points_file, data_table(point_columns, rows)});
    const auto n_stable = static_cast<arma::uword>(arma::accu(stable > 0.5));

    std::string body = fmt::format(
        "set title {}\n", figure_title(options, "fixed points of " + an.label + " in " + ev.label));
    body += "set grid\nset key outside right\n" + pc_axes(p, k);
    body += k == 3 ? "splot " : "plot ";
    body += fmt::format("{} using {} with lines lc rgb '#999999' lw 0.8 title 'trials'",
                        gnuplot_quote(file), pc_using(3, k));
    // Column 2 selects: a point's PC2 (PC3 in 3-D) is NaN, so not drawn, in the other set.
    const std::string head = k == 3 ? "4:5" : "4";
    const std::string last = k == 3 ? "6" : "5";
    if (n_stable > 0)
        body += fmt::format(
            ", {} using {}:($2 > 0.5 ? ${} : NaN) with points pt 7 ps 1.6 {} title 'stable'",
            gnuplot_quote(points_file), head, last, line_colour(5));
    if (n_stable < points.n_rows)
        body += fmt::format(
            ", {} using {}:($2 > 0.5 ? NaN : ${}) with points pt 6 ps 1.6 lw 2 {} title "
            "'unstable'",
            gnuplot_quote(points_file), head, last, line_colour(6));
    fig.body = body + "\n";
    return fig;
}

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
        body += fmt::format("plot {} using 2:{} with points pt 7 ps 1.3 {} notitle\n",
                            gnuplot_quote(file), s + 3, line_colour(s + 1));
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
    const std::string file = stem + ".dat";
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
    body += "plot ";
    for (std::size_t s = 0; s < series; ++s)
        body += fmt::format("{}{} using 2:{} {}with points pt {} ps 1.3 {} title {}", s ? ", " : "",
                            gnuplot_quote(file), s + 3, two_axes && s == 1 ? "axes x1y2 " : "",
                            s % 2 ? 9 : 7, line_colour(s + 1),
                            gnuplot_quote(std::get<ResultsArg>(args[s + 1]).label));
    fig.body = body + "\n";
    return fig;
}

FigureEntry make(
    std::string name, std::string doc, std::vector<ArgSpec> args, std::vector<ParamSpec> params,
    std::function<FigureScript(const std::vector<ArgValue>&, const Params&, const std::string&)>
        draw) {
    FigureEntry e;
    e.name = std::move(name);
    e.doc = std::move(doc);
    e.args = std::move(args);
    e.schema.params = {title_param()};
    for (auto& p : params)
        e.schema.params.push_back(std::move(p));
    e.draw = std::move(draw);
    return e;
}

ArgSpec activity_arg(const std::string& doc) {
    ArgSpec a{"evaluation", ArgKind::Evaluation, doc};
    a.activity = true;
    return a;
}

}  // namespace

const FigureEntry& pca_trajectories_figure_entry() {
    static const FigureEntry entry =
        make("pca_trajectories",
             "Trial trajectories of an evaluation's activity on its first principal components, "
             "coloured by a trial label, with the trial average and its period starts.",
             {activity_arg("an evaluate definition, e.g. test")},
             {window_from(),
              window_to(),
              components_param("principal components drawn: 2, or 3 for a 3-D plot"),
              {"trials", ParamType::Integer, Value{20.0}, 1.0, 1e6, "trials",
               "how many trials to draw (the first ones)"},
              {"color_by", ParamType::String, Value{std::string("condition")}, std::nullopt,
               std::nullopt, "", "the trial label that colours the trajectories, e.g. item1"},
              state_offset()},
             draw_pca_trajectories);
    return entry;
}

const FigureEntry& speed_figure_entry() {
    static const FigureEntry entry =
        make("speed",
             "Speed of the trial-averaged activity of an evaluation, |mean(t+1) - mean(t)| per "
             "step, with the task's periods marked.",
             {activity_arg("an evaluate definition, e.g. test")},
             {window_from(), window_to(), state_offset()}, draw_speed);
    return entry;
}

const FigureEntry& decoding_figure_entry() {
    static const FigureEntry entry = make(
        "decoding",
        "Decoding accuracy over time of one or more decode_over_time analyses, +- one standard "
        "deviation, with chance.",
        {{"analyses", ArgKind::Analysis, "decode_over_time analyses, e.g. item_decoding", true}},
        {}, draw_decoding);
    return entry;
}

const FigureEntry& cross_temporal_figure_entry() {
    static const FigureEntry entry = make(
        "cross_temporal",
        "Cross-temporal decoding accuracy (training step x test step) of a decode_over_time "
        "analysis run with cross_temporal.",
        {{"analysis", ArgKind::Analysis, "a decode_over_time analysis with cross_temporal on"}}, {},
        draw_cross_temporal);
    return entry;
}

const FigureEntry& angles_figure_entry() {
    static const FigureEntry entry = make(
        "angles", "The first principal angles of one or more principal_angles analyses, as bars.",
        {{"analyses", ArgKind::Analysis, "principal_angles analyses", true}},
        {{"count", ParamType::Integer, Value{5.0}, 1.0, 1000.0, "", "how many angles to draw"}},
        draw_angles);
    return entry;
}

const FigureEntry& spectrum_figure_entry() {
    static const FigureEntry entry =
        make("spectrum",
             "Cumulative explained variance against the number of components of one or more pca "
             "analyses.",
             {{"analyses", ArgKind::Analysis, "pca analyses", true}},
             {{"components", ParamType::Integer, Value{10.0}, 1.0, 1e6, "",
               "how many components to draw"}},
             draw_spectrum);
    return entry;
}

const FigureEntry& rdm_figure_entry() {
    static const FigureEntry entry = make(
        "rdm", "A representational dissimilarity matrix (condition x condition) as a heat map.",
        {{"analysis", ArgKind::Analysis, "an rdm analysis"}}, {}, draw_rdm);
    return entry;
}

const FigureEntry& fixed_points_figure_entry() {
    static const FigureEntry entry =
        make("fixed_points",
             "Fixed points of a fixed_points analysis, stable and unstable, on the principal "
             "components of an evaluation's activity, over some of its trial trajectories.",
             {{"analysis", ArgKind::Analysis, "a fixed_points analysis"},
              activity_arg("an evaluate definition of the same network, e.g. test")},
             {components_param("principal components drawn: 2, or 3 for a 3-D plot"),
              {"trials", ParamType::Integer, Value{10.0}, 0.0, 1e6, "trials",
               "how many trial trajectories to draw (the first ones)"}},
             draw_fixed_points);
    return entry;
}

const FigureEntry& scatter_figure_entry() {
    static const FigureEntry entry = make(
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
        draw_scatter);
    return entry;
}

}  // namespace rnn::stdlib
