#include "interpreter/engine/run_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "interpreter/engine/cache.hpp"
#include "interpreter/engine/execute.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/version.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;

DirectoryLock::DirectoryLock(const fs::path& file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error(fmt::format("cannot open '{}'", file.string()));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        throw RunDirectoryRefused(fmt::format("another rnn run is writing '{}'",
                                              file.parent_path().parent_path().string()));
    }
}

DirectoryLock::~DirectoryLock() {
    ::close(fd_);
}

namespace {

// The script path and overrides recorded in a run directory's manifest ("" and none when
// it has no readable manifest).
struct PreviousRun {
    std::string script;
    std::vector<std::string> overrides;
};

PreviousRun previous_run(const std::string& manifest_text) {
    PreviousRun p;
    try {
        const toml::table m = toml::parse(manifest_text);
        p.script = m["script"]["path"].value_or(std::string());
        if (const auto* a = m["overrides"]["applied"].as_array())
            for (const auto& o : *a)
                p.overrides.push_back(o.value_or(std::string()));
    } catch (const toml::parse_error&) {
    }
    return p;
}

}  // namespace

void claim_directory(const fs::path& out, const Provenance& provenance, Reporter& reporter) {
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
        throw RunDirectoryRefused(fmt::format("the output directory '{}' is a file", out.string()));
    if (fs::is_directory(out, ec)) {
        const bool empty = fs::is_empty(out, ec);
        const bool ours = fs::exists(out / ".cache", ec) || fs::exists(out / "manifest.toml", ec);
        if (!empty && !ours)
            throw RunDirectoryRefused(
                fmt::format("'{}' is not empty and is not a run directory; choose another --out",
                            out.string()));
        std::string why;
        if (const auto text = rt::read_file(out / "manifest.toml", why)) {
            const auto [previous, previous_overrides] = previous_run(*text);
            const std::string mine = provenance.script_path.filename().string();
            if (!previous.empty() && fs::path(previous).filename().string() != mine)
                throw RunDirectoryRefused(fmt::format(
                    "'{}' holds the results of another script ({}); choose another --out "
                    "or remove that directory",
                    out.string(), previous));
            // The same script with other overrides: its results are replaced (they stay
            // in the cache), and the user is told.
            if (!previous.empty() && previous_overrides != provenance.overrides)
                reporter.say(fmt::format(
                    "note: '{}' held this script's results with other overrides ({}); they "
                    "are replaced (and stay in its cache)",
                    out.string(),
                    previous_overrides.empty()
                        ? std::string("none")
                        : fmt::format("{}", fmt::join(previous_overrides, " "))));
        }
    }
    fs::create_directories(out / ".cache");
}

void check_output_paths(const Graph& graph) {
    std::map<std::string, std::string> owner;
    for (const auto& n : graph.nodes) {
        if (n.kind == NodeKind::Task)
            continue;
        std::string place = n.kind == NodeKind::Plot ? n.name : node_directory(n.name) + "/";
        if (n.kind == NodeKind::Plot) {
            const std::string why = unsafe_relative_path(n.name);
            if (!why.empty())
                throw std::runtime_error(
                    fmt::format("plot file '{}': a file name {}", n.name, why));
        }
        const auto [it, fresh] = owner.emplace(place, node_label(n));
        if (!fresh)
            throw std::runtime_error(
                fmt::format("{} and {} would both write '{}'", it->second, node_label(n), place));
    }
}

void publish_file(const fs::path& from, const fs::path& to) {
    std::string why;
    const auto bytes = rt::read_file(from, why);
    if (!bytes)
        throw std::runtime_error(fmt::format("cannot read '{}': {}", from.string(), why));
    fs::create_directories(to.parent_path());
    rt::write_file_atomically(to, *bytes);
}

void write_metrics(const fs::path& out, const Graph& graph,
                   const std::map<std::size_t, toml::table>& metrics) {
    toml::table all;
    for (const auto& [i, t] : metrics)
        all.insert(graph.nodes[i].name, t);
    rt::write_file_atomically(out / "metrics.toml", to_text(all));
}

namespace {

// The manifest's [script] (with the included files) and [overrides].
toml::table script_table(const Provenance& p) {
    std::error_code ec;
    toml::table script{{"path", p.script_path.string()},
                       {"absolute", fs::absolute(p.script_path, ec).string()},
                       {"hash", rt::hex64(rt::hash64(p.script_text))},
                       {"bytes", static_cast<std::int64_t>(p.script_text.size())}};
    if (!p.included.empty()) {
        toml::array files;
        for (const auto& [path, text] : p.included)
            files.push_back(toml::table{{"path", path},
                                        {"hash", rt::hex64(rt::hash64(text))},
                                        {"bytes", static_cast<std::int64_t>(text.size())}});
        script.insert("includes", std::move(files));
    }
    return script;
}

toml::table overrides_table(const Provenance& p) {
    toml::table overrides;
    toml::array applied;
    for (const auto& o : p.overrides)
        applied.push_back(o);
    overrides.insert("applied", std::move(applied));
    if (!p.config_path.empty()) {
        overrides.insert("config", p.config_path);
        overrides.insert("config_hash", rt::hex64(rt::hash64(p.config_text)));
    }
    return overrides;
}

toml::table nodes_table(const Graph& graph, const std::vector<NodeRecord>& records) {
    toml::table nodes;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const GraphNode& n = graph.nodes[i];
        toml::table t{{"kind", std::string(keyword(n.kind))},
                      {"key", rt::hex64(n.key)},
                      {"parameters", n.description},
                      {"seconds", records[i].seconds}};
        if (has_entry(n.kind))
            t.insert("reused", records[i].reused);
        if (!records[i].computed_by.empty())
            t.insert("computed_by", records[i].computed_by);
        toml::array inputs;
        for (const std::size_t j : n.inputs)
            inputs.push_back(node_label(graph.nodes[j]));
        t.insert("inputs", std::move(inputs));
        nodes.insert(node_label(n), std::move(t));
    }
    return nodes;
}

}  // namespace

void write_manifest(const fs::path& out, const Provenance& provenance, std::uint64_t seed,
                    const RunRecord& run, const Graph& graph,
                    const std::vector<NodeRecord>& nodes) {
    toml::table m;
    m.insert("rnnlab", toml::table{{"version", std::string(kVersion)}});
    m.insert("script", script_table(provenance));
    m.insert("overrides", overrides_table(provenance));
    m.insert("seed", static_cast<std::int64_t>(seed));
    m.insert("versions", library_versions());
    toml::table blas{{"threads", static_cast<std::int64_t>(provenance.blas_threads)}};
    if (!provenance.blas_core.empty()) {
        blas.insert("core", provenance.blas_core);
        blas.insert("chosen_by", provenance.blas_choice);
    }
    m.insert("blas", std::move(blas));
    m.insert("run", toml::table{{"complete", run.complete},
                                {"executor", run.executor},
                                {"jobs", static_cast<std::int64_t>(run.jobs)},
                                {"resume", run.resume},
                                {"seconds", run.seconds}});
    m.insert("nodes", nodes_table(graph, nodes));
    rt::write_file_atomically(out / "manifest.toml", to_text(m));
}

}  // namespace rnn::interp
