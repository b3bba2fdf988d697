// Stdlib figures. A figure entry writes a gnuplot script and its data; figures/gnuplot.cpp
// renders the script to PNG, SVG or PDF. Script, data and picture sit side by side in the run
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

// The data files a figure writes beside its picture, named from the picture's stem so
// that the files of a figure are known from its call alone (figures/figure_files.hpp):
// one <stem><part>.dat per part ("" is <stem>.dat, "_inputs" <stem>_inputs.dat), and
// with per_argument one <stem>_<k>.dat for each argument k = 1, 2, ...
struct DataFiles {
    std::vector<std::string> parts = {""};
    bool per_argument = false;
};

struct FigureEntry {
    std::string name;
    std::string doc;
    std::vector<ArgSpec> args;
    Schema schema;
    DataFiles data;
    // How many series (legend entries) the figure draws for this many arguments, where its
    // call alone says so (one line per analysis); null where only the data knows (one line
    // per trial). The checker holds `legend` against it (figures/figure_options.hpp).
    std::function<std::size_t(std::size_t arguments)> series;
    // stem: the picture's file name without extension. Names its data files with
    // data_file() and argument_data_file() (figures/figure_files.hpp).
    std::function<FigureScript(const std::vector<ArgValue>&, const Params&,
                               const std::string& stem)>
        script;

    // The figure's script for the picture <stem>.png, .svg or .pdf. Throws std::logic_error
    // when the script writes a data file that `data` does not declare: the checker could
    // not have seen it (defined in figures/figure_files.cpp).
    FigureScript draw(const std::vector<ArgValue>& arguments, const Params& options,
                      const std::string& stem) const;
};

}  // namespace rnn::stdlib
