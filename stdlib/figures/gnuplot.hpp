// Rendering figure scripts with gnuplot (through gnuplot-iostream), quoting text for
// gnuplot, and what the figure entries share: the title option, the colour palettes, data
// tables and period marks. Every string that reaches gnuplot goes through quote(): scripts
// come from shared, untrusted .rnn files and must not be able to run commands.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <armadillo>

#include "stdlib/figure.hpp"

namespace rnn::stdlib {

// A gnuplot string holding `text`: a single-quoted literal with quotes doubled, control
// characters dropped, backquotes (command substitution) shown as quotes and '@' (macros)
// as "(at)"; a text opening with quotes becomes ("'".'rest'), since gnuplot misreads a
// literal that opens with a doubled quote.
std::string gnuplot_quote(std::string_view text);

enum class ImageFormat { Png, Svg };

// The format a figure file asks for by its extension: ".svg" is SVG, anything else PNG.
ImageFormat image_format(std::string_view file_name);

// ".png" or ".svg".
std::string_view image_extension(ImageFormat format);

// Writes <stem>.gp and the data files into dir and renders <stem>.png or <stem>.svg
// (pngcairo or svg terminal); `gnuplot <stem>.gp` in dir draws the same file by hand. The
// picture is drawn to a temporary name and renamed, so a failed render leaves no partial
// picture. gnuplot's messages go to .<stem>.log in dir. Throws std::runtime_error when
// gnuplot exits with an error or draws nothing, quoting gnuplot's first error lines.
void render(const std::filesystem::path& dir, const std::string& stem, ImageFormat format,
            const FigureScript& script);

inline void render_png(const std::filesystem::path& dir, const std::string& stem,
                       const FigureScript& script) {
    render(dir, stem, ImageFormat::Png, script);
}

// The Okabe-Ito palette, safe for the common colour-vision deficiencies. The renderer makes
// these gnuplot's line types 1..8, so lines drawn without a colour get them in this order.
inline constexpr std::array<std::string_view, 8> okabe_ito = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"};

// `lc rgb '<colour>'` for series i (cycling through okabe_ito, black first).
std::string line_colour(std::size_t i);

// A sequential palette (viridis) for heat maps of non-negative values.
inline constexpr std::string_view sequential_palette =
    "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 "
    "'#fde725')\n";

// The `title` option every figure has, and the title it asks for (fallback when empty),
// quoted.
ParamSpec title_param();
std::string figure_title(const Params& options, const std::string& fallback);

// A name usable as one column name of a data file's header comment: whitespace and
// control characters become '_'.
std::string column_name(std::string_view text);

// A plain whitespace table: a header comment naming the columns (data_header), then one
// row per row of `values` (data_rows; NaN written as NaN). data_rows alone is the text
// gnuplot's `matrix with image` reads.
std::string data_header(const std::vector<std::string>& columns);
std::string data_rows(const arma::mat& values);
std::string data_table(const std::vector<std::string>& columns, const arma::mat& values);

// gnuplot commands that shade every other period and name each at its start, for a plot
// whose x axis is the step; objects and labels are numbered from 1.
std::string period_marks(const std::vector<Period>& periods);

}  // namespace rnn::stdlib
