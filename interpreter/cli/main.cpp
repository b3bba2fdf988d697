// The `rnn` command: run | verify | plot | check | fmt | graph | repl | explain | doc, with
// compiler-like diagnostics and exit codes (commands.hpp). Each command is a file of
// interpreter/cli/ named after it; this one dispatches.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "interpreter/cli/commands.hpp"
#include "interpreter/version.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/vector_math.hpp"

namespace rnn::cli {

namespace {

constexpr const char* kHelp = R"(rnn - declarative experiments on recurrent networks

usage:
  rnn run FILE [options]               check, train, evaluate, analyse and plot FILE
      --out DIR                        the run directory
      -j N, --jobs N                   run up to N independent nodes at once (default 1)
      --resume                         go on from the checkpoints of an interrupted run
      --set PATH=VALUE                 override a value (fit.optimizer.lr=0.01); repeatable
      --config FILE.toml               overrides as TOML tables (applied before --set)
      --quiet                          print only errors
      --max-memory SIZE                refuse a training or evaluation whose estimated
                                       peak exceeds SIZE (4G, 512M; default: the memory
                                       available now)
      --executor local|slurm           where the trainings run (default local); slurm:
                                       one sbatch job array, the rest here (docs/slurm.md)
      --partition P, --time T, --cpus-per-task C, --mem M
                                       sbatch's options for the array's tasks
      --dry-run                        with slurm: print the job script and the array's
                                       nodes, submit nothing
  rnn verify RUNDIR [--tolerance REL] [-j N]
                                       check every file of RUNDIR against its manifest,
                                       run its script again and report every file and
                                       metric that differs (bit for bit on the same BLAS
                                       kernels)
  rnn plot RUNDIR [PICTURE...] [--edited]
                                       draw RUNDIR's figures again from their saved .gp
                                       and .dat files, computing nothing; a script rnnlab
                                       cannot vouch for runs only with --edited (it may
                                       run commands: docs/figures.md)
  rnn check FILE [--set ...] [--config ...] [--max-memory SIZE]
                                       check FILE (with overrides, and the memory each
                                       training and evaluation needs) and report every
                                       problem; run nothing
  rnn fmt FILE [--check | --write]     print FILE in the canonical layout; --check: exit 1
                                       if it is not already; --write: rewrite FILE
  rnn graph FILE [--dot]               the execution graph (text, or Graphviz DOT)
  rnn repl [FILE] [--out DIR]          the language interactively (FILE: statements to
                                       start from; DIR: results, default runs/repl)
  rnn explain [CODE] [--markdown]      what a diagnostic code means (all codes without CODE)
  rnn doc [FILE.rnn] [--out FILE]      write the stdlib reference (Markdown); with
                                       FILE.rnn, the reference of the tasks it and the
                                       files it includes define (after checking it)
  rnn --version | --help

The run directory is --out DIR, else the script's `output "..."`, else runs/NAME (NAME:
the script's file name without its extension). Results are cached in it by node key
(DIR/.cache): an unchanged node is not computed again.
Ctrl-C checkpoints the running trainings and stops; run again with --resume to go on.

exit codes: 0 success, 1 script error (or fmt --check: not formatted; verify: files or
            metrics differ; plot: a script not run), 2 usage error (or a run directory refused), 3 runtime failure,
            130 interrupted by Ctrl-C
)";

int dispatch(Args args, const rt::BlasChoice& blas) {
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        fmt::print("{}", kHelp);
        return kOk;
    }
    if (cmd == "--version") {
        fmt::print("rnn {}\nOpenBLAS core: {} (chosen by {})\n", interp::kVersion, blas.corename,
                   blas.how);
        return kOk;
    }
    if (cmd == "run")
        return cmd_run(args, blas);
    if (cmd == "verify")
        return cmd_verify(args, blas);
    if (cmd == "check")
        return cmd_check(args);
    if (cmd == "doc")
        return cmd_doc(args);
    if (cmd == "fmt")
        return cmd_fmt(args);
    if (cmd == "graph")
        return cmd_graph(args);
    if (cmd == "plot")
        return cmd_plot(args);
    if (cmd == "repl")
        return cmd_repl(args, blas);
    if (cmd == "explain")
        return cmd_explain(args);
    fmt::print(stderr, "rnn: unknown command '{}'\n{}", cmd, kHelp);
    return kUsage;
}

}  // namespace

}  // namespace rnn::cli

int main(int argc, char** argv) {
    using namespace rnn::cli;
    // The commands that compute may re-execute the program with faster OpenBLAS kernels
    // (runtime/blas_core.hpp); the others (check, fmt, graph, doc, explain) multiply no
    // matrices, so they skip the second start.
    const bool computes =
        argc > 1
        && (std::string_view(argv[1]) == "run" || std::string_view(argv[1]) == "verify"
            || std::string_view(argv[1]) == "repl" || std::string_view(argv[1]) == "--version");
    const rnn::rt::BlasChoice blas =
        computes ? rnn::rt::choose_blas_kernels(argv)
                 : rnn::rt::BlasChoice{rnn::rt::blas_corename(), "openblas"};
    rnn::rt::configure_compute_thread();
    Args args(argv + 1, argv + argc);
    if (args.empty()) {
        fmt::print(stderr, "{}", kHelp);
        return kUsage;
    }
    try {
        return dispatch(std::move(args), blas);
    } catch (const std::exception& e) {
        // Every command handles what input can cause; what reaches here is a bug.
        fmt::print(stderr, "rnn: {}\n", e.what());
        return kRuntimeFailure;
    }
}
