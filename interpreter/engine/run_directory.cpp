#include "interpreter/engine/run_directory.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "interpreter/engine/cache.hpp"
#include "interpreter/engine/execute.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/version.hpp"
#include "runtime/hash.hpp"
#include "runtime/sha256.hpp"
#include "runtime/toml_input.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;

DirectoryLock::DirectoryLock(const rt::Directory& cache) {
    if (cache.kind("lock") == rt::Directory::Kind::Other)
        throw RunDirectoryRefused(
            fmt::format("'{}' is not a file rnnlab wrote (a link, a FIFO or a device): remove it",
                        (cache.path() / "lock").string()));
    fd_ = ::openat(cache.fd(), "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error(fmt::format(
            "cannot open '{}': {}", (cache.path() / "lock").string(), rt::system_reason(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        throw RunDirectoryRefused(
            fmt::format("another rnn run is writing '{}'", cache.path().parent_path().string()));
    }
}

DirectoryLock::~DirectoryLock() {
    ::close(fd_);
}

namespace {

// manifest.toml and the mark are small; a bigger one is not rnnlab's.
constexpr std::size_t kManifestLimit = std::size_t{64} << 20;
constexpr std::size_t kMarkLimit = 4096;

std::optional<toml::table> parse_toml(const std::string& text) {
    std::string why;
    return rt::parse_toml(text, "", why, {kManifestLimit});
}

// The manifest of a run directory, when it has a readable one.
std::optional<toml::table> read_manifest(const rt::Directory& out) {
    std::string why;
    const auto text = out.read("manifest.toml", why, kManifestLimit);
    return text ? parse_toml(*text) : std::nullopt;
}

// Whether `out` holds rnnlab's mark, in a format this rnnlab reads; refuses otherwise.
void require_mark(const rt::Directory& out) {
    std::string why;
    const auto text = out.read(std::string(kRunMark), why, kMarkLimit);
    if (!text)
        throw RunDirectoryRefused(fmt::format(
            "'{}' is not empty and is not an rnnlab run directory (it has no {} file{}); "
            "choose another --out (a run directory written before rnnlab marked its run "
            "directories has no mark either: remove it to run into it again)",
            out.path().string(), kRunMark, why == "no such file" ? "" : ": " + why));
    const auto mark = parse_toml(*text);
    const auto format = mark ? (*mark)["format"].value<std::int64_t>() : std::nullopt;
    if (!format)
        throw RunDirectoryRefused(
            fmt::format("'{}' has a {} file that rnnlab did not write; choose another --out",
                        out.path().string(), kRunMark));
    if (*format != kRunMarkFormat)
        throw RunDirectoryRefused(fmt::format(
            "'{}' is a run directory of format {}; this rnnlab writes format {}: choose "
            "another --out",
            out.path().string(), *format, kRunMarkFormat));
}

// The same script may write its directory again; another script may not.
void check_previous_run(const rt::Directory& out, const Provenance& provenance,
                        Reporter& reporter) {
    const auto m = read_manifest(out);
    if (!m)
        return;
    const std::string previous = (*m)["script"]["path"].value_or(std::string());
    std::vector<std::string> previous_overrides;
    if (const auto* a = (*m)["overrides"]["applied"].as_array())
        for (const auto& o : *a)
            previous_overrides.push_back(o.value_or(std::string()));
    const std::string mine = provenance.script_path.filename().string();
    if (!previous.empty() && fs::path(previous).filename().string() != mine)
        throw RunDirectoryRefused(
            fmt::format("'{}' holds the results of another script ({}); choose another --out "
                        "or remove that directory",
                        out.path().string(), previous));
    // The same script with other overrides: its results are replaced (they stay in the
    // cache), and the user is told.
    if (!previous.empty() && previous_overrides != provenance.overrides)
        reporter.say(fmt::format(
            "note: '{}' held this script's results with other overrides ({}); they are "
            "replaced (and stay in its cache)",
            out.path().string(),
            previous_overrides.empty() ? std::string("none")
                                       : fmt::format("{}", fmt::join(previous_overrides, " "))));
}

// A link or a device among the published files or in place of .cache refuses the run before
// anything is written (links inside cache entries only make those entries computed again).
void refuse_links(const rt::Directory& dir) {
    try {
        for (const auto& name : dir.list()) {
            const rt::Directory::Kind kind = dir.kind(name);
            if (kind == rt::Directory::Kind::Folder && name != ".cache")
                dir.files(name);
            else if (kind == rt::Directory::Kind::Other || name == ".cache")
                dir.folder(name);  // throws UnsafeEntry naming it
        }
    } catch (const rt::UnsafeEntry& e) {
        throw RunDirectoryRefused(e.what());
    }
}

}  // namespace

rt::Directory claim_directory(const fs::path& out, const Provenance& provenance,
                              Reporter& reporter) {
    std::error_code ec;
    const auto status = fs::status(out, ec);
    if (fs::exists(status) && !fs::is_directory(status))
        throw RunDirectoryRefused(fmt::format("the output directory '{}' is a file", out.string()));
    const bool existed = fs::is_directory(status);
    rt::Directory dir = rt::Directory::open(out, true);
    if (existed && !dir.list().empty()) {
        require_mark(dir);
        check_previous_run(dir, provenance, reporter);
        refuse_links(dir);
    } else {
        dir.write(std::string(kRunMark),
                  fmt::format("# An rnnlab run directory (docs/run_directory.md): rnnlab writes "
                              "into a\n# folder that is not empty only when it holds this "
                              "file.\nformat = {}\n",
                              kRunMarkFormat));
    }
    dir.folder(".cache", true);
    return dir;
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

namespace {

// Removes the temporary files that a run killed (or a full disk) left in `dir` and below,
// the cache's included.
void remove_temporaries_below(const rt::Directory& dir, int depth) {
    if (depth > rt::Directory::kMaxDepth)
        return;
    for (const auto& name : dir.list()) {
        if (name.starts_with(rt::Directory::kTemporaryPrefix))
            dir.remove(name);
        else if (dir.kind(name) == rt::Directory::Kind::Folder)
            remove_temporaries_below(dir.folder(name), depth + 1);
    }
}

}  // namespace

void remove_temporaries(const rt::Directory& out) {
    remove_temporaries_below(out, 0);
}

PublishedFiles mark_incomplete(const rt::Directory& out) {
    auto m = read_manifest(out);
    PublishedFiles listed;
    if (!m) {
        if (out.kind("manifest.toml") != rt::Directory::Kind::Missing)
            out.remove("manifest.toml");
        return listed;
    }
    if (const auto* files = (*m)["files"].as_table())
        for (const auto& [k, v] : *files)
            listed.emplace(std::string(k.str()), v.value_or(std::string()));
    toml::table* run = (*m)["run"].as_table();
    if (run == nullptr)
        run = m->insert_or_assign("run", toml::table{}).first->second.as_table();
    run->insert_or_assign("complete", false);
    out.write("manifest.toml", to_text(*m), true);
    return listed;
}

void remove_stale(const rt::Directory& out, const PublishedFiles& before,
                  const PublishedFiles& now) {
    for (const auto& [rel, hash] : before)
        if (!now.contains(rel) && unsafe_relative_path(rel).empty())
            out.remove(rel);
}

std::string write_metrics(const rt::Directory& out, const Graph& graph,
                          const std::map<std::size_t, toml::table>& metrics) {
    toml::table all;
    for (const auto& [i, t] : metrics)
        all.insert(graph.nodes[i].name, t);
    const std::string text = to_text(all);
    out.write("metrics.toml", text, true);
    return rt::sha256_hex(text);
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

void write_manifest(const rt::Directory& out, const Provenance& provenance, std::uint64_t seed,
                    const RunRecord& run, const Graph& graph, const std::vector<NodeRecord>& nodes,
                    const PublishedFiles& files) {
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
    // Every published file and its SHA-256 (`sha256sum` prints the same), for rnn verify.
    toml::table listed;
    for (const auto& [rel, hash] : files)
        listed.insert(rel, hash);
    m.insert("files", std::move(listed));
    out.write("manifest.toml", to_text(m), true);
}

}  // namespace rnn::interp
