// rnn doc [--out FILE]: the stdlib reference (Markdown), from the stdlib's schemas.
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/commands.hpp"
#include "runtime/files.hpp"
#include "stdlib/registry.hpp"

namespace rnn::cli {

int cmd_doc(const Args& args) {
    const std::string text = stdlib::reference_markdown();
    if (args.empty()) {
        fmt::print("{}", text);
        return kOk;
    }
    if (args.size() == 2 && args[0] == "--out") {
        try {
            rt::write_file_atomically(args[1], text);
        } catch (const std::exception& e) {
            fmt::print(stderr, "rnn doc: {}\n", e.what());
            return kRuntimeFailure;
        }
        return kOk;
    }
    fmt::print(stderr, "usage: rnn doc [--out FILE]\n");
    return kUsage;
}

}  // namespace rnn::cli
