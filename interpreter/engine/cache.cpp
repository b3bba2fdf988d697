#include "interpreter/engine/cache.hpp"

#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "interpreter/paths.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;

fs::path Cache::entry_dir(std::uint64_t key) const {
    return root_ / rt::hex64(key);
}

fs::path Cache::checkpoint_dir(std::uint64_t key) const {
    return root_ / "checkpoints" / rt::hex64(key);
}

std::optional<toml::table> Cache::lookup(const GraphNode& node) const {
    const fs::path dir = entry_dir(node.key);
    std::string why;
    const auto text = rt::read_file(dir / "entry.toml", why);
    if (!text)
        return std::nullopt;
    toml::table t;
    try {
        t = toml::parse(*text);
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
    if (t["key"].value_or(std::string()) != rt::hex64(node.key)
        || t["kind"].value_or(std::string()) != keyword(node.kind)
        || t["format"].value_or(std::int64_t{0}) != kFormat)
        return std::nullopt;
    // Trainings and evaluations keep what later nodes read.
    std::error_code ec;
    if (keeps_state(node.kind) && !fs::is_regular_file(dir / "state" / "checkpoint.toml", ec))
        return std::nullopt;
    if (const auto* files = t["files"].as_array())
        for (const auto& f : *files) {
            const std::string rel = f.value_or(std::string());
            if (!unsafe_relative_path(rel).empty() || !fs::is_regular_file(dir / "files" / rel, ec))
                return std::nullopt;
        }
    return t;
}

void Cache::commit(const GraphNode& node, const NodeOutput& out, double seconds) const {
    const fs::path final_dir = entry_dir(node.key);
    // One staging folder per process: two processes given the same node (a cluster task
    // still ending while its resubmission starts) never write into one folder.
    const fs::path staging = root_ / fmt::format(".staging-{}-{}", rt::hex64(node.key), ::getpid());
    fs::remove_all(staging);
    fs::create_directories(staging / "files");
    toml::array files;
    for (const auto& [rel, bytes] : out.files) {
        const fs::path p = staging / "files" / rel;
        fs::create_directories(p.parent_path());
        rt::write_file_atomically(p, bytes);
        files.push_back(rel);
    }
    if (out.state)
        out.state->save(staging / "state");
    toml::table t{{"format", kFormat},  {"kind", std::string(keyword(node.kind))},
                  {"name", node.name},  {"key", rt::hex64(node.key)},
                  {"seconds", seconds}, {"files", std::move(files)}};
    if (out.metrics)
        t.insert("metrics", *out.metrics);
    rt::write_file_atomically(staging / "entry.toml", to_text(t));
    fs::remove_all(final_dir);
    fs::rename(staging, final_dir);
}

void Cache::clean_staging() const {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec))
        if (e.path().filename().string().starts_with(".staging-")
            || e.path().filename().string().starts_with(".plot-"))
            fs::remove_all(e.path(), ec);
}

std::string to_text(const toml::table& t) {
    std::ostringstream s;
    s << t << "\n";
    return s.str();
}

}  // namespace rnn::interp
