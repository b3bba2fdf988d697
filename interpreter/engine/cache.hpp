// The cache of a run directory (docs/run_directory.md): OUT/.cache/KEY/ per node, keyed by
// node key only, so that a node computed once (here, by an earlier run, or by a cluster
// task) is read back instead of computed again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "interpreter/graph/graph.hpp"
#include "runtime/checkpoint.hpp"

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
// folder), files/ (what the node publishes in the run directory) and state/.
class Cache {
public:
    explicit Cache(std::filesystem::path root) : root_(std::move(root)) {}

    std::filesystem::path entry_dir(std::uint64_t key) const;

    std::filesystem::path checkpoint_dir(std::uint64_t key) const;

    // The entry's description when it is complete and of this node; nothing otherwise.
    std::optional<toml::table> lookup(const GraphNode& node) const;

    // Writes the entry in a staging folder and renames it into place: a kill at any moment
    // leaves either no entry or a complete one.
    void commit(const GraphNode& node, const NodeOutput& out, double seconds) const;

    // Leftovers of runs killed while writing an entry.
    void clean_staging() const;

    static constexpr std::int64_t kFormat = 1;

private:
    std::filesystem::path root_;
};

// A TOML table as text, as entry.toml, manifest.toml and metrics.toml are written.
std::string to_text(const toml::table& t);

}  // namespace rnn::interp
