#include "interpreter/engine/cache.hpp"

#include <set>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "interpreter/paths.hpp"
#include "runtime/hash.hpp"
#include "runtime/sha256.hpp"
#include "runtime/toml_input.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kEntryFile = "entry.toml";
constexpr std::string_view kMetricsFile = "metrics.toml";
// entry.toml lists names and hashes; metrics tables are small.
constexpr std::size_t kTomlLimit = std::size_t{64} << 20;

std::string checkpoint_name(std::uint64_t key) {
    return "checkpoints/" + rt::hex64(key);
}

std::string scratch_name(std::uint64_t key) {
    return ".plot-" + rt::hex64(key);
}

std::optional<toml::table> parse_toml(const std::string& text) {
    std::string why;
    return rt::parse_toml(text, "", why, {kTomlLimit});
}

// Why the entry folder `dir` is not exactly what its entry.toml says it holds: "" when it
// is. Reads and hashes every file.
std::string entry_mismatch(const rt::Directory& dir, const toml::table& hashes) {
    std::vector<std::string> held;
    try {
        held = dir.files();
    } catch (const std::exception& e) {
        return e.what();
    }
    std::set<std::string> listed;
    for (const auto& [k, v] : hashes)
        listed.insert(std::string(k.str()));
    for (const auto& rel : held)
        if (rel != kEntryFile && !listed.contains(rel))
            return fmt::format("it holds '{}', which its entry.toml does not list", rel);
    for (const auto& [k, v] : hashes) {
        const std::string rel(k.str());
        std::string why;
        std::optional<std::string> bytes;
        try {
            bytes = dir.read(rel, why);
        } catch (const std::invalid_argument&) {
            return fmt::format("its entry.toml lists '{}', which is no file name", rel);
        }
        if (!bytes)
            return fmt::format("'{}': {}", rel, why);
        if (rt::sha256_hex(*bytes) != v.value_or(std::string()))
            return fmt::format("'{}' changed since the entry was written", rel);
    }
    return {};
}

}  // namespace

void Cache::open(const rt::Directory& out, bool create) {
    if (!create && out.kind(".cache") == rt::Directory::Kind::Missing)
        return;
    root_ = out.folder(".cache", create);
}

fs::path Cache::entry_path(std::uint64_t key) const {
    return root_ ? root_->path() / rt::hex64(key) : fs::path(rt::hex64(key));
}

std::optional<toml::table> Cache::lookup(const GraphNode& node, std::string* problem) const {
    if (!root_)
        return std::nullopt;
    const std::string name = rt::hex64(node.key);
    std::optional<rt::Directory> dir;
    try {
        dir = root_->find_folder(name);
    } catch (const rt::UnsafeEntry& e) {
        if (problem != nullptr)
            *problem = e.what();
        return std::nullopt;
    }
    if (!dir)
        return std::nullopt;
    std::string why;
    const auto text = dir->read(std::string(kEntryFile), why, kTomlLimit);
    if (!text)
        return std::nullopt;  // an entry being written, or none
    const auto say = [&](const std::string& what) -> std::optional<toml::table> {
        if (problem != nullptr)
            *problem =
                fmt::format("the cache entry '{}' {}", (root_->path() / name).string(), what);
        return std::nullopt;
    };
    auto t = parse_toml(*text);
    if (!t)
        return say("its entry.toml is not TOML");
    if ((*t)["key"].value_or(std::string()) != name
        || (*t)["kind"].value_or(std::string()) != keyword(node.kind))
        return say("it belongs to another node");
    if ((*t)["format"].value_or(std::int64_t{0}) != kFormat)
        return std::nullopt;  // an older rnnlab's entry: computed again, quietly
    const toml::table* hashes = (*t)["hashes"].as_table();
    if (hashes == nullptr)
        return say("it lists no hashes");
    // Trainings and evaluations keep what later nodes read.
    if (keeps_state(node.kind) && !hashes->contains("state/checkpoint.toml"))
        return say("it has no state");
    if (const auto* files = (*t)["files"].as_array())
        for (const auto& f : *files) {
            const std::string rel = f.value_or(std::string());
            if (!unsafe_relative_path(rel).empty() || !hashes->contains("files/" + rel))
                return say(fmt::format("it lists a file '{}' it does not hold", rel));
        }
    if (const std::string mismatch = entry_mismatch(*dir, *hashes); !mismatch.empty())
        return say(mismatch);
    if (hashes->contains(kMetricsFile)) {
        const auto metrics = dir->read(std::string(kMetricsFile), why, kTomlLimit);
        auto parsed = metrics ? parse_toml(*metrics) : std::nullopt;
        if (!parsed)
            return say("its metrics.toml is not TOML");
        t->insert_or_assign("metrics", std::move(*parsed));
    }
    return t;
}

void Cache::commit(const GraphNode& node, const NodeOutput& out, double seconds) const {
    const std::string final_name = rt::hex64(node.key);
    // One staging folder per process: two processes given the same node (a cluster task
    // still ending while its resubmission starts) never write into one folder.
    const std::string staging = fmt::format(".staging-{}-{}", final_name, ::getpid());
    root_->remove(staging);
    const rt::Directory dir = root_->folder(staging, true);
    toml::array files;
    toml::table hashes;
    for (const auto& [rel, bytes] : out.files) {
        dir.write("files/" + rel, bytes);
        files.push_back(rel);
        hashes.insert("files/" + rel, rt::sha256_hex(bytes));
    }
    if (out.metrics) {
        const std::string text = to_text(*out.metrics);
        dir.write(std::string(kMetricsFile), text);
        hashes.insert(kMetricsFile, rt::sha256_hex(text));
    }
    if (out.state) {
        out.state->save(dir, "state");
        std::string why;
        for (const auto& rel : dir.files("state")) {
            const auto bytes = dir.read("state/" + rel, why);
            if (!bytes)
                throw std::runtime_error(fmt::format("cannot read back '{}': {}",
                                                     (dir.path() / "state" / rel).string(), why));
            hashes.insert("state/" + rel, rt::sha256_hex(*bytes));
        }
    }
    toml::table t{{"format", kFormat},          {"kind", std::string(keyword(node.kind))},
                  {"name", node.name},          {"key", final_name},
                  {"seconds", seconds},         {"files", std::move(files)},
                  {"hashes", std::move(hashes)}};
    dir.write(std::string(kEntryFile), to_text(t), true);
    root_->remove(final_name);
    root_->rename(staging, final_name);
}

std::string Cache::published_file(const GraphNode& node, const toml::table& entry,
                                  const std::string& rel) const {
    const std::string path = rt::hex64(node.key) + "/files/" + rel;
    std::string why;
    const auto bytes = root_->read(path, why);
    if (!bytes)
        throw std::runtime_error(
            fmt::format("cannot read '{}': {}", (root_->path() / path).string(), why));
    if (rt::sha256_hex(*bytes) != entry["hashes"]["files/" + rel].value_or(std::string()))
        throw std::runtime_error(fmt::format("'{}' changed while this run used it; run again",
                                             (root_->path() / path).string()));
    return *bytes;
}

rt::Checkpoint Cache::state(const GraphNode& node) const {
    return rt::Checkpoint::load(root_->folder(rt::hex64(node.key)), "state");
}

bool Cache::has_checkpoint(std::uint64_t key) const {
    if (!root_ || root_->kind("checkpoints") != rt::Directory::Kind::Folder)
        return false;
    return rt::Checkpoint::exists(root_->folder("checkpoints"), rt::hex64(key));
}

rt::Checkpoint Cache::load_checkpoint(std::uint64_t key) const {
    return rt::Checkpoint::load(root_->folder("checkpoints"), rt::hex64(key));
}

void Cache::save_checkpoint(std::uint64_t key, const rt::Checkpoint& checkpoint) const {
    checkpoint.save(root_->folder("checkpoints", true), rt::hex64(key));
}

void Cache::remove_checkpoint(std::uint64_t key) const {
    root_->remove(checkpoint_name(key));
}

rt::Directory Cache::scratch(std::uint64_t key) const {
    root_->remove(scratch_name(key));
    return root_->folder(scratch_name(key), true);
}

void Cache::remove_scratch(std::uint64_t key) const {
    root_->remove(scratch_name(key));
}

void Cache::clean_staging() const {
    for (const auto& name : root_->list())
        if (name.starts_with(".staging-") || name.starts_with(".plot-")
            || name.starts_with(rt::Directory::kTemporaryPrefix))
            root_->remove(name);
}

std::string to_text(const toml::table& t) {
    std::ostringstream s;
    s << t << "\n";
    return s.str();
}

}  // namespace rnn::interp
