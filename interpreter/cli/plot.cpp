// `rnn plot RUN [PICTURE...] [--edited]`: draws the figures of a run directory again from
// their saved scripts and data (<stem>.gp, <stem>.dat), computing nothing. A run directory
// may come from anyone and a gnuplot script can run commands, so a script is run only when
// rnnlab vouches for it (stdlib/figures/script_check.hpp), unless --edited says to run the
// scripts as written (docs/figures.md, "Drawing a run's figures again").
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "interpreter/cli/commands.hpp"
#include "interpreter/engine/edited_scripts.hpp"
#include "interpreter/engine/run_directory.hpp"
#include "runtime/directory.hpp"
#include "runtime/files.hpp"
#include "stdlib/figures/gnuplot.hpp"
#include "stdlib/figures/script_check.hpp"

namespace rnn::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUsageText =
    "usage: rnn plot RUNDIR [PICTURE...] [--edited]\n"
    "  draws every figure of RUNDIR (or the pictures named, as paths in RUNDIR) again from\n"
    "  its saved .gp script and .dat data; --edited also runs scripts rnnlab cannot vouch\n"
    "  for, as written (only for scripts you wrote or read: gnuplot can run commands)\n";

// Every figure script below `dir` ("a.gp", "figures/b.gp"), skipping hidden entries (the
// cache, rnnlab's scratch files) and anything that is not a regular file or a folder.
void find_scripts(const rt::Directory& dir, const std::string& prefix, int depth,
                  std::vector<std::string>& out) {
    if (depth > rt::Directory::kMaxDepth)
        return;
    for (const auto& name : dir.list()) {
        if (name.starts_with("."))
            continue;
        const auto kind = dir.kind(name);
        if (kind == rt::Directory::Kind::Folder)
            find_scripts(dir.folder(name), prefix + name + "/", depth + 1, out);
        else if (kind == rt::Directory::Kind::File && interp::is_figure_script(name))
            out.push_back(prefix + name);
    }
}

struct Request {
    std::string run;
    std::vector<std::string> pictures;  // stems wanted ("figures/a"); empty: all
    bool edited = false;
};

bool parse(const Args& args, Request& r) {
    for (const auto& a : args) {
        if (a == "--edited")
            r.edited = true;
        else if (a.starts_with("-")) {
            fmt::print(stderr, "rnn plot: unknown option '{}'\n{}", a, kUsageText);
            return false;
        } else if (r.run.empty())
            r.run = a;
        else  // "./figs.v2/loss.png" names the script figs.v2/loss.gp
            r.pictures.push_back(
                fs::path(a).replace_extension().lexically_normal().generic_string());
    }
    if (r.run.empty()) {
        fmt::print(stderr, "{}", kUsageText);
        return false;
    }
    return true;
}

// Draws one script's picture; "" when drawn, else why not.
std::string draw_one(const rt::Directory& run, const std::string& rel, bool edited, bool& refused) {
    const auto slash = rel.rfind('/');
    const std::string folder = slash == std::string::npos ? "" : rel.substr(0, slash);
    const std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
    const std::string stem = name.substr(0, name.size() - 3);
    std::optional<rt::Directory> below;
    if (!folder.empty())
        below = run.folder(folder);
    const rt::Directory& dir = below ? *below : run;
    std::string why;
    const auto text = dir.read(name, why, rt::kMaxScriptBytes);
    if (!text)
        return fmt::format("cannot read it: {}", why);
    stdlib::ScriptCheck check = stdlib::check_script(*text, stem);
    for (const auto& data : check.data)
        if (check.problem.empty() && dir.kind(data) != rt::Directory::Kind::File)
            check.problem =
                fmt::format("its data file '{}' is missing or not a regular file", data);
    if (!check.problem.empty() && !edited) {
        refused = true;
        return fmt::format("not run: rnnlab cannot vouch for it ({})", check.problem);
    }
    const std::string picture = check.picture.empty() ? stem + ".png" : check.picture;
    stdlib::render_saved(dir, stem, picture, *text);
    return check.problem.empty() ? "" : "ran as written (--edited)";
}

}  // namespace

int cmd_plot(const Args& args) {
    Request r;
    if (!parse(args, r))
        return kUsage;
    try {
        const rt::Directory run = rt::Directory::open(r.run);
        if (run.kind(interp::kRunMark) != rt::Directory::Kind::File) {
            fmt::print(stderr, "rnn plot: '{}' is not an rnnlab run directory (no {} file)\n",
                       r.run, interp::kRunMark);
            return kUsage;
        }
        std::vector<std::string> scripts;
        find_scripts(run, "", 0, scripts);
        // Every picture named must have its script, or the user hears which did not.
        std::size_t unmatched = 0;
        for (const auto& picture : r.pictures)
            if (std::find(scripts.begin(), scripts.end(), picture + ".gp") == scripts.end()) {
                fmt::print(stderr, "rnn plot: no figure script '{}.gp' in '{}'\n", picture, r.run);
                ++unmatched;
            }
        if (unmatched > 0)
            return kUsage;
        std::size_t drawn = 0, refused = 0, failed = 0;
        for (const auto& rel : scripts) {
            const std::string stem = rel.substr(0, rel.size() - 3);
            if (!r.pictures.empty()
                && std::find(r.pictures.begin(), r.pictures.end(), stem) == r.pictures.end())
                continue;
            bool was_refused = false;
            std::string said;
            try {
                said = draw_one(run, rel, r.edited, was_refused);
            } catch (const std::exception& e) {
                said = e.what();
                ++failed;
            }
            refused += was_refused ? 1 : 0;
            drawn += said.empty() || said.starts_with("ran as written") ? 1 : 0;
            fmt::print(stderr, "plot {}{}\n", rel, said.empty() ? "" : ": " + said);
        }
        fmt::print(stderr, "rnn plot: {} figure{} drawn", drawn, drawn == 1 ? "" : "s");
        if (refused > 0)
            fmt::print(stderr,
                       ", {} script{} not run (rnnlab cannot vouch for them: read them, then "
                       "'rnn plot --edited' runs them as written)",
                       refused, refused == 1 ? "" : "s");
        if (failed > 0)
            fmt::print(stderr, ", {} failed", failed);
        fmt::print(stderr, "\n");
        return failed > 0 ? kRuntimeFailure : refused > 0 ? kScriptError : kOk;
    } catch (const rt::UnsafeEntry& e) {
        fmt::print(stderr, "rnn plot: {}\n", e.what());
        return kUsage;
    } catch (const std::exception& e) {
        fmt::print(stderr, "rnn plot: {}\n", e.what());
        return kRuntimeFailure;
    }
}

}  // namespace rnn::cli
