// How the REPL prints results: numbers, metrics tables, matrices, parameters.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <armadillo>
#include <toml++/toml.h>

#include "stdlib/registry.hpp"

namespace rnn::interp::repl {

std::string number_text(double v);

// A metrics table as people read it: scalars as `name  value` lines, arrays of one length
// as the columns of a table with one row per element (the first 12 rows, then a count).
std::string result_table(const toml::table& t);

// A matrix's shape, summary statistics and top-left corner.
std::string tensor_summary(const std::string& label, const arma::mat& m);

// The arrays a node wrote into its folder `dir` (NAME.npy; a tensor's NAME.raw.npy is
// left out), sorted.
std::vector<std::string> array_names(const std::filesystem::path& dir);

// `name = value` lines, aligned.
std::string params_lines(const stdlib::Params& p);

}  // namespace rnn::interp::repl
