// rnn check FILE [--set PATH=VALUE]... [--config FILE.toml] [--max-memory SIZE]: the
// overrides are checked with the script, as rnn run would apply them, and each training
// and evaluation against the memory rnn run would allow it.
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/available_memory.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/script.hpp"

namespace rnn::cli {

int cmd_check(const Args& args) {
    RunRequest r;
    std::vector<interp::Override> sets;
    std::string max_memory;
    double max_bytes = 0;
    constexpr const char* usage =
        "usage: rnn check FILE [--set PATH=VALUE]... [--config FILE.toml] [--max-memory SIZE]\n";
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_next = i + 1 < args.size();
        if (a == "--set" && has_next) {
            std::string why;
            const auto o = interp::parse_set(args[++i], why);
            if (!o) {
                fmt::print(stderr, "rnn check: --set {}\n", why);
                return kUsage;
            }
            sets.push_back(*o);
        } else if (a == "--config" && has_next && r.config_path.empty())
            r.config_path = args[++i];
        else if (a == "--max-memory" && has_next) {
            if (!max_memory_option(args[++i], max_memory, max_bytes, "rnn check"))
                return kUsage;
        } else if (!a.empty() && a[0] != '-' && r.file.empty())
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
    interp::LoadOptions lopt;
    lopt.overrides = r.overrides;
    lopt.memory_limit = memory_limit(max_memory, max_bytes);
    return load_script(r.file, lopt).program ? kOk : kScriptError;
}

}  // namespace rnn::cli
