// How a run is asked for (engine/execute.hpp), in four parts: what the manifest records of
// the run's inputs (Provenance), how nodes are run (Scheduling), where progress goes
// (Reporting), and the mode: a local run, a dry run, or a cluster task (RunMode).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "interpreter/engine/reporter.hpp"
#include "interpreter/graph/graph.hpp"

namespace rnn::interp {

// Computes nodes on other machines (engine/slurm.hpp): given the graph and units of
// work (remote_units), returns once every node of every unit is in the cache, with where
// each ran (index -> "slurm task 12_3"), or throws: std::runtime_error naming the units
// that failed and their logs, Interrupted when Scheduling::interrupt is set while it waits.
using RemoteExecutor = std::function<std::map<std::size_t, std::string>(
    const Graph& graph, const std::vector<std::vector<std::size_t>>& units)>;

// What manifest.toml records of where the results come from.
struct Provenance {
    std::filesystem::path script_path;
    std::string script_text;
    // Files the script includes (path as resolved, text), recorded with their hashes.
    std::vector<std::pair<std::string, std::string>> included;
    // The overrides as applied, in order ("PATH=VALUE"), and the --config file, if any.
    std::vector<std::string> overrides;
    std::string config_path;
    std::string config_text;
    // The OpenBLAS kernels the run computed with, and how they were chosen
    // (runtime/blas_core.hpp); kernels round differently, so the manifest records them.
    std::string blas_core;
    std::string blas_choice;
    int blas_threads = 1;  // what OpenBLAS was set to (recorded in the manifest)
};

struct Scheduling {
    int jobs = 1;         // nodes run at once
    bool resume = false;  // go on from training checkpoints left by an interrupted run
    // Set (by a SIGINT handler) to stop: running trainings checkpoint and stop, no new
    // node starts, and execute() throws Interrupted once the running nodes are done.
    const std::atomic<bool>* interrupt = nullptr;
    double checkpoint_seconds = 600.0;  // a running training also checkpoints this often
    // For the tests of the interruption: raise SIGINT after epoch N of any training (the
    // rnn program sets it from RNN_INTERRUPT_AFTER_EPOCH=N); 0: never.
    long interrupt_after_epoch = 0;
};

struct Reporting {
    Reporter* reporter = nullptr;  // none: the run says nothing
    // An evaluation keeping at least this much activity gets a note (the rnn program sets
    // it from RNN_LARGE_ACTIVITY_BYTES, which the tests lower).
    double large_activity_bytes = 1e9;
};

// Computes every node whose results are not cached and writes the run directory. With a
// remote executor, the trainings (and what reads only them) are handed to it first, and the
// other nodes then run here from the cache. `executor` names it in the manifest.
struct LocalRun {
    RemoteExecutor remote;
    std::string executor = "local";
};

// Plans and hands the trainings to the remote executor, which only says what it would do;
// nothing is computed and the run directory is not touched.
struct DryRun {
    RemoteExecutor remote;
};

// Worker mode (a cluster task): compute only the nodes with these keys, and what they
// read, into the cache; publish nothing into the run directory and take no lock on it
// (the driver that submitted the task holds it). Fails when the graph lacks one of them.
struct ClusterWorker {
    std::vector<std::uint64_t> node_keys;
};

using RunMode = std::variant<LocalRun, DryRun, ClusterWorker>;

struct RunOptions {
    std::filesystem::path out_dir;
    Provenance provenance;
    Scheduling scheduling;
    Reporting reporting;
    RunMode mode;
};

}  // namespace rnn::interp
