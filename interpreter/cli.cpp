// The `rnn` command: run | check | fmt | graph | explain | doc, with compiler-like diagnostics and
// exit codes
//   0 success, 1 script error (diagnostics printed), 2 usage error, 3 runtime failure.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "grammar/format.hpp"
#include "grammar/parser.hpp"
#include "interpreter/execute.hpp"
#include "interpreter/graph_print.hpp"
#include "interpreter/load.hpp"
#include "interpreter/training.hpp"
#include "interpreter/version.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/files.hpp"
#include "runtime/vector_math.hpp"
#include "stdlib/registry.hpp"

namespace {

constexpr int kOk = 0;
constexpr int kScriptError = 1;
constexpr int kUsage = 2;
constexpr int kRuntimeFailure = 3;

rnn::rt::BlasChoice g_blas;  // how the BLAS kernels were chosen; set first thing in main

constexpr const char* kHelp = R"(rnn - declarative experiments on recurrent networks

usage:
  rnn run FILE [--out DIR] [--quiet]   check, train, evaluate, analyse and plot FILE
  rnn check FILE                       check FILE and report every problem; run nothing
  rnn fmt FILE [--check | --write]     print FILE in the canonical layout; --check: exit 1
                                       if it is not already; --write: rewrite FILE
  rnn graph FILE [--dot]               the execution graph (text, or Graphviz DOT)
  rnn explain [CODE] [--markdown]      what a diagnostic code means (all codes without CODE)
  rnn doc [--out FILE]                 write the stdlib reference (Markdown)
  rnn --version | --help

The run directory is --out DIR, else the script's `output "..."`, else runs/STEM.

exit codes: 0 success, 1 script error (or fmt --check: not formatted), 2 usage error,
            3 runtime failure
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

int cmd_check(const std::vector<std::string>& args) {
    if (args.size() != 1) {
        fmt::print(stderr, "usage: rnn check FILE\n");
        return kUsage;
    }
    const auto l = load(args[0]);
    return l.program ? kOk : kScriptError;
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

int cmd_run(const std::vector<std::string>& args) {
    std::string file, out;
    bool quiet = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--out" && i + 1 < args.size())
            out = args[++i];
        else if (args[i] == "--quiet")
            quiet = true;
        else if (!args[i].empty() && args[i][0] == '-') {
            fmt::print(stderr, "rnn run: unknown option '{}'\n", args[i]);
            return kUsage;
        } else if (file.empty())
            file = args[i];
        else {
            fmt::print(stderr, "rnn run: one script at a time ('{}' and '{}')\n", file, args[i]);
            return kUsage;
        }
    }
    if (file.empty()) {
        fmt::print(stderr, "usage: rnn run FILE [--out DIR] [--quiet]\n");
        return kUsage;
    }
    const auto l = load(file);
    if (!l.program)
        return kScriptError;
    rnn::interp::RunOptions opt;
    opt.out_dir = !out.empty() ? std::filesystem::path(out)
                  : !l.program->output.empty()
                      ? std::filesystem::path(l.program->output)
                      : std::filesystem::path("runs") / std::filesystem::path(file).stem();
    opt.script_path = file;
    opt.script_text = l.sources.file(0).text;
    for (std::uint32_t id = 1; id < l.sources.size(); ++id)
        opt.included.emplace_back(l.sources.file(id).path, l.sources.file(id).text);
    opt.blas_core = g_blas.corename;
    opt.blas_choice = g_blas.how;
    opt.quiet = quiet;
    opt.log = [](const std::string& line) {
        fmt::print(stderr, "{}\n", line);
    };
    try {
        const rnn::interp::Graph graph = rnn::interp::lower(*l.program);
        rnn::interp::execute(*l.program, graph, opt);
    } catch (const std::exception& e) {
        fmt::print(stderr, "rnn: runtime failure: {}\n", e.what());
        return kRuntimeFailure;
    }
    if (!quiet)
        fmt::print(stderr, "results in {}\n", opt.out_dir.string());
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

int main(int argc, char** argv) {
    // May re-execute the program with faster OpenBLAS kernels (runtime/blas_core.hpp).
    g_blas = rnn::rt::choose_blas_kernels(argv);
    rnn::rt::configure_compute_thread();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        fmt::print(stderr, "{}", kHelp);
        return kUsage;
    }
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
    if (cmd == "check")
        return cmd_check(args);
    if (cmd == "doc")
        return cmd_doc(args);
    if (cmd == "fmt")
        return cmd_fmt(args);
    if (cmd == "graph")
        return cmd_graph(args);
    if (cmd == "explain")
        return cmd_explain(args);
    fmt::print(stderr, "rnn: unknown command '{}'\n{}", cmd, kHelp);
    return kUsage;
}
