// rnn verify RUNDIR: runs the manifest's script with its overrides again into
// RUNDIR/.verify/ (no cache) and compares every metric with metrics.toml.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/run_request.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"

namespace rnn::cli {

namespace {

using Metrics = std::vector<std::pair<std::string, std::vector<double>>>;

// The metrics of a metrics.toml as (path, values), numbers only, in order.
void flatten_metrics(const toml::node& n, const std::string& path, Metrics& out) {
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

// Prints every metric of `before` that `after` lacks or holds another value of; returns
// how many values differ.
std::size_t print_differences(const Metrics& before, const Metrics& after, double tolerance) {
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
    return differ;
}

// The script of the manifest, unchanged since the run (as are its includes), with the
// overrides the run applied; nullopt (printed) when it cannot be run again as it was.
std::optional<RunRequest> recorded_request(const toml::table& manifest) {
    RunRequest r;
    r.file =
        manifest["script"]["absolute"].value_or(manifest["script"]["path"].value_or(std::string()));
    std::string why;
    const auto text = rt::read_file(r.file, why);
    if (!text) {
        fmt::print(stderr, "rnn verify: cannot read the script '{}': {}\n", r.file, why);
        return std::nullopt;
    }
    const std::string recorded = manifest["script"]["hash"].value_or(std::string());
    if (rt::hex64(rt::hash64(*text)) != recorded) {
        fmt::print(stderr, "rnn verify: '{}' changed since the run (its hash was {})\n", r.file,
                   recorded);
        return std::nullopt;
    }
    if (const auto* includes = manifest["script"]["includes"].as_array())
        for (const auto& inc : *includes) {
            const std::string path = inc.at_path("path").value_or(std::string());
            const auto included = rt::read_file(path, why);
            if (!included
                || rt::hex64(rt::hash64(*included))
                       != inc.at_path("hash").value_or(std::string())) {
                fmt::print(stderr, "rnn verify: the included file '{}' changed since the run\n",
                           path);
                return std::nullopt;
            }
        }
    if (const auto* applied = manifest["overrides"]["applied"].as_array())
        for (const auto& o : *applied) {
            const auto parsed = interp::parse_set(o.value_or(std::string()), why);
            if (!parsed) {
                fmt::print(stderr, "rnn verify: the manifest's override {}\n", why);
                return std::nullopt;
            }
            r.overrides.push_back(*parsed);
        }
    return r;
}

// RUNDIR [--tolerance REL] [-j N]; false (printed) when the arguments are wrong.
bool parse_verify_args(const Args& args, std::string& dir, double& tolerance, int& jobs) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--tolerance" && i + 1 < args.size()) {
            char* end = nullptr;
            tolerance = std::strtod(args[++i].c_str(), &end);
            if (*end != '\0' || !(tolerance >= 0.0)) {
                fmt::print(stderr, "rnn verify: --tolerance needs a number >= 0\n");
                return false;
            }
        } else if ((args[i] == "-j" || args[i] == "--jobs") && i + 1 < args.size()) {
            if (!parse_jobs(args[++i], jobs)) {
                fmt::print(stderr, "rnn verify: -j needs a number from 1 to 256\n");
                return false;
            }
        } else if (!args[i].empty() && args[i][0] != '-' && dir.empty())
            dir = args[i];
        else {
            fmt::print(stderr, "usage: rnn verify RUNDIR [--tolerance REL] [-j N]\n");
            return false;
        }
    }
    if (dir.empty()) {
        fmt::print(stderr, "usage: rnn verify RUNDIR [--tolerance REL] [-j N]\n");
        return false;
    }
    return true;
}

}  // namespace

int cmd_verify(const Args& args, const rt::BlasChoice& blas) {
    std::string dir;
    double tolerance = -1.0;
    int jobs = 1;
    if (!parse_verify_args(args, dir, tolerance, jobs))
        return kUsage;
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
    auto request = recorded_request(manifest);
    if (!request)
        return kUsage;
    RunRequest& r = *request;
    const std::string core = manifest["blas"]["core"].value_or(std::string());
    if (tolerance < 0.0)
        tolerance = core == blas.corename ? 0.0 : 1e-4;
    r.blas_threads = static_cast<int>(manifest["blas"]["threads"].value_or(std::int64_t{1}));
    r.out = (run / ".verify").string();
    r.quiet = true;
    r.jobs = jobs;
    std::filesystem::remove_all(r.out);
    fmt::print(stderr, "verify: running {} again into {}\n", r.file, r.out);
    if (const int code = run_request(r, blas); code != kOk)
        return code;
    toml::table again;
    try {
        again = toml::parse_file((std::filesystem::path(r.out) / "metrics.toml").string());
    } catch (const toml::parse_error& e) {
        fmt::print(stderr, "rnn verify: {}\n", e.description());
        return kRuntimeFailure;
    }
    Metrics before, after;
    flatten_metrics(metrics, "", before);
    flatten_metrics(again, "", after);
    const std::size_t differ = print_differences(before, after, tolerance);
    const std::string how = tolerance == 0.0 ? std::string("bit for bit (same BLAS kernels)")
                                             : fmt::format(
                                                 "within a relative tolerance of {:g} (kernels: {} "
                                                 "in the run, {} now)",
                                                 tolerance, core, blas.corename);
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

}  // namespace rnn::cli
