// Lowering a checked program to its execution graph and running it into a run directory.
//
// Nodes: task, train, evaluate, analyze, plot. Each has a content key: a 64-bit hash of its
// kind, its resolved parameters, its inputs' keys and the program version (written as hex
// in manifest.toml). Nodes run in topological order of their data dependencies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "interpreter/program.hpp"

namespace rnn::interp {

struct GraphNode {
    std::string kind;  // "task", "train", "evaluate", "analyze", "plot"
    std::string name;  // definition name; plots: the file name
    std::vector<std::size_t> inputs;
    std::string description;  // resolved parameters, canonical text (hashed into the key)
    std::uint64_t key = 0;
};

struct Graph {
    std::vector<GraphNode> nodes;  // in a topological order
};

Graph lower(const Program& program);

struct RunOptions {
    std::filesystem::path out_dir;
    std::filesystem::path script_path;
    std::string script_text;
    // Files the script includes (path as resolved, text), recorded with their hashes.
    std::vector<std::pair<std::string, std::string>> included;
    bool quiet = false;
    bool progress_on_terminal = false;
    std::function<void(const std::string&)> log;  // progress and summaries (stderr)
    // The OpenBLAS kernels the run computed with, and how they were chosen
    // (runtime/blas_core.hpp); kernels round differently, so the manifest records them.
    std::string blas_core;
    std::string blas_choice;
};

// Runs every node and writes the run directory. Throws RuntimeFailure (training), or
// std::runtime_error (files, gnuplot) with a message for people.
void execute(const Program& program, const Graph& graph, const RunOptions& options);

}  // namespace rnn::interp
