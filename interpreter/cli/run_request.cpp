#include "interpreter/cli/run_request.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <sys/ioctl.h>

#include <fmt/format.h>

#include "interpreter/cli/blas_threads.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/progress_reporter.hpp"
#include "interpreter/cli/script.hpp"
#include "interpreter/engine/execute.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/load.hpp"
#include "interpreter/paths.hpp"

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
    s.blas_threads = opt.provenance.blas_threads;
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

// The engine's options for the request: provenance, output, scheduling, BLAS, progress
// through `reporter` and the interrupt flag (the mode is set where the options stay: the
// Slurm executor keeps a reference to them).
interp::RunOptions run_options(const RunRequest& r, const interp::Loaded& l,
                               const rt::BlasChoice& blas, interp::Reporter& reporter) {
    interp::RunOptions opt;
    opt.out_dir =
        !r.out.empty() ? std::filesystem::path(r.out)
        : !l.program->output.empty()
            ? std::filesystem::path(l.program->output)
            : std::filesystem::path("runs")
                  / interp::default_run_folder(std::filesystem::path(r.file).filename().string());
    interp::Provenance& from = opt.provenance;
    from.script_path = r.file;
    from.script_text = l.sources.file(0).text;
    for (std::uint32_t id = 1; id < l.files; ++id)
        from.included.emplace_back(l.sources.file(id).path, l.sources.file(id).text);
    for (const auto& o : r.overrides)
        from.overrides.push_back(o.text());
    from.config_path = r.config_path;
    from.config_text = r.config_text;
    from.blas_core = blas.corename;
    from.blas_choice = blas.how;
    from.blas_threads = share_blas_threads(
        r.jobs, r.blas_threads, [&](const std::string& line) { fmt::print(stderr, "{}\n", line); });
    const EngineHooks hooks = engine_hooks();
    opt.reporting.reporter = &reporter;
    opt.reporting.large_activity_bytes = hooks.large_activity_bytes;
    opt.scheduling.jobs = r.jobs;
    opt.scheduling.resume = r.resume;
    opt.scheduling.interrupt = &g_interrupt;
    if (const char* s = std::getenv("RNN_CHECKPOINT_SECONDS"))
        opt.scheduling.checkpoint_seconds = std::atof(s);
    opt.scheduling.interrupt_after_epoch = hooks.interrupt_after_epoch;
    return opt;
}

// How progress is shown: live lines on a terminal, plain lines otherwise, nothing but
// errors with --quiet.
interp::ProgressOptions progress_options(const RunRequest& r) {
    interp::ProgressOptions shown;
    shown.quiet = r.quiet;
    shown.progress_on_terminal = !r.quiet && stderr_is_terminal();
    if (winsize w{}; shown.progress_on_terminal && ::ioctl(2, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
        shown.terminal_columns = w.ws_col;
    shown.log = [](const std::string& line) {
        fmt::print(stderr, "{}\n", line);
    };
    return shown;
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

// The engine's test hooks, which the tests set through the environment (the engine reads no
// variables): RNN_INTERRUPT_AFTER_EPOCH=N raises SIGINT after epoch N of any training, and
// RNN_LARGE_ACTIVITY_BYTES lowers the size of kept activity that gets a note.
EngineHooks engine_hooks() {
    EngineHooks h;
    if (const char* n = std::getenv("RNN_INTERRUPT_AFTER_EPOCH"))
        h.interrupt_after_epoch = std::atol(n);
    if (const char* v = std::getenv("RNN_LARGE_ACTIVITY_BYTES"))
        h.large_activity_bytes = std::strtod(v, nullptr);
    return h;
}

int run_request(const RunRequest& r, const rt::BlasChoice& blas) {
    interp::LoadOptions lopt;
    lopt.overrides = r.overrides;
    lopt.memory_limit = r.memory_limit;
    interp::Loaded l = load_script(r.file, lopt);
    if (!l.program)
        return kScriptError;
    interp::ProgressReporter progress(progress_options(r));
    interp::RunOptions opt = run_options(r, l, blas, progress);
    interp::RemoteExecutor remote;
    if (r.executor == "slurm")
        remote = interp::slurm_executor(slurm_options(r, opt), opt);
    if (!r.node_keys.empty())
        opt.mode = interp::ClusterWorker{r.node_keys};
    else if (r.dry_run)
        opt.mode = interp::DryRun{remote};
    else
        opt.mode = interp::LocalRun{remote, r.executor};
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
    } catch (const std::bad_alloc&) {
        std::signal(SIGINT, SIG_DFL);
        fmt::print(stderr,
                   "rnn: runtime failure: out of memory while running {}: the estimate "
                   "(--max-memory) let it start, but it needed more; use fewer units, a "
                   "smaller batch, fewer evaluation trials or shorter trials, or run fewer "
                   "nodes at once (-j)\n",
                   r.file);
        return kRuntimeFailure;
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
