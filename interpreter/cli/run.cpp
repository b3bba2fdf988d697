// rnn run FILE [options]: the arguments into a RunRequest (run_request.cpp runs it).
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/available_memory.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/run_request.hpp"

namespace rnn::cli {

namespace {

constexpr const char* kRunUsage =
    "rnn run FILE [--out DIR] [-j N] [--resume] [--set PATH=VALUE]... [--config FILE.toml] "
    "[--quiet] [--max-memory SIZE] [--executor local|slurm [--partition P] [--time T] "
    "[--cpus-per-task C] [--mem M] "
    "[--dry-run]]";

struct RunArgs {
    RunRequest r;
    std::string max_memory;  // as given
    double max_bytes = 0;
    std::vector<interp::Override> sets;
    std::vector<std::string> slurm_only;  // options that mean something with slurm only
};

// The options for the Slurm executor (at args[i], its value after it); nullopt for another
// option, false (printed) for a wrong value.
std::optional<bool> slurm_option(const Args& args, std::size_t& i, RunArgs& run) {
    const std::string& a = args[i];
    const bool has_next = i + 1 < args.size();
    RunRequest& r = run.r;
    if (a == "--partition" && has_next)
        r.slurm.partition = args[++i];
    else if (a == "--time" && has_next)
        r.slurm.time = args[++i];
    else if (a == "--mem" && has_next)
        r.slurm.mem = args[++i];
    else if (a == "--cpus-per-task" && has_next) {
        if (!parse_jobs(args[++i], r.slurm.cpus_per_task)) {
            fmt::print(stderr, "rnn run: --cpus-per-task needs a number from 1 to 256\n");
            return false;
        }
    } else if (a == "--dry-run")
        r.dry_run = true;
    else
        return std::nullopt;
    run.slurm_only.push_back(a);
    return true;
}

// One option or the script at args[i] (advancing i past an option's value); false
// (printed) when it is wrong.
bool run_argument(const Args& args, std::size_t& i, RunArgs& run) {
    const std::string& a = args[i];
    const bool has_next = i + 1 < args.size();
    RunRequest& r = run.r;
    if (const auto slurm = slurm_option(args, i, run))
        return *slurm;
    if (a == "--out" && has_next)
        r.out = args[++i];
    else if (a == "--quiet")
        r.quiet = true;
    else if (a == "--max-memory" && has_next)
        return max_memory_option(args[++i], run.max_memory, run.max_bytes, "rnn run");
    else if (a == "--resume")
        r.resume = true;
    else if ((a == "-j" || a == "--jobs") && has_next) {
        if (!parse_jobs(args[++i], r.jobs)) {
            fmt::print(stderr, "rnn run: -j needs a number from 1 to 256, not '{}'\n", args[i]);
            return false;
        }
    } else if (a.starts_with("-j") && a.size() > 2) {
        if (!parse_jobs(a.substr(2), r.jobs)) {
            fmt::print(stderr, "rnn run: -j needs a number from 1 to 256, not '{}'\n", a.substr(2));
            return false;
        }
    } else if (a == "--set" && has_next) {
        std::string why;
        const auto o = interp::parse_set(args[++i], why);
        if (!o) {
            fmt::print(stderr, "rnn run: --set {}\n", why);
            return false;
        }
        run.sets.push_back(*o);
        r.set_args.push_back(args[i]);
    } else if (a == "--config" && has_next) {
        if (!r.config_path.empty()) {
            fmt::print(stderr, "rnn run: one --config at a time\n");
            return false;
        }
        r.config_path = args[++i];
    } else if (a == "--executor" && has_next) {
        r.executor = args[++i];
        if (r.executor != "local" && r.executor != "slurm") {
            fmt::print(stderr, "rnn run: --executor is 'local' or 'slurm', not '{}'\n", r.executor);
            return false;
        }
    } else if (a == "--node" && has_next) {
        // Internal: what a cluster task runs (docs/slurm.md), one key or several.
        const std::string list = args[++i];
        const auto keys = parse_node_keys(list);
        if (!keys) {
            fmt::print(stderr,
                       "rnn run: --node needs node keys (16 hex digits each, separated by "
                       "commas), not '{}'\n",
                       list);
            return false;
        }
        r.node_keys.insert(r.node_keys.end(), keys->begin(), keys->end());
    } else if (!a.empty() && a[0] == '-') {
        fmt::print(stderr, "rnn run: unknown option '{}'\n", a);
        return false;
    } else if (r.file.empty())
        r.file = a;
    else {
        fmt::print(stderr, "rnn run: one script at a time ('{}' and '{}')\n", r.file, a);
        return false;
    }
    return true;
}

// The limit the estimates are held against. With Slurm the trainings run on the cluster's
// nodes, not here: against sbatch's --mem (a plain number is MiB there), else only each
// task checks, against what its node and job allow.
// A Slurm driver or task runs part of the program, so only each training and evaluation is
// held against the limit, not the results of the whole run.
std::optional<interp::MemoryLimit> run_memory_limit(const RunArgs& run) {
    const RunRequest& r = run.r;
    const bool part = r.executor == "slurm" || !r.node_keys.empty();
    std::optional<interp::MemoryLimit> limit;
    if (r.executor != "slurm" || !run.max_memory.empty())
        limit = memory_limit(run.max_memory, run.max_bytes);
    else if (!r.slurm.mem.empty()) {
        const bool mib = r.slurm.mem.find_first_not_of("0123456789") == std::string::npos;
        if (const auto bytes = parse_size(mib ? r.slurm.mem + "M" : r.slurm.mem))
            limit = interp::MemoryLimit{*bytes, "allowed by --mem " + r.slurm.mem, true};
    }  // else sbatch judges its own option, and each task checks
    if (limit)
        limit->whole_run = !part;
    return limit;
}

}  // namespace

int cmd_run(const Args& args, const rt::BlasChoice& blas) {
    RunArgs run;
    for (std::size_t i = 0; i < args.size(); ++i)
        if (!run_argument(args, i, run))
            return kUsage;
    RunRequest& r = run.r;
    if (r.file.empty()) {
        fmt::print(stderr, "usage: {}\n", kRunUsage);
        return kUsage;
    }
    if (r.executor != "slurm" && !run.slurm_only.empty()) {
        fmt::print(stderr, "rnn run: {} needs --executor slurm\n", run.slurm_only.front());
        return kUsage;
    }
    if (!r.node_keys.empty() && r.executor != "local") {
        fmt::print(stderr, "rnn run: --node runs one node here; it takes no --executor\n");
        return kUsage;
    }
    if (!read_overrides("rnn run", r, run.sets))
        return kUsage;
    r.memory_limit = run_memory_limit(run);
    return run_request(r, blas);
}

}  // namespace rnn::cli
