// What `rnn run` and `rnn verify` share: how to run a script.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/check/memory_estimate.hpp"
#include "interpreter/engine/slurm.hpp"
#include "interpreter/overrides.hpp"
#include "runtime/blas_core.hpp"

namespace rnn::cli {

struct RunRequest {
    std::string file;
    std::string out;
    bool quiet = false;
    bool resume = false;
    int jobs = 1;
    int blas_threads = 0;  // 0: 1, or OPENBLAS_NUM_THREADS
    std::vector<interp::Override> overrides;
    std::string config_path, config_text;
    std::vector<std::string> set_args;  // each --set as given, for the cluster's tasks
    std::string executor = "local";     // or "slurm"
    interp::SlurmOptions slurm;
    bool dry_run = false;
    std::vector<std::uint64_t> node_keys;  // --node KEY[,KEY...]: a cluster task
    // --max-memory, else what is available; none: no training or evaluation is refused.
    std::optional<interp::MemoryLimit> memory_limit;
};

// The engine's test hooks, read from the environment by the program (never by the
// library): RNN_INTERRUPT_AFTER_EPOCH and RNN_LARGE_ACTIVITY_BYTES.
struct EngineHooks {
    long interrupt_after_epoch = 0;
    double large_activity_bytes = 1e9;
};

EngineHooks engine_hooks();

// Loads and checks the script (diagnostics printed), runs it into its run directory with
// Ctrl-C checkpointing the trainings, and returns the exit code.
int run_request(const RunRequest& r, const rt::BlasChoice& blas);

}  // namespace rnn::cli
