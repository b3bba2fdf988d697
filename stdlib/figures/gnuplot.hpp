// Rendering figure scripts with gnuplot (a child process, no shell), quoting text for
// gnuplot, and what the figure entries share: the title option, the colour palettes, data
// tables and period marks. Every string that reaches gnuplot goes through gnuplot_quote()
// (file names through gnuplot_file()): scripts come from shared, untrusted .rnn files and
// must not be able to run commands.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <armadillo>

#include "runtime/directory.hpp"
#include "stdlib/figure.hpp"

namespace rnn::stdlib {

// A gnuplot string holding exactly `text`, whatever bytes it holds: a double-quoted string
// of ASCII letters, digits, space and punctuation other than quotes, backslash, '`', '@' and
// '$'; every other byte is an octal escape ("it\0047s"). gnuplot expands no backquote or
// macro in it and it cannot end early. Throws std::invalid_argument for a NUL byte, which
// no gnuplot string can hold (nor any string of a script).
std::string gnuplot_quote(std::string_view text);

// A file name for gnuplot to open or write, quoted: a name that does not start with a
// letter, digit or '_' is written "./name", so gnuplot never takes it for a command
// ('<cmd', '|cmd'), standard input ('-'), its own special files ('+', '$data') or a home
// folder ('~').
std::string gnuplot_file(std::string_view name);

enum class ImageFormat { Png, Svg, Pdf };

// The format a figure file asks for by its extension: ".svg" is SVG, ".pdf" PDF, anything
// else PNG.
ImageFormat image_format(std::string_view file_name);

// ".png", ".svg" or ".pdf".
std::string_view image_extension(ImageFormat format);

// Whether a file name ends in an extension a figure can be drawn to (.png, .svg, .pdf).
bool figure_extension_ok(std::string_view file_name);

// Writes <stem>.gp and the data files into dir and renders <stem>.png, .svg or .pdf
// (pngcairo, svg or pdfcairo terminal; a PDF is the pixel size at 72 per inch); `gnuplot <stem>.gp`
// in dir draws the same file by hand. gnuplot runs as a child process started in dir (dir is never
// part of a command or a gnuplot string). The picture is drawn to a temporary name and renamed, so
// a failed render leaves no partial picture. gnuplot's messages go to .<picture>.log in dir (e.g.
// .a.png.log). Throws std::runtime_error when gnuplot cannot start, exits with an error
// or draws nothing, quoting gnuplot's first error lines.
void render(const rt::Directory& dir, const std::string& stem, ImageFormat format,
            const FigureScript& script);
// The same in the folder at `dir` (tests, tools).
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
