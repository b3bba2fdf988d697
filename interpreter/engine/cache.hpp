// The cache of a run directory (docs/run_directory.md): OUT/.cache/KEY/ per node, keyed by
// node key only, so that a node computed once (here, by an earlier run, or by a cluster
// task) is read back instead of computed again. Everything it reads and writes goes
// through rt::Directory: a link inside is refused, never followed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "interpreter/graph/graph.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/directory.hpp"

namespace rnn::interp {

// Whether a node of this kind has a cache entry: every kind but task (a task is made
// again, in memory, whenever a node that runs reads it).
constexpr bool has_entry(NodeKind kind) {
    return kind != NodeKind::Task;
}

// Whether its entry keeps state/, what later nodes read: trainings and evaluations (and
// alters and analyses); a plot's entry holds only its files.
constexpr bool keeps_state(NodeKind kind) {
    return has_entry(kind) && kind != NodeKind::Plot;
}

// The results of one node as computed: files (path inside the run directory -> bytes), its
// table in metrics.toml, and the state later nodes read (a trained network, an evaluation).
struct NodeOutput {
    std::map<std::string, std::string> files;
    std::optional<toml::table> metrics;
    std::optional<rt::Checkpoint> state;
};

// The cache entry of a node: OUT/.cache/KEY/ with entry.toml (written last in the staging
// folder), files/ (what the node publishes in the run directory), metrics.toml and state/.
// entry.toml records the SHA-256 of every other file of the entry; an entry is used only
// when it holds exactly those files, regular files all, with those hashes.
class Cache {
public:
    // Opens OUT/.cache, created when `create`; when it does not exist (and !create) the
    // cache stays closed and holds no entry.
    void open(const rt::Directory& out, bool create);

    bool is_open() const { return root_.has_value(); }

    // OUT/.cache itself (open).
    const rt::Directory& folder() const { return *root_; }

    // The entry's description (with its metrics under "metrics") when it is complete, of this
    // node and unchanged since it was written; nothing otherwise. When an entry exists but
    // is not usable, `problem` (if given) says why.
    std::optional<toml::table> lookup(const GraphNode& node, std::string* problem = nullptr) const;

    // Writes the entry in a staging folder and renames it into place: a kill at any moment
    // leaves either no entry or a complete one.
    void commit(const GraphNode& node, const NodeOutput& out, double seconds) const;

    // The bytes of a file the entry publishes (`rel` as listed in its files), checked against
    // its recorded hash; throws naming the file when it changed.
    std::string published_file(const GraphNode& node, const toml::table& entry,
                               const std::string& rel) const;

    // What later nodes read from a cached node (its state/).
    rt::Checkpoint state(const GraphNode& node) const;

    // A training's checkpoint (OUT/.cache/checkpoints/KEY), written when it is interrupted
    // and every few minutes.
    bool has_checkpoint(std::uint64_t key) const;
    rt::Checkpoint load_checkpoint(std::uint64_t key) const;
    void save_checkpoint(std::uint64_t key, const rt::Checkpoint& checkpoint) const;
    void remove_checkpoint(std::uint64_t key) const;

    // A fresh, empty scratch folder for a node (gnuplot draws a plot in one).
    rt::Directory scratch(std::uint64_t key) const;
    void remove_scratch(std::uint64_t key) const;

    // Leftovers of runs killed while writing an entry or drawing a plot.
    void clean_staging() const;

    // The path of a node's entry (for messages).
    std::filesystem::path entry_path(std::uint64_t key) const;

    // 2: entries record the SHA-256 of their files, and keep their metrics in metrics.toml.
    static constexpr std::int64_t kFormat = 2;

private:
    std::optional<rt::Directory> root_;
};

// A TOML table as text, as entry.toml, manifest.toml and metrics.toml are written.
std::string to_text(const toml::table& t);

}  // namespace rnn::interp
