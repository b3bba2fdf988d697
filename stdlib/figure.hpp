// Stdlib figures. A figure entry writes a gnuplot script and its data; figures/gnuplot.cpp
// renders the script to PNG. Script, data and picture sit side by side in the run
// directory so a figure can be re-rendered or restyled by hand.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "stdlib/results.hpp"
#include "stdlib/schema.hpp"

namespace rnn::stdlib {

struct DataFile {
    std::string name;  // file name beside the picture, e.g. "training_history.dat"
    std::string text;
};

// What a figure entry produces: the body of a gnuplot script (terminal and output are set
// by the renderer) and the data files it reads.
struct FigureScript {
    std::string body;
    std::vector<DataFile> data;
    int width = 900;
    int height = 600;
};

struct FigureEntry {
    std::string name;
    std::string doc;
    std::vector<ArgSpec> args;
    Schema schema;
    // stem: the picture's file name without extension (data files are named from it).
    std::function<FigureScript(const std::vector<ArgValue>&, const Params&,
                               const std::string& stem)>
        draw;
};

}  // namespace rnn::stdlib
