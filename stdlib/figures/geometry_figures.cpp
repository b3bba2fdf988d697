// Figures of the geometry of the activity (docs/figures.md): principal angles between
// subspaces, PCA spectra, and representational dissimilarity matrices.
#include <algorithm>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/figure_inputs.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

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
    fig.data.push_back({data_file(stem, ""), data_table(columns, rows)});
    return rows;
}

FigureScript draw_angles(const std::vector<ArgValue>& args, const Params& options,
                         const std::string& stem) {
    FigureScript fig;
    analysis_columns(
        args, "angles_deg", "angle", options, "count", "angles", "principal_angles",
        [](const arma::vec& v) { return v; }, fig, stem);
    const std::string file = data_file(stem, "");
    std::string body =
        fmt::format("set title {}\n", figure_title(options, "principal angles between subspaces"));
    body += "set grid ytics\nset key outside right\nset datafile missing 'NaN'\n";
    body += "set style data histograms\nset style histogram clustered gap 1\n";
    body += "set style fill solid 0.9 border rgb '#000000'\nset boxwidth 0.9\n";
    body += "set xlabel 'principal angle (ascending)'\nset ylabel 'principal angle (deg)'\n";
    body += "set yrange [0:90]\nset ytics 0, 15, 90\n" + option_settings(options) + "plot ";
    for (std::size_t j = 0; j < args.size(); ++j) {
        const auto& an = std::get<AnalysisArg>(args[j]);
        const auto mean = an.scalars.find("mean_angle_deg");
        const std::string title = mean == an.scalars.end()
                                      ? an.label
                                      : fmt::format("{} (mean {:.1f} deg)", an.label, mean->second);
        body +=
            fmt::format("{}{} using {}{} {} {}", j ? ", " : "", gnuplot_file(file), j + 2,
                        j ? "" : ":xtic(1)", line_colour(j + 1), series_title(options, j, title));
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
    const std::string file = data_file(stem, "");
    std::string body =
        fmt::format("set title {}\n", figure_title(options, "cumulative explained variance"));
    body += "set grid\nset key outside right\nset datafile missing 'NaN'\n";
    body += "set xlabel 'number of components'\nset ylabel 'cumulative explained variance'\n";
    body += fmt::format("set yrange [0:1.02]\nset xrange [0.5:{}]\nset xtics 1\n",
                        static_cast<double>(rows.n_rows) + 0.5);
    body += option_settings(options) + "plot ";
    for (std::size_t j = 0; j < args.size(); ++j)
        body += fmt::format("{}{} using 1:{} with linespoints pt 7 {} lw 2 {}", j ? ", " : "",
                            gnuplot_file(file), j + 2, line_colour(j),
                            series_title(options, j, std::get<AnalysisArg>(args[j]).label));
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
    const std::string file = data_file(stem, "");
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
    body += option_settings(options);
    body += fmt::format("plot {} matrix with image\n", gnuplot_file(file));
    fig.body = body;
    return fig;
}

}  // namespace

const FigureEntry& angles_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "angles", "The first principal angles of one or more principal_angles analyses, as bars.",
        {analysis_arg("analyses", "principal_angles", "principal_angles analyses", true)},
        {{"count", ParamType::Integer, Value{5.0}, 1.0, 1000.0, "", "how many angles to draw"}},
        draw_angles, {}, kAxisLabels | kLegend, series_per_argument);
    return entry;
}

const FigureEntry& spectrum_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "spectrum",
        "Cumulative explained variance against the number of components of one or more pca "
        "analyses.",
        {analysis_arg("analyses", "pca", "pca analyses", true)},
        {{"components", ParamType::Integer, Value{10.0}, 1.0, 1e6, "",
          "how many components to draw"}},
        draw_spectrum, {}, kAllFigureOptions, series_per_argument);
    return entry;
}

const FigureEntry& rdm_figure_entry() {
    static const FigureEntry entry = figure_entry(
        "rdm", "A representational dissimilarity matrix (condition x condition) as a heat map.",
        {analysis_arg("analysis", "rdm", "an rdm analysis")}, {}, draw_rdm, {}, kAxisLabels);
    return entry;
}

}  // namespace rnn::stdlib
