// Running a sweep's trainings as one Slurm job array (docs/slurm.md).
//
// The driver (`rnn run FILE --executor slurm`) writes OUT/.slurm/job.sh and the mapping
// OUT/.slurm/JOB.tsv (array index, nodes, keys), submits `sbatch --parsable
// --array=0-(n-1)`, and polls `squeue` until every task has left the queue. Each task runs
// `rnn run FILE --out OUT --node K1,K2,...` with the driver's overrides: one unit of
// remote_units() (a training, then the evaluations, alters and analyses that read only it)
// into the shared cache OUT/.cache/KEY. A task that left the queue without every cache
// entry failed; it is reported by its nodes with its log OUT/.slurm/logs/JOB_INDEX.out, and
// the next run submits only the units still missing. The other nodes (plots, analyses
// across trainings) then run on the driver from the cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/engine/execute.hpp"

namespace rnn::interp {

struct SlurmOptions {
    std::string partition, time, mem;  // sbatch's --partition, --time, --mem; "" = its default
    int cpus_per_task = 0;             // 0: the BLAS thread count per node
    int blas_threads = 1;              // OPENBLAS_NUM_THREADS of every task
    std::filesystem::path rnn;         // the rnn program, as the compute nodes run it
    // What follows `rnn run` in a task, before `--node KEY`: the script, --out, overrides.
    std::vector<std::string> worker_args;
    double poll_seconds = 10.0;   // between two looks at the queue
    double grace_seconds = 60.0;  // how long a task that left the queue may take to show its
                                  // cache entry (a shared filesystem's caches) before it failed
};

// `text` as one word for a POSIX shell: in single quotes, each ' written as '\''.
std::string shell_quote(std::string_view text);

// The job script: task i runs `rnn run ARGS --node K1,K2,...` with the keys of units[i].
std::string slurm_job_script(const SlurmOptions& options,
                             const std::vector<std::vector<std::uint64_t>>& units);

// The sbatch command line (program and arguments) for an array of n tasks, the job script
// at `script` and logs under `logs`.
std::vector<std::string> sbatch_command(const SlurmOptions& options, std::size_t n,
                                        const std::filesystem::path& script,
                                        const std::filesystem::path& logs,
                                        const std::string& job_name);

// A RemoteExecutor that runs the given nodes as a Slurm job array (in a dry run: gives the
// job script, the sbatch command and the mapping to the reporter's plan, for stdout, and
// submits nothing). `run` is read when it is called: its mode, reporter and interrupt.
RemoteExecutor slurm_executor(SlurmOptions options, const RunOptions& run);

}  // namespace rnn::interp
