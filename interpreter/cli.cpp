// The `rnn` command: run | check | doc, with compiler-like diagnostics and exit codes
//   0 success, 1 script error (diagnostics printed), 2 usage error, 3 runtime failure.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "grammar/parser.hpp"
#include "interpreter/check.hpp"
#include "interpreter/execute.hpp"
#include "interpreter/training.hpp"
#include "interpreter/version.hpp"
#include "runtime/files.hpp"
#include "stdlib/registry.hpp"

namespace {

constexpr int kOk = 0;
constexpr int kScriptError = 1;
constexpr int kUsage = 2;
constexpr int kRuntimeFailure = 3;

constexpr const char* kHelp = R"(rnn - declarative experiments on recurrent networks

usage:
  rnn run FILE [--out DIR] [--quiet]   check, train, evaluate, analyse and plot FILE
  rnn check FILE                       check FILE and report every problem; run nothing
  rnn doc [--out FILE]                 write the stdlib reference (Markdown)
  rnn --version | --help

The run directory is --out DIR, else the script's `output "..."`, else runs/STEM.

exit codes: 0 success, 1 script error, 2 usage error, 3 runtime failure
)";

bool stderr_is_terminal() {
    return ::isatty(2) == 1;
}

struct Loaded {
    rnn::interp::SourceMap sources;
    std::optional<rnn::interp::Program> program;
    std::string text;
};

// Reads, parses and checks a script; prints diagnostics. Returns nullopt-program on error.
Loaded load(const std::string& path) {
    Loaded out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fmt::print(stderr, "rnn: cannot read '{}'\n", path);
        return out;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    out.text = buf.str();
    const std::uint32_t id = out.sources.add(path, out.text);
    const bool color = stderr_is_terminal();
    rnn::interp::Diagnostics diags;
    try {
        const rnn::ast::Module module = rnn::grammar::parse(out.text, id, path);
        out.program = rnn::interp::check(module, diags);
    } catch (const rnn::grammar::ParseFailure& f) {
        diags.error(f.error.where, f.error.message);
    }
    for (const auto& d : diags.all())
        fmt::print(stderr, "{}", rnn::interp::render(d, out.sources, color));
    if (diags.error_count() > 0)
        fmt::print(stderr, "{} error{} in {}\n", diags.error_count(),
                   diags.error_count() == 1 ? "" : "s", path);
    return out;
}

int cmd_check(const std::vector<std::string>& args) {
    if (args.size() != 1) {
        fmt::print(stderr, "usage: rnn check FILE\n");
        return kUsage;
    }
    const Loaded l = load(args[0]);
    return l.program ? kOk : kScriptError;
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
    Loaded l = load(file);
    if (!l.program)
        return kScriptError;
    rnn::interp::RunOptions opt;
    opt.out_dir = !out.empty() ? std::filesystem::path(out)
                  : !l.program->output.empty()
                      ? std::filesystem::path(l.program->output)
                      : std::filesystem::path("runs") / std::filesystem::path(file).stem();
    opt.script_path = file;
    opt.script_text = l.text;
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
        fmt::print("rnn {}\n", rnn::interp::kVersion);
        return kOk;
    }
    if (cmd == "run")
        return cmd_run(args);
    if (cmd == "check")
        return cmd_check(args);
    if (cmd == "doc")
        return cmd_doc(args);
    fmt::print(stderr, "rnn: unknown command '{}'\n{}", cmd, kHelp);
    return kUsage;
}
