// The files one figure writes, computed from its call alone: the checker refuses two
// figures that would write one file, and the renderer and the figure entries name their
// files with the same functions, so the two cannot disagree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/figure.hpp"

namespace rnn::stdlib {

// <stem><part>.dat: data_file("a", "_inputs") is "a_inputs.dat".
std::string data_file(std::string_view stem, std::string_view part);

// <stem>_<k + 1>.dat: the data of argument k (0-based) of a figure with per-argument data.
std::string argument_data_file(std::string_view stem, std::size_t k);

// The saved script of the picture <stem>.png or <stem>.svg: <stem>.gp.
std::string script_file(std::string_view stem);

struct FigureFiles {
    std::string picture;            // "figures/a.png", as the plot statement names it
    std::string script;             // "figures/a.gp"
    std::vector<std::string> data;  // "figures/a.dat", ...: every data file it may write
};

// The files the figure `entry`, called with `arguments` arguments, writes for the picture
// `file` (a relative path ending in .png or .svg), in the picture's folder.
FigureFiles figure_files(const FigureEntry& entry, std::size_t arguments, std::string_view file);

}  // namespace rnn::stdlib
