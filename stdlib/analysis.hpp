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

struct AnalysisEntry {
    std::string name;
    std::string doc;
    std::vector<ArgSpec> args;
    Schema schema;  // named options
    std::vector<NamedDoc> outputs;
    std::function<AnalysisResult(const std::vector<ArgValue>&, const Params&)> run;
};

}  // namespace rnn::stdlib
