// rnn doc [FILE] [--out FILE]: the stdlib reference (Markdown), from the stdlib's schemas;
// with a script, the reference of the tasks it and its includes define instead.
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/script.hpp"
#include "interpreter/task_reference.hpp"
#include "runtime/files.hpp"
#include "stdlib/registry.hpp"

namespace rnn::cli {

int cmd_doc(const Args& args) {
    std::string script, out;
    bool has_out = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--out" && i + 1 < args.size() && !has_out) {
            out = args[++i];
            has_out = true;
        } else if (!args[i].empty() && args[i][0] != '-' && script.empty()) {
            script = args[i];
        } else {
            fmt::print(stderr, "usage: rnn doc [FILE.rnn] [--out FILE]\n");
            return kUsage;
        }
    }
    std::string text;
    if (script.empty()) {
        text = stdlib::reference_markdown();
    } else {
        // The script is checked as `rnn check` would: its tasks exist only once it checks.
        // Its warnings are left out: a file of tasks alone warns that none is used.
        const interp::Loaded loaded = interp::load_file(script);
        if (!loaded.program) {
            fmt::print(stderr, "{}", interp::render_all(loaded, stderr_is_terminal()));
            return kScriptError;
        }
        text = interp::script_task_reference(loaded);
    }
    if (!has_out) {
        fmt::print("{}", text);
        return kOk;
    }
    try {
        rt::write_file_atomically(out, text);
    } catch (const std::exception& e) {
        fmt::print(stderr, "rnn doc: {}\n", e.what());
        return kRuntimeFailure;
    }
    return kOk;
}

}  // namespace rnn::cli
