#include "interpreter/cli/run_request.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/ioctl.h>

#include <fmt/format.h>

#include "interpreter/cli/blas_threads.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/script.hpp"
#include "interpreter/execute.hpp"
#include "interpreter/load.hpp"

namespace rnn::cli {

namespace {

std::atomic<bool> g_interrupt{false};

extern "C" void on_sigint(int) {
    g_interrupt.store(true);
    // A second Ctrl-C ends the process at once (every file is written atomically).
    std::signal(SIGINT, SIG_DFL);
}

// What the cluster's tasks run: this program, the script and run directory as absolute
// paths, and the same overrides (--config, then each --set as given).
interp::SlurmOptions slurm_options(const RunRequest& r, const interp::RunOptions& opt) {
    namespace fs = std::filesystem;
    interp::SlurmOptions s = r.slurm;
    std::error_code ec;
    s.rnn = fs::read_symlink("/proc/self/exe", ec);
    s.blas_threads = opt.blas_threads;
    s.worker_args = {fs::absolute(r.file).lexically_normal().string(), "--out",
                     fs::absolute(opt.out_dir).lexically_normal().string()};
    if (!r.config_path.empty()) {
        s.worker_args.push_back("--config");
        s.worker_args.push_back(fs::absolute(r.config_path).lexically_normal().string());
    }
    for (const auto& set : r.set_args) {
        s.worker_args.push_back("--set");
        s.worker_args.push_back(set);
    }
    if (r.resume)
        s.worker_args.push_back("--resume");
    if (const char* v = std::getenv("RNN_SLURM_POLL_SECONDS"))
        s.poll_seconds = std::max(0.05, std::atof(v));
    if (const char* v = std::getenv("RNN_SLURM_GRACE_SECONDS"))
        s.grace_seconds = std::max(0.0, std::atof(v));
    return s;
}

// The engine's options for the request: provenance, output, scheduling, BLAS and the
// interrupt flag (the Slurm executor is added where the options stay: it keeps a
// reference to them).
interp::RunOptions run_options(const RunRequest& r, const interp::Loaded& l,
                               const rt::BlasChoice& blas) {
    interp::RunOptions opt;
    opt.out_dir = !r.out.empty() ? std::filesystem::path(r.out)
                  : !l.program->output.empty()
                      ? std::filesystem::path(l.program->output)
                      : std::filesystem::path("runs") / std::filesystem::path(r.file).stem();
    opt.script_path = r.file;
    opt.script_text = l.sources.file(0).text;
    for (std::uint32_t id = 1; id < l.files; ++id)
        opt.included.emplace_back(l.sources.file(id).path, l.sources.file(id).text);
    for (const auto& o : r.overrides)
        opt.overrides.push_back(o.text());
    opt.config_path = r.config_path;
    opt.config_text = r.config_text;
    opt.blas_core = blas.corename;
    opt.blas_choice = blas.how;
    opt.quiet = r.quiet;
    opt.progress_on_terminal = !r.quiet && stderr_is_terminal();
    if (winsize w{}; opt.progress_on_terminal && ::ioctl(2, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
        opt.terminal_columns = w.ws_col;
    opt.jobs = r.jobs;
    opt.resume = r.resume;
    opt.blas_threads = share_blas_threads(
        r.jobs, r.blas_threads, [&](const std::string& line) { fmt::print(stderr, "{}\n", line); });
    opt.interrupt = &g_interrupt;
    if (const char* s = std::getenv("RNN_CHECKPOINT_SECONDS"))
        opt.checkpoint_seconds = std::atof(s);
    opt.log = [](const std::string& line) {
        fmt::print(stderr, "{}\n", line);
    };
    opt.node_keys = r.node_keys;
    opt.dry_run = r.dry_run;
    return opt;
}

// Ctrl-C (or Slurm's SIGTERM) stopped the run: how to go on from its checkpoints.
void say_interrupted(const RunRequest& r, const interp::Interrupted& e) {
    if (!r.node_keys.empty())
        fmt::print(stderr,
                   "rnn: {}\n(the next 'rnn run --executor slurm --resume' goes on from this "
                   "checkpoint)\n",
                   e.what());
    else if (r.executor == "slurm")
        fmt::print(stderr, "rnn: {}\nrunning the same command again goes on from there\n",
                   e.what());
    else
        fmt::print(stderr, "rnn: {}\n'rnn run {} --resume' goes on from there (same options)\n",
                   e.what(), r.file);
}

}  // namespace

int run_request(const RunRequest& r, const rt::BlasChoice& blas) {
    interp::LoadOptions lopt;
    lopt.overrides = r.overrides;
    interp::Loaded l = load_script(r.file, lopt);
    if (!l.program)
        return kScriptError;
    interp::RunOptions opt = run_options(r, l, blas);
    if (r.executor == "slurm") {
        opt.executor = r.executor;
        opt.remote = interp::slurm_executor(slurm_options(r, opt), opt);
    }
    g_interrupt.store(false);
    std::signal(SIGINT, on_sigint);
    // Slurm ends a task (scancel, its time limit) with SIGTERM: the task's training then
    // checkpoints as after Ctrl-C, and --resume goes on from there.
    if (!r.node_keys.empty())
        std::signal(SIGTERM, on_sigint);
    try {
        const interp::Graph graph = interp::lower(*l.program);
        interp::execute(*l.program, graph, opt);
    } catch (const interp::Interrupted& e) {
        std::signal(SIGINT, SIG_DFL);
        say_interrupted(r, e);
        return kInterrupted;
    } catch (const interp::RunDirectoryRefused& e) {
        std::signal(SIGINT, SIG_DFL);
        fmt::print(stderr, "rnn: {}\n", e.what());
        return kUsage;
    } catch (const std::exception& e) {
        std::signal(SIGINT, SIG_DFL);
        fmt::print(stderr, "rnn: runtime failure: {}\n", e.what());
        return kRuntimeFailure;
    }
    std::signal(SIGINT, SIG_DFL);
    if (!r.quiet && r.node_keys.empty() && !r.dry_run)
        fmt::print(stderr, "results in {}\n", opt.out_dir.string());
    return kOk;
}

}  // namespace rnn::cli
