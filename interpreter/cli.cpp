// The `rnn` command: run | check | fmt | graph | repl | explain | doc, with compiler-like
// diagnostics and exit codes
//   0 success, 1 script error (diagnostics printed), 2 usage error, 3 runtime failure.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "grammar/format.hpp"
#include "grammar/parser.hpp"
#include "interpreter/cli/progress_reporter.hpp"
#include "interpreter/engine/execute.hpp"
#include "interpreter/engine/slurm.hpp"
#include "interpreter/graph/graph_print.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/load.hpp"
#include "interpreter/repl.hpp"
#include "interpreter/training.hpp"
#include "interpreter/version.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/vector_math.hpp"
#include "stdlib/registry.hpp"

extern "C" void openblas_set_num_threads(int);

namespace {

constexpr int kOk = 0;
constexpr int kScriptError = 1;
constexpr int kUsage = 2;
constexpr int kRuntimeFailure = 3;
constexpr int kInterrupted = 130;  // stopped by Ctrl-C (128 + SIGINT), trainings checkpointed

constexpr const char* kRunUsage =
    "rnn run FILE [--out DIR] [-j N] [--resume] [--set PATH=VALUE]... [--config FILE.toml] "
    "[--quiet] [--executor local|slurm [--partition P] [--time T] [--cpus-per-task C] [--mem M] "
    "[--dry-run]]";

rnn::rt::BlasChoice g_blas;  // how the BLAS kernels were chosen; set first thing in main

constexpr const char* kHelp = R"(rnn - declarative experiments on recurrent networks

usage:
  rnn run FILE [options]               check, train, evaluate, analyse and plot FILE
      --out DIR                        the run directory
      -j N, --jobs N                   run up to N independent nodes at once (default 1)
      --resume                         go on from the checkpoints of an interrupted run
      --set PATH=VALUE                 override a value (fit.optimizer.lr=0.01); repeatable
      --config FILE.toml               overrides as TOML tables (applied before --set)
      --quiet                          print only errors
      --executor local|slurm           where the trainings run (default local); slurm:
                                       one sbatch job array, the rest here (docs/slurm.md)
      --partition P, --time T, --cpus-per-task C, --mem M
                                       sbatch's options for the array's tasks
      --dry-run                        with slurm: print the job script and the array's
                                       nodes, submit nothing
  rnn verify RUNDIR [--tolerance REL] [-j N]
                                       run RUNDIR's script again and report every metric
                                       that differs (bit for bit on the same BLAS kernels)
  rnn check FILE [--set ...] [--config ...]
                                       check FILE (with overrides) and report every
                                       problem; run nothing
  rnn fmt FILE [--check | --write]     print FILE in the canonical layout; --check: exit 1
                                       if it is not already; --write: rewrite FILE
  rnn graph FILE [--dot]               the execution graph (text, or Graphviz DOT)
  rnn repl [FILE] [--out DIR]          the language interactively (FILE: statements to
                                       start from; DIR: results, default runs/repl)
  rnn explain [CODE] [--markdown]      what a diagnostic code means (all codes without CODE)
  rnn doc [--out FILE]                 write the stdlib reference (Markdown)
  rnn --version | --help

The run directory is --out DIR, else the script's `output "..."`, else runs/STEM. Results
are cached in it by node key (DIR/.cache): an unchanged node is not computed again.
Ctrl-C checkpoints the running trainings and stops; run again with --resume to go on.

exit codes: 0 success, 1 script error (or fmt --check: not formatted; verify: metrics
            differ), 2 usage error (or a run directory refused), 3 runtime failure,
            130 interrupted by Ctrl-C
)";

bool stderr_is_terminal() {
    return ::isatty(2) == 1;
}

// Reads, parses and checks a script with the files it includes; prints the diagnostics.
rnn::interp::Loaded load(const std::string& path) {
    rnn::interp::Loaded loaded = rnn::interp::load_file(path);
    fmt::print(stderr, "{}", rnn::interp::render_all(loaded, stderr_is_terminal()));
    return loaded;
}

int cmd_fmt(const std::vector<std::string>& args) {
    std::string file;
    bool check = false, write = false;
    for (const auto& a : args) {
        if (a == "--check")
            check = true;
        else if (a == "--write")
            write = true;
        else if (!a.empty() && a[0] != '-' && file.empty())
            file = a;
        else {
            fmt::print(stderr, "usage: rnn fmt FILE [--check | --write]\n");
            return kUsage;
        }
    }
    if (file.empty() || (check && write)) {
        fmt::print(stderr, "usage: rnn fmt FILE [--check | --write]\n");
        return kUsage;
    }
    // Formatting needs only the syntax: a file that does not check yet can still be laid out.
    rnn::interp::SourceMap sources;
    std::string why;
    const auto read = rnn::rt::read_file(file, why);
    if (!read) {
        fmt::print(stderr, "{}: error: cannot read the script: {} [E0001]\n", file, why);
        return kScriptError;
    }
    const std::string& text = *read;
    const std::uint32_t id = sources.add(file, text);
    std::string formatted;
    try {
        formatted = rnn::grammar::format_module(rnn::grammar::parse(text, id, file), text);
    } catch (const rnn::grammar::ParseFailure& f) {
        rnn::interp::Diagnostics diags;
        diags.error(
            rnn::interp::code_from_id(f.error.code).value_or(rnn::interp::Code::ExpectedStatement),
            f.error.where, f.error.message);
        fmt::print(stderr, "{}",
                   rnn::interp::render(diags.all().front(), sources, stderr_is_terminal()));
        return kScriptError;
    }
    if (check) {
        if (formatted == text)
            return kOk;
        fmt::print(stderr, "{}: not in the canonical layout (run 'rnn fmt {} --write')\n", file,
                   file);
        return kScriptError;
    }
    if (write) {
        if (formatted != text) {
            try {
                rnn::rt::write_file_atomically(file, formatted);
            } catch (const std::exception& e) {
                fmt::print(stderr, "rnn fmt: {}\n", e.what());
                return kRuntimeFailure;
            }
        }
        return kOk;
    }
    fmt::print("{}", formatted);
    return kOk;
}

int cmd_graph(const std::vector<std::string>& args) {
    std::string file;
    bool dot = false;
    for (const auto& a : args) {
        if (a == "--dot")
            dot = true;
        else if (!a.empty() && a[0] != '-' && file.empty())
            file = a;
        else {
            fmt::print(stderr, "usage: rnn graph FILE [--dot]\n");
            return kUsage;
        }
    }
    if (file.empty()) {
        fmt::print(stderr, "usage: rnn graph FILE [--dot]\n");
        return kUsage;
    }
    const auto l = load(file);
    if (!l.program)
        return kScriptError;
    const rnn::interp::Graph graph = rnn::interp::lower(*l.program);
    fmt::print("{}", dot ? rnn::interp::graph_dot(graph) : rnn::interp::graph_text(graph));
    return kOk;
}

int cmd_explain(const std::vector<std::string>& args) {
    bool markdown = false;
    std::string code;
    for (const auto& a : args) {
        if (a == "--markdown")
            markdown = true;
        else if (!a.empty() && a[0] != '-' && code.empty())
            code = a;
        else {
            fmt::print(stderr, "usage: rnn explain [CODE] [--markdown]\n");
            return kUsage;
        }
    }
    const auto& all = rnn::interp::all_codes();
    if (!code.empty()) {
        for (auto& c : code)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const auto found = rnn::interp::code_from_id(code);
        if (!found) {
            fmt::print(stderr, "rnn explain: no diagnostic has the code '{}'\n", code);
            return kUsage;
        }
        const auto& info = rnn::interp::code_info(*found);
        fmt::print("{}: {}\n", info.id, info.summary);
        return kOk;
    }
    if (markdown) {
        fmt::print(
            "# Diagnostic codes\n\n"
            "<!-- Generated by `rnn explain --markdown`; do not edit. -->\n\n"
            "Every message of `rnn check` ends with its code, e.g. `[E0202]`. Codes "
            "starting with W are warnings; the rest are errors. Each code has a golden "
            "script under `tests/scripts/check/` that shows it.\n\n"
            "| code | meaning |\n| --- | --- |\n");
        for (const auto& c : all)
            fmt::print("| {} | {} |\n", c.id, c.summary);
        return kOk;
    }
    for (const auto& c : all)
        fmt::print("{}  {}\n", c.id, c.summary);
    return kOk;
}

// What `rnn run` and `rnn verify` share: how to run a script.
struct RunRequest {
    std::string file;
    std::string out;
    bool quiet = false;
    bool resume = false;
    int jobs = 1;
    int blas_threads = 0;  // 0: 1, or OPENBLAS_NUM_THREADS
    std::vector<rnn::interp::Override> overrides;
    std::string config_path, config_text;
    std::vector<std::string> set_args;  // each --set as given, for the cluster's tasks
    std::string executor = "local";     // or "slurm"
    rnn::interp::SlurmOptions slurm;
    bool dry_run = false;
    std::vector<std::uint64_t> node_keys;  // --node KEY[,KEY...]: a cluster task
};

std::atomic<bool> g_interrupt{false};

extern "C" void on_sigint(int) {
    g_interrupt.store(true);
    // A second Ctrl-C ends the process at once (every file is written atomically).
    std::signal(SIGINT, SIG_DFL);
}

// BLAS threads per node. OpenBLAS's results depend on its thread count (a matrix-vector
// product split over threads sums in another order), so the count must not follow -j: it
// is 1 unless OPENBLAS_NUM_THREADS asks for more, and then at most cores / jobs, so that
// the nodes running at once never ask for more threads than there are cores. `requested`
// (from verify: the manifest's count) replaces the environment.
int share_blas_threads(int jobs, int requested, const std::function<void(std::string)>& say) {
    const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    int threads = requested;
    if (threads <= 0) {
        threads = 1;
        if (const char* env = std::getenv("OPENBLAS_NUM_THREADS"))
            threads = std::max(1, std::atoi(env));
    }
    const int fit = std::max(1, cores / std::max(1, jobs));
    if (threads > fit) {
        say(
            fmt::format("rnn: {} BLAS threads per node for {} nodes at once would oversubscribe {} "
                        "cores: using {} (the numbers may differ from a run with {})",
                        threads, jobs, cores, fit, threads));
        threads = fit;
    }
    openblas_set_num_threads(threads);
    return threads;
}

// What the cluster's tasks run: this program, the script and run directory as absolute
// paths, and the same overrides (--config, then each --set as given).
rnn::interp::SlurmOptions slurm_options(const RunRequest& r, const rnn::interp::RunOptions& opt) {
    namespace fs = std::filesystem;
    rnn::interp::SlurmOptions s = r.slurm;
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

// The engine's test hooks, which the tests set through the environment (the engine reads no
// variables): RNN_INTERRUPT_AFTER_EPOCH=N raises SIGINT after epoch N of any training, and
// RNN_LARGE_ACTIVITY_BYTES lowers the size of kept activity that gets a note.
struct EngineHooks {
    long interrupt_after_epoch = 0;
    double large_activity_bytes = 1e9;
};

EngineHooks engine_hooks() {
    EngineHooks h;
    if (const char* n = std::getenv("RNN_INTERRUPT_AFTER_EPOCH"))
        h.interrupt_after_epoch = std::atol(n);
    if (const char* v = std::getenv("RNN_LARGE_ACTIVITY_BYTES"))
        h.large_activity_bytes = std::strtod(v, nullptr);
    return h;
}

int run_request(const RunRequest& r) {
    rnn::interp::LoadOptions lopt;
    lopt.overrides = r.overrides;
    rnn::interp::Loaded l = rnn::interp::load_file(r.file, lopt);
    fmt::print(stderr, "{}", rnn::interp::render_all(l, stderr_is_terminal()));
    if (!l.program)
        return kScriptError;
    rnn::interp::RunOptions opt;
    opt.out_dir = !r.out.empty() ? std::filesystem::path(r.out)
                  : !l.program->output.empty()
                      ? std::filesystem::path(l.program->output)
                      : std::filesystem::path("runs") / std::filesystem::path(r.file).stem();
    rnn::interp::Provenance& from = opt.provenance;
    from.script_path = r.file;
    from.script_text = l.sources.file(0).text;
    for (std::uint32_t id = 1; id < l.files; ++id)
        from.included.emplace_back(l.sources.file(id).path, l.sources.file(id).text);
    for (const auto& o : r.overrides)
        from.overrides.push_back(o.text());
    from.config_path = r.config_path;
    from.config_text = r.config_text;
    from.blas_core = g_blas.corename;
    from.blas_choice = g_blas.how;
    rnn::interp::ProgressOptions shown;
    shown.quiet = r.quiet;
    shown.progress_on_terminal = !r.quiet && stderr_is_terminal();
    if (winsize w{}; shown.progress_on_terminal && ::ioctl(2, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
        shown.terminal_columns = w.ws_col;
    shown.log = [](const std::string& line) {
        fmt::print(stderr, "{}\n", line);
    };
    rnn::interp::ProgressReporter progress(shown);
    const EngineHooks hooks = engine_hooks();
    opt.reporting.reporter = &progress;
    opt.reporting.large_activity_bytes = hooks.large_activity_bytes;
    opt.scheduling.jobs = r.jobs;
    opt.scheduling.resume = r.resume;
    from.blas_threads = share_blas_threads(
        r.jobs, r.blas_threads, [&](const std::string& line) { fmt::print(stderr, "{}\n", line); });
    opt.scheduling.interrupt = &g_interrupt;
    if (const char* s = std::getenv("RNN_CHECKPOINT_SECONDS"))
        opt.scheduling.checkpoint_seconds = std::atof(s);
    opt.scheduling.interrupt_after_epoch = hooks.interrupt_after_epoch;
    rnn::interp::RemoteExecutor remote;
    if (r.executor == "slurm")
        remote = rnn::interp::slurm_executor(slurm_options(r, opt), opt);
    if (!r.node_keys.empty())
        opt.mode = rnn::interp::ClusterWorker{r.node_keys};
    else if (r.dry_run)
        opt.mode = rnn::interp::DryRun{remote};
    else
        opt.mode = rnn::interp::LocalRun{remote, r.executor};
    g_interrupt.store(false);
    std::signal(SIGINT, on_sigint);
    // Slurm ends a task (scancel, its time limit) with SIGTERM: the task's training then
    // checkpoints as after Ctrl-C, and --resume goes on from there.
    if (!r.node_keys.empty())
        std::signal(SIGTERM, on_sigint);
    try {
        const rnn::interp::Graph graph = rnn::interp::lower(*l.program);
        rnn::interp::execute(*l.program, graph, opt);
    } catch (const rnn::interp::Interrupted& e) {
        std::signal(SIGINT, SIG_DFL);
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
        return kInterrupted;
    } catch (const rnn::interp::RunDirectoryRefused& e) {
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

// -j N, -jN, --jobs N: a whole number from 1 to 256.
bool parse_jobs(const std::string& text, int& jobs) {
    char* end = nullptr;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 1 || n > 256)
        return false;
    jobs = static_cast<int>(n);
    return true;
}

// The --config file's overrides, then each --set: into r.overrides. False (printed) when
// the config cannot be read or is not TOML with .rnn values.
bool read_overrides(const char* cmd, RunRequest& r,
                    const std::vector<rnn::interp::Override>& sets) {
    if (!r.config_path.empty()) {
        std::string why;
        const auto text = rnn::rt::read_file(r.config_path, why);
        if (!text) {
            fmt::print(stderr, "{}: cannot read '{}': {}\n", cmd, r.config_path, why);
            return false;
        }
        r.config_text = *text;
        const auto overrides = rnn::interp::parse_config(*text, r.config_path, why);
        if (!overrides) {
            fmt::print(stderr, "{}: {}: {}\n", cmd, r.config_path, why);
            return false;
        }
        r.overrides = *overrides;
    }
    r.overrides.insert(r.overrides.end(), sets.begin(), sets.end());
    return true;
}

int cmd_run(const std::vector<std::string>& args) {
    RunRequest r;
    std::vector<rnn::interp::Override> sets;
    std::vector<std::string> slurm_only;  // options that mean something with slurm only
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_next = i + 1 < args.size();
        if (a == "--out" && has_next)
            r.out = args[++i];
        else if (a == "--quiet")
            r.quiet = true;
        else if (a == "--resume")
            r.resume = true;
        else if ((a == "-j" || a == "--jobs") && has_next) {
            if (!parse_jobs(args[++i], r.jobs)) {
                fmt::print(stderr, "rnn run: -j needs a number from 1 to 256, not '{}'\n", args[i]);
                return kUsage;
            }
        } else if (a.starts_with("-j") && a.size() > 2) {
            if (!parse_jobs(a.substr(2), r.jobs)) {
                fmt::print(stderr, "rnn run: -j needs a number from 1 to 256, not '{}'\n",
                           a.substr(2));
                return kUsage;
            }
        } else if (a == "--set" && has_next) {
            std::string why;
            const auto o = rnn::interp::parse_set(args[++i], why);
            if (!o) {
                fmt::print(stderr, "rnn run: --set {}\n", why);
                return kUsage;
            }
            sets.push_back(*o);
            r.set_args.push_back(args[i]);
        } else if (a == "--config" && has_next) {
            if (!r.config_path.empty()) {
                fmt::print(stderr, "rnn run: one --config at a time\n");
                return kUsage;
            }
            r.config_path = args[++i];
        } else if (a == "--executor" && has_next) {
            r.executor = args[++i];
            if (r.executor != "local" && r.executor != "slurm") {
                fmt::print(stderr, "rnn run: --executor is 'local' or 'slurm', not '{}'\n",
                           r.executor);
                return kUsage;
            }
        } else if (a == "--partition" && has_next) {
            r.slurm.partition = args[++i];
            slurm_only.push_back(a);
        } else if (a == "--time" && has_next) {
            r.slurm.time = args[++i];
            slurm_only.push_back(a);
        } else if (a == "--mem" && has_next) {
            r.slurm.mem = args[++i];
            slurm_only.push_back(a);
        } else if (a == "--cpus-per-task" && has_next) {
            if (!parse_jobs(args[++i], r.slurm.cpus_per_task)) {
                fmt::print(stderr, "rnn run: --cpus-per-task needs a number from 1 to 256\n");
                return kUsage;
            }
            slurm_only.push_back(a);
        } else if (a == "--dry-run") {
            r.dry_run = true;
            slurm_only.push_back(a);
        } else if (a == "--node" && has_next) {
            // Internal: what a cluster task runs (docs/slurm.md), one key or several.
            const std::string list = args[++i];
            for (std::size_t from = 0;;) {
                const std::size_t comma = std::min(list.find(',', from), list.size());
                const std::string key = list.substr(from, comma - from);
                if (key.size() != 16
                    || key.find_first_not_of("0123456789abcdef") != std::string::npos) {
                    fmt::print(stderr,
                               "rnn run: --node needs node keys (16 hex digits each, separated "
                               "by commas), not '{}'\n",
                               list);
                    return kUsage;
                }
                r.node_keys.push_back(std::stoull(key, nullptr, 16));
                if (comma == list.size())
                    break;
                from = comma + 1;
            }
        } else if (!a.empty() && a[0] == '-') {
            fmt::print(stderr, "rnn run: unknown option '{}'\n", a);
            return kUsage;
        } else if (r.file.empty())
            r.file = a;
        else {
            fmt::print(stderr, "rnn run: one script at a time ('{}' and '{}')\n", r.file, a);
            return kUsage;
        }
    }
    if (r.file.empty()) {
        fmt::print(stderr, "usage: {}\n", kRunUsage);
        return kUsage;
    }
    if (r.executor != "slurm" && !slurm_only.empty()) {
        fmt::print(stderr, "rnn run: {} needs --executor slurm\n", slurm_only.front());
        return kUsage;
    }
    if (!r.node_keys.empty() && r.executor != "local") {
        fmt::print(stderr, "rnn run: --node runs one node here; it takes no --executor\n");
        return kUsage;
    }
    if (!read_overrides("rnn run", r, sets))
        return kUsage;
    return run_request(r);
}

// rnn check FILE [--set PATH=VALUE]... [--config FILE.toml]: the overrides are checked
// with the script, as rnn run would apply them.
int cmd_check(const std::vector<std::string>& args) {
    RunRequest r;
    std::vector<rnn::interp::Override> sets;
    constexpr const char* usage =
        "usage: rnn check FILE [--set PATH=VALUE]... [--config FILE.toml]\n";
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_next = i + 1 < args.size();
        if (a == "--set" && has_next) {
            std::string why;
            const auto o = rnn::interp::parse_set(args[++i], why);
            if (!o) {
                fmt::print(stderr, "rnn check: --set {}\n", why);
                return kUsage;
            }
            sets.push_back(*o);
        } else if (a == "--config" && has_next && r.config_path.empty())
            r.config_path = args[++i];
        else if (!a.empty() && a[0] != '-' && r.file.empty())
            r.file = a;
        else {
            fmt::print(stderr, "{}", usage);
            return kUsage;
        }
    }
    if (r.file.empty()) {
        fmt::print(stderr, "{}", usage);
        return kUsage;
    }
    if (!read_overrides("rnn check", r, sets))
        return kUsage;
    rnn::interp::LoadOptions lopt;
    lopt.overrides = r.overrides;
    const rnn::interp::Loaded l = rnn::interp::load_file(r.file, lopt);
    fmt::print(stderr, "{}", rnn::interp::render_all(l, stderr_is_terminal()));
    return l.program ? kOk : kScriptError;
}

// The metrics of a metrics.toml as (path, values), numbers only, in order.
void flatten_metrics(const toml::node& n, const std::string& path,
                     std::vector<std::pair<std::string, std::vector<double>>>& out) {
    if (const auto* t = n.as_table()) {
        for (const auto& [k, v] : *t)
            flatten_metrics(
                v, path.empty() ? std::string(k.str()) : path + "." + std::string(k.str()), out);
    } else if (const auto* a = n.as_array()) {
        std::vector<double> values;
        for (const auto& v : *a)
            values.push_back(v.value<double>().value_or(std::nan("")));
        out.emplace_back(path, values);
    } else if (n.is_number() || n.is_boolean()) {
        out.emplace_back(path,
                         std::vector<double>{n.is_boolean() ? (*n.value<bool>() ? 1.0 : 0.0)
                                                            : n.value<double>().value_or(0.0)});
    }
}

bool same_value(double a, double b, double tolerance) {
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    if (tolerance == 0.0)
        return std::memcmp(&a, &b, sizeof a) == 0;
    return std::abs(a - b) <= tolerance * std::max({1.0, std::abs(a), std::abs(b)});
}

// rnn verify RUNDIR: runs the manifest's script with its overrides again into
// RUNDIR/.verify/ (no cache) and compares every metric with metrics.toml.
int cmd_verify(const std::vector<std::string>& args) {
    std::string dir;
    double tolerance = -1.0;
    int jobs = 1;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--tolerance" && i + 1 < args.size()) {
            char* end = nullptr;
            tolerance = std::strtod(args[++i].c_str(), &end);
            if (*end != '\0' || !(tolerance >= 0.0)) {
                fmt::print(stderr, "rnn verify: --tolerance needs a number >= 0\n");
                return kUsage;
            }
        } else if ((args[i] == "-j" || args[i] == "--jobs") && i + 1 < args.size()) {
            if (!parse_jobs(args[++i], jobs)) {
                fmt::print(stderr, "rnn verify: -j needs a number from 1 to 256\n");
                return kUsage;
            }
        } else if (!args[i].empty() && args[i][0] != '-' && dir.empty())
            dir = args[i];
        else {
            fmt::print(stderr, "usage: rnn verify RUNDIR [--tolerance REL] [-j N]\n");
            return kUsage;
        }
    }
    if (dir.empty()) {
        fmt::print(stderr, "usage: rnn verify RUNDIR [--tolerance REL] [-j N]\n");
        return kUsage;
    }
    const std::filesystem::path run(dir);
    toml::table manifest, metrics;
    try {
        manifest = toml::parse_file((run / "manifest.toml").string());
        metrics = toml::parse_file((run / "metrics.toml").string());
    } catch (const toml::parse_error& e) {
        fmt::print(stderr, "rnn verify: '{}' is not a complete run directory: {}\n", dir,
                   e.description());
        return kUsage;
    }
    if (!manifest["run"]["complete"].value_or(false)) {
        fmt::print(stderr, "rnn verify: the run in '{}' did not complete\n", dir);
        return kUsage;
    }
    RunRequest r;
    r.file =
        manifest["script"]["absolute"].value_or(manifest["script"]["path"].value_or(std::string()));
    std::string why;
    const auto text = rnn::rt::read_file(r.file, why);
    if (!text) {
        fmt::print(stderr, "rnn verify: cannot read the script '{}': {}\n", r.file, why);
        return kUsage;
    }
    const std::string recorded = manifest["script"]["hash"].value_or(std::string());
    if (rnn::rt::hex64(rnn::rt::hash64(*text)) != recorded) {
        fmt::print(stderr, "rnn verify: '{}' changed since the run (its hash was {})\n", r.file,
                   recorded);
        return kUsage;
    }
    if (const auto* includes = manifest["script"]["includes"].as_array())
        for (const auto& inc : *includes) {
            const std::string path = inc.at_path("path").value_or(std::string());
            const auto included = rnn::rt::read_file(path, why);
            if (!included
                || rnn::rt::hex64(rnn::rt::hash64(*included))
                       != inc.at_path("hash").value_or(std::string())) {
                fmt::print(stderr, "rnn verify: the included file '{}' changed since the run\n",
                           path);
                return kUsage;
            }
        }
    if (const auto* applied = manifest["overrides"]["applied"].as_array())
        for (const auto& o : *applied) {
            const auto parsed = rnn::interp::parse_set(o.value_or(std::string()), why);
            if (!parsed) {
                fmt::print(stderr, "rnn verify: the manifest's override {}\n", why);
                return kUsage;
            }
            r.overrides.push_back(*parsed);
        }
    const std::string core = manifest["blas"]["core"].value_or(std::string());
    if (tolerance < 0.0)
        tolerance = core == g_blas.corename ? 0.0 : 1e-4;
    r.blas_threads = static_cast<int>(manifest["blas"]["threads"].value_or(std::int64_t{1}));
    r.out = (run / ".verify").string();
    r.quiet = true;
    r.jobs = jobs;
    std::filesystem::remove_all(r.out);
    fmt::print(stderr, "verify: running {} again into {}\n", r.file, r.out);
    if (const int code = run_request(r); code != kOk)
        return code;
    toml::table again;
    try {
        again = toml::parse_file((std::filesystem::path(r.out) / "metrics.toml").string());
    } catch (const toml::parse_error& e) {
        fmt::print(stderr, "rnn verify: {}\n", e.description());
        return kRuntimeFailure;
    }
    std::vector<std::pair<std::string, std::vector<double>>> before, after;
    flatten_metrics(metrics, "", before);
    flatten_metrics(again, "", after);
    const std::map<std::string, std::vector<double>> now(after.begin(), after.end());
    std::size_t differ = 0;
    for (const auto& [path, values] : before) {
        const auto it = now.find(path);
        if (it == now.end()) {
            fmt::print("{}: missing in the new run\n", path);
            ++differ;
            continue;
        }
        if (it->second.size() != values.size()) {
            fmt::print("{}: {} values in the run, {} now\n", path, values.size(),
                       it->second.size());
            ++differ;
            continue;
        }
        for (std::size_t k = 0; k < values.size(); ++k)
            if (!same_value(values[k], it->second[k], tolerance)) {
                fmt::print("{}{}: {:.17g} in the run, {:.17g} now\n", path,
                           values.size() > 1 ? fmt::format("[{}]", k) : std::string(), values[k],
                           it->second[k]);
                ++differ;
            }
    }
    const std::string how = tolerance == 0.0 ? std::string("bit for bit (same BLAS kernels)")
                                             : fmt::format(
                                                 "within a relative tolerance of {:g} (kernels: {} "
                                                 "in the run, {} now)",
                                                 tolerance, core, g_blas.corename);
    if (differ > 0) {
        fmt::print(stderr,
                   "verify: {} metric value{} differ{}, compared {}; the new run is in {}\n",
                   differ, differ == 1 ? "" : "s", differ == 1 ? "s" : "", how, r.out);
        return kScriptError;
    }
    fmt::print(stderr, "verify: all {} metrics agree, {}\n", before.size(), how);
    std::filesystem::remove_all(r.out);
    return kOk;
}

int cmd_doc(const std::vector<std::string>& args) {
    const std::string text = rnn::stdlib::reference_markdown();
    if (args.empty()) {
        fmt::print("{}", text);
        return kOk;
    }
    if (args.size() == 2 && args[0] == "--out") {
        try {
            rnn::rt::write_file_atomically(args[1], text);
        } catch (const std::exception& e) {
            fmt::print(stderr, "rnn doc: {}\n", e.what());
            return kRuntimeFailure;
        }
        return kOk;
    }
    fmt::print(stderr, "usage: rnn doc [--out FILE]\n");
    return kUsage;
}

}  // namespace

int dispatch(std::vector<std::string> args);

int main(int argc, char** argv) {
    // May re-execute the program with faster OpenBLAS kernels (runtime/blas_core.hpp).
    g_blas = rnn::rt::choose_blas_kernels(argv);
    rnn::rt::configure_compute_thread();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        fmt::print(stderr, "{}", kHelp);
        return kUsage;
    }
    try {
        return dispatch(std::move(args));
    } catch (const std::exception& e) {
        // Every command handles what input can cause; what reaches here is a bug.
        fmt::print(stderr, "rnn: {}\n", e.what());
        return kRuntimeFailure;
    }
}

int dispatch(std::vector<std::string> args) {
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        fmt::print("{}", kHelp);
        return kOk;
    }
    if (cmd == "--version") {
        fmt::print("rnn {}\nOpenBLAS core: {} (chosen by {})\n", rnn::interp::kVersion,
                   g_blas.corename, g_blas.how);
        return kOk;
    }
    if (cmd == "run")
        return cmd_run(args);
    if (cmd == "verify")
        return cmd_verify(args);
    if (cmd == "check")
        return cmd_check(args);
    if (cmd == "doc")
        return cmd_doc(args);
    if (cmd == "fmt")
        return cmd_fmt(args);
    if (cmd == "graph")
        return cmd_graph(args);
    if (cmd == "repl") {
        const int threads = share_blas_threads(
            1, 0, [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
        const EngineHooks hooks = engine_hooks();
        return rnn::interp::run_repl(args, threads, g_blas.corename, g_blas.how,
                                     hooks.interrupt_after_epoch, hooks.large_activity_bytes);
    }
    if (cmd == "explain")
        return cmd_explain(args);
    fmt::print(stderr, "rnn: unknown command '{}'\n{}", cmd, kHelp);
    return kUsage;
}
