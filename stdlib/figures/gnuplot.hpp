// Rendering figure scripts with gnuplot (through gnuplot-iostream), and quoting text for
// gnuplot. Every string that reaches gnuplot goes through quote(): scripts come from
// shared, untrusted .rnn files and must not be able to run commands.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "stdlib/figure.hpp"

namespace rnn::stdlib {

// A gnuplot single-quoted string literal holding `text`: quotes doubled, control
// characters dropped, and backquotes (command substitution) and '@' (macros) replaced.
std::string gnuplot_quote(std::string_view text);

// Writes <stem>.gp and the data files into dir and renders <stem>.png. The picture is
// drawn to a temporary name and renamed, so a failed render leaves no partial PNG.
// Throws std::runtime_error when gnuplot fails.
void render_png(const std::filesystem::path& dir, const std::string& stem,
                const FigureScript& script);

}  // namespace rnn::stdlib
