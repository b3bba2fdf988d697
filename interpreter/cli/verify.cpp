// rnn verify RUNDIR: checks every file of RUNDIR against the SHA-256 its manifest records
// (missing, changed and extra files), runs the manifest's script with its overrides again
// into RUNDIR/.verify/ (no cache) and compares every metric with metrics.toml, and with
// the same BLAS kernels every file's bytes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/run_request.hpp"
#include "interpreter/engine/run_directory.hpp"
#include "runtime/directory.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/sha256.hpp"
#include "runtime/toml_input.hpp"

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

// What rnnlab itself keeps in a run directory besides the files a run publishes.
bool bookkeeping(const std::string& rel) {
    return rel == interp::kRunMark || rel == "manifest.toml" || rel.starts_with(".cache/")
           || rel.starts_with(".verify/") || rel.starts_with(".slurm/");
}

// Prints every file of the run directory that is missing, changed or not listed in its
// manifest; returns how many.
std::size_t print_file_differences(const rt::Directory& run, const toml::table& manifest) {
    const toml::table* listed = manifest["files"].as_table();
    if (listed == nullptr) {
        fmt::print(
            "manifest.toml lists no files (an older rnnlab wrote it): the files cannot be "
            "checked\n");
        return 1;
    }
    std::size_t differ = 0;
    std::set<std::string> names;
    for (const auto& [k, v] : *listed) {
        const std::string rel(k.str());
        names.insert(rel);
        std::string why;
        std::optional<std::string> bytes;
        try {
            bytes = run.read(rel, why);
        } catch (const std::invalid_argument&) {
            why = "it is no file name";
        }
        if (!bytes) {
            fmt::print("{}: {}\n", rel, why == "no such file" ? "missing" : why);
            ++differ;
        } else if (rt::sha256_hex(*bytes) != v.value_or(std::string())) {
            fmt::print("{}: changed since the run (its SHA-256 differs from the manifest's)\n",
                       rel);
            ++differ;
        }
    }
    std::vector<std::string> held;
    try {
        held = run.files();
    } catch (const std::exception& e) {
        fmt::print("{}\n", e.what());
        return differ + 1;
    }
    for (const auto& rel : held)
        if (!bookkeeping(rel) && !names.contains(rel)) {
            fmt::print("{}: not a file of the run (the manifest does not list it)\n", rel);
            ++differ;
        }
    return differ;
}

// Prints every file whose new bytes differ from the run's (only with the same BLAS
// kernels: with others, arrays differ in their last bits); returns how many.
std::size_t print_new_file_differences(const toml::table& before, const toml::table& after) {
    const toml::table* was = before["files"].as_table();
    const toml::table* now = after["files"].as_table();
    if (was == nullptr || now == nullptr)
        return 0;
    std::size_t differ = 0;
    for (const auto& [k, v] : *was) {
        const std::string rel(k.str());
        if (rel == "metrics.toml")
            continue;  // compared value by value
        const toml::node* again = now->get(rel);
        if (again == nullptr) {
            fmt::print("{}: not written by the new run\n", rel);
            ++differ;
        } else if (again->value_or(std::string()) != v.value_or(std::string())) {
            fmt::print("{}: the new run wrote other bytes\n", rel);
            ++differ;
        }
    }
    for (const auto& [k, v] : *now)
        if (!was->contains(k.str())) {
            fmt::print("{}: written by the new run only\n", k.str());
            ++differ;
        }
    return differ;
}

// A TOML file of the run directory, or nothing with the reason printed.
std::optional<toml::table> read_toml(const rt::Directory& run, const std::string& rel,
                                     const std::string& dir) {
    std::string why;
    const auto text = run.read(rel, why, std::size_t{64} << 20);
    if (!text) {
        fmt::print(stderr, "rnn verify: '{}' is not a complete run directory: {}: {}\n", dir, rel,
                   why);
        return std::nullopt;
    }
    auto table = rt::parse_toml(*text, rel, why, {std::uint64_t{64} << 20});
    if (!table)
        fmt::print(stderr, "rnn verify: '{}' is not a complete run directory: {}: {}\n", dir, rel,
                   why);
    return table;
}

// The script of the manifest, unchanged since the run (as are its includes), with the
// overrides the run applied; nullopt (printed) when it cannot be run again as it was.
std::optional<RunRequest> recorded_request(const toml::table& manifest) {
    RunRequest r;
    r.file =
        manifest["script"]["absolute"].value_or(manifest["script"]["path"].value_or(std::string()));
    std::string why;
    const auto text = rt::read_file(r.file, why, rt::kMaxScriptBytes);
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
            const auto included = rt::read_file(path, why, rt::kMaxScriptBytes);
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
    std::optional<rt::Directory> run;
    try {
        run = rt::Directory::open(dir);
    } catch (const std::exception& e) {
        fmt::print(stderr, "rnn verify: {}\n", e.what());
        return kUsage;
    }
    const auto manifest = read_toml(*run, "manifest.toml", dir);
    const auto metrics = manifest ? read_toml(*run, "metrics.toml", dir) : std::nullopt;
    if (!manifest || !metrics)
        return kUsage;
    if (!(*manifest)["run"]["complete"].value_or(false)) {
        fmt::print(stderr, "rnn verify: the run in '{}' did not complete\n", dir);
        return kUsage;
    }
    auto request = recorded_request(*manifest);
    if (!request)
        return kUsage;
    const std::size_t files_differ = print_file_differences(*run, *manifest);
    RunRequest& r = *request;
    const std::string core = (*manifest)["blas"]["core"].value_or(std::string());
    if (tolerance < 0.0)
        tolerance = core == blas.corename ? 0.0 : 1e-4;
    r.blas_threads = static_cast<int>((*manifest)["blas"]["threads"].value_or(std::int64_t{1}));
    r.out = (run->path() / ".verify").string();
    r.quiet = true;
    r.jobs = jobs;
    run->remove(".verify");
    fmt::print(stderr, "verify: running {} again into {}\n", r.file, r.out);
    if (const int code = run_request(r, blas); code != kOk)
        return code;
    const rt::Directory again_dir = run->folder(".verify");
    const auto again = read_toml(again_dir, "metrics.toml", r.out);
    const auto again_manifest = read_toml(again_dir, "manifest.toml", r.out);
    if (!again || !again_manifest)
        return kRuntimeFailure;
    Metrics before, after;
    flatten_metrics(*metrics, "", before);
    flatten_metrics(*again, "", after);
    const std::size_t differ = print_differences(before, after, tolerance);
    const std::size_t new_files_differ =
        tolerance == 0.0 ? print_new_file_differences(*manifest, *again_manifest) : 0;
    const std::string how = tolerance == 0.0 ? std::string("bit for bit (same BLAS kernels)")
                                             : fmt::format(
                                                 "within a relative tolerance of {:g} (kernels: {} "
                                                 "in the run, {} now)",
                                                 tolerance, core, blas.corename);
    if (differ + files_differ + new_files_differ > 0) {
        if (files_differ > 0)
            fmt::print(stderr,
                       "verify: {} file{} of the run directory differ{} from its manifest\n",
                       files_differ, files_differ == 1 ? "" : "s", files_differ == 1 ? "s" : "");
        if (new_files_differ > 0)
            fmt::print(stderr, "verify: {} file{} of the new run differ{} from the run's\n",
                       new_files_differ, new_files_differ == 1 ? "" : "s",
                       new_files_differ == 1 ? "s" : "");
        fmt::print(stderr,
                   "verify: {} metric value{} differ{}, compared {}; the new run is in {}\n",
                   differ, differ == 1 ? "" : "s", differ == 1 ? "s" : "", how, r.out);
        return kScriptError;
    }
    const toml::table* listed = (*manifest)["files"].as_table();
    fmt::print(stderr, "verify: all {} metrics and all {} files agree, {}\n", before.size(),
               listed != nullptr ? listed->size() : 0, how);
    run->remove(".verify");
    return kOk;
}

}  // namespace rnn::cli
