// Running an execution graph (graph/lower.hpp) into a run directory. Nodes run in an order
// of their data dependencies, independent ones in parallel (Scheduling::jobs).
//
// The cache (docs/run_directory.md): every train, evaluate, analyze and plot node leaves
// its results in OUT/.cache/KEY/ (its files, its metrics, and what later nodes read from
// it), written in a staging folder and renamed into place last. A node whose entry exists
// is not computed again; its files are copied into the run directory from the entry.
// Training nodes checkpoint into OUT/.cache/checkpoints/KEY/ when interrupted (and every
// Scheduling::checkpoint_seconds), and `resume` goes on from there.
#pragma once

#include <filesystem>
#include <stdexcept>

#include "interpreter/engine/run_options.hpp"
#include "interpreter/graph/graph.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp {

// A run stopped by Scheduling::interrupt; the message names the checkpointed trainings.
class Interrupted : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The run directory holds a different script's results, or is not a run directory, or
// another run is writing it.
class RunDirectoryRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs every node whose results are not cached and writes the run directory. Throws
// RuntimeFailure (training), Interrupted, RunDirectoryRefused, or std::runtime_error (files,
// gnuplot) with a message for people. Scheduling::interrupt_after_epoch raises SIGINT after
// that epoch of any training (tests of the interruption).
void execute(const Program& program, const Graph& graph, const RunOptions& options);

// Whether the cache of the run directory out_dir holds the complete entry of `node`.
bool node_cached(const GraphNode& node, const std::filesystem::path& out_dir);

}  // namespace rnn::interp
