// Lowering a checked program to its execution graph and running it into a run directory.
//
// Nodes: task, train, evaluate, analyze, plot. Each has a content key: a 64-bit hash of its
// kind, its resolved parameters, its inputs' keys and the program version (written as hex
// in manifest.toml). Nodes run in an order of their data dependencies, independent ones in
// parallel (RunOptions::jobs).
//
// The cache (docs/run_directory.md): every train, evaluate, analyze and plot node leaves
// its results in OUT/.cache/KEY/ (its files, its metrics, and what later nodes read from
// it), written in a staging folder and renamed into place last. A node whose entry exists
// is not computed again; its files are copied into the run directory from the entry.
// Training nodes checkpoint into OUT/.cache/checkpoints/KEY/ when interrupted (and every
// RunOptions::checkpoint_seconds), and `resume` goes on from there.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
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

// The order in which execute() looks for a node to start among those whose inputs are done:
// every node that is not a training first, so that the results of a finished training (its
// evaluations, analyses and figures) are computed and cached before the next long training
// starts and a long sweep stopped half-way has complete members; then the trainings that
// can resume from a checkpoint; then the others. Graph order within each group.
std::vector<std::size_t> start_order(const Graph& graph,
                                     const std::function<bool(std::size_t)>& resumable);

// Computes nodes on other machines (interpreter/slurm.hpp): given the graph and units of
// work (remote_units), returns once every node of every unit is in the cache, with where
// each ran (index -> "slurm task 12_3"), or throws: std::runtime_error naming the units
// that failed and their logs, Interrupted when RunOptions::interrupt is set while it waits.
using RemoteExecutor = std::function<std::map<std::size_t, std::string>(
    const Graph& graph, const std::vector<std::vector<std::size_t>>& units)>;

// What a remote executor computes, one unit per machine: each training whose result is not
// in `cached`, followed by the evaluations, alters and analyses that read it and no other
// training and are not cached either (they run after it on the same machine, so that long
// evaluations do not run on the driver); and for a cached training, such nodes still
// missing. Plots, and nodes that read several trainings (a table across a sweep), are left
// to the driver. Units in graph order, each in graph order (its training first).
std::vector<std::vector<std::size_t>> remote_units(const Graph& graph,
                                                   const std::vector<bool>& cached);

struct RunOptions {
    std::filesystem::path out_dir;
    std::filesystem::path script_path;
    std::string script_text;
    // Files the script includes (path as resolved, text), recorded with their hashes.
    std::vector<std::pair<std::string, std::string>> included;
    bool quiet = false;
    bool progress_on_terminal = false;
    int terminal_columns = 80;  // live lines are cut to this width so that they never wrap
    std::function<void(const std::string&)> log;  // progress and summaries (stderr)
    // The OpenBLAS kernels the run computed with, and how they were chosen
    // (runtime/blas_core.hpp); kernels round differently, so the manifest records them.
    std::string blas_core;
    std::string blas_choice;
    int blas_threads = 1;  // what OpenBLAS was set to (recorded in the manifest)
    int jobs = 1;          // nodes run at once
    bool resume = false;   // go on from training checkpoints left by an interrupted run
    // Set (by a SIGINT handler) to stop: running trainings checkpoint and stop, no new
    // node starts, and execute() throws Interrupted once the running nodes are done.
    const std::atomic<bool>* interrupt = nullptr;
    double checkpoint_seconds = 600.0;  // a running training also checkpoints this often
    // The overrides as applied, in order ("PATH=VALUE"), and the --config file, if any.
    std::vector<std::string> overrides;
    std::string config_path;
    std::string config_text;
    // Where the trainings run: empty, here; otherwise they are handed to it first and the
    // other nodes then run here from the cache. `executor` names it in the manifest.
    RemoteExecutor remote;
    std::string executor = "local";
    // With `remote`: plan and hand the trainings to it, which only says what it would do;
    // nothing is computed and the run directory is not touched.
    bool dry_run = false;
    // Worker mode (a cluster task): compute only the nodes with these keys, and what they
    // read, into the cache; publish nothing into the run directory and take no lock on it
    // (the driver that submitted the task holds it). Fails when the graph lacks one of them.
    std::vector<std::uint64_t> node_keys;
};

// A run stopped by RunOptions::interrupt; the message names the checkpointed trainings.
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
// gnuplot) with a message for people. The environment variable RNN_INTERRUPT_AFTER_EPOCH=N
// raises SIGINT after epoch N of any training (tests of the interruption).
void execute(const Program& program, const Graph& graph, const RunOptions& options);

// Whether the cache of the run directory out_dir holds the complete entry of `node`.
bool node_cached(const GraphNode& node, const std::filesystem::path& out_dir);

}  // namespace rnn::interp
