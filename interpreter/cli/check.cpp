// rnn check FILE [--set PATH=VALUE]... [--config FILE.toml] [--max-memory SIZE]: the
// overrides are checked with the script, as rnn run would apply them, and each training
// and evaluation against the memory rnn run would allow it. Each evaluation's line says
// what it will write to the run directory and about how many bytes.
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/check/memory.hpp"
#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/available_memory.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/script.hpp"

namespace rnn::cli {

namespace {

// What one evaluation writes (docs/run_directory.md): its signals and arrays, trials x
// steps (x width) float32 each, and trials.csv.
std::pair<std::string, double> saved_line(const interp::Program& p, const interp::EvaluateDef& e) {
    const interp::SavedSizes s = interp::saved_sizes(p, e);
    const auto signals = static_cast<double>(p.tasks.at(e.task).entry->signals.size());
    double bytes = interp::saved_file_bytes(s.trials, s.steps, signals);
    std::string arrays;
    for (const auto& [which, width] : s.widths) {
        // A choice task's targets are one channel of class numbers: the readout's width is
        // their bound, which the estimate takes.
        arrays +=
            fmt::format("{}{} ({}{:.0f} wide)", arrays.empty() ? "" : ", ",
                        interp::saved_array_info(which).word,
                        which == interp::SavedArray::Targets && width > 1 ? "up to " : "", width);
        bytes += interp::saved_file_bytes(s.trials, s.steps, width);
    }
    return {fmt::format("evaluate {} saves about {}: {:.0f} trials x {:.0f} steps of {}{}{} "
                        "signal{}, and trials.csv",
                        e.name, interp::format_bytes(bytes), s.trials, s.steps, arrays,
                        arrays.empty() ? "" : ", ", signals, signals == 1 ? "" : "s"),
            bytes};
}

// One line per evaluation, the first ten of a larger program and a total.
void print_saved(const interp::Program& p) {
    constexpr std::size_t kLines = 10;
    std::size_t n = 0;
    double total = 0;
    for (const auto& [name, e] : p.evaluates) {
        const auto [line, bytes] = saved_line(p, e);
        if (n++ < kLines)
            fmt::print("{}\n", line);
        total += bytes;
    }
    if (n > kLines)
        fmt::print("... and {} more evaluations: about {} in all\n", n - kLines,
                   interp::format_bytes(total));
}

}  // namespace

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
    const interp::Loaded loaded = load_script(r.file, lopt);
    if (!loaded.program)
        return kScriptError;
    print_saved(*loaded.program);
    return kOk;
}

}  // namespace rnn::cli
