// Stdlib analyses: functions from trained networks, evaluations and matrices to named
// numbers (written to metrics.toml) and arrays (written as .npy).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "stdlib/results.hpp"
#include "stdlib/schema.hpp"

namespace rnn::stdlib {

struct AnalysisResult {
    std::map<std::string, double> scalars;
    std::map<std::string, arma::fmat> arrays;
    // Text files written beside the arrays (the sweep table's CSV), by file name.
    std::map<std::string, std::string> files;
};

// Whether a result is one number (written to metrics.toml, offered to tables and scatter
// plots as `ANALYSIS.NAME`) or an array (written as NAME.npy, read by figures).
enum class OutputShape { Scalar, Array };

struct OutputSpec {
    OutputSpec(std::string name_, OutputShape shape_, const std::string& meaning,
               const std::string& when = "")
        : name(std::move(name_))
        , shape(shape_)
        , doc(shape_ == OutputShape::Scalar ? meaning
              : when.empty()                ? meaning + " (array)"
                                            : meaning + " (array, " + when + ")") {}

    std::string name;
    OutputShape shape = OutputShape::Scalar;
    // The line `rnn doc` prints: the meaning, then "(array)" after an array's, or
    // "(array, WHEN)" after one the analysis makes only sometimes.
    std::string doc;

    bool is_array() const { return shape == OutputShape::Array; }
};

// A scalar and an array result, as entry tables list them.
inline OutputSpec scalar(std::string name, const std::string& meaning) {
    return {std::move(name), OutputShape::Scalar, meaning};
}

inline OutputSpec array(std::string name, const std::string& meaning,
                        const std::string& when = "") {
    return {std::move(name), OutputShape::Array, meaning, when};
}

struct AnalysisEntry {
    std::string name;
    std::string doc;
    std::vector<ArgSpec> args;
    Schema schema;  // named options
    std::vector<OutputSpec> outputs;
    std::function<AnalysisResult(const std::vector<ArgValue>&, const Params&)> run;
};

}  // namespace rnn::stdlib
