// The run directory (docs/run_directory.md): who may write it, where each node's files
// go, and the manifest and metrics written at the end of a run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "interpreter/engine/reporter.hpp"
#include "interpreter/engine/run_options.hpp"
#include "interpreter/graph/graph.hpp"

namespace rnn::interp {

// Exclusive use of a run directory for one process (flock on OUT/.cache/lock).
class DirectoryLock {
public:
    explicit DirectoryLock(const std::filesystem::path& file);

    ~DirectoryLock();

    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

// A run directory is the output directory of one script: refuse another script's
// results, and a non-empty folder that is not a run directory at all. Says so when the
// same script's results with other overrides are replaced. Creates OUT/.cache.
void claim_directory(const std::filesystem::path& out, const Provenance& provenance,
                     Reporter& reporter);

// Two nodes must not write the same place (`fit_3` and `fit[3]` share a folder).
void check_output_paths(const Graph& graph);

// Copies a file into the run directory through a temporary file and a rename.
void publish_file(const std::filesystem::path& from, const std::filesystem::path& to);

// metrics.toml: one table per node name (no timings, so it is identical between runs).
void write_metrics(const std::filesystem::path& out, const Graph& graph,
                   const std::map<std::size_t, toml::table>& metrics);

// What manifest.toml says of a node besides its kind, key, parameters and inputs.
struct NodeRecord {
    double seconds = 0.0;
    bool reused = false;      // taken from the cache, not computed by this run
    std::string computed_by;  // where a remote executor computed it; "" here
};

// What manifest.toml says of the run as a whole.
struct RunRecord {
    bool complete = false;
    std::string executor;
    int jobs = 1;
    bool resume = false;
    double seconds = 0.0;
};

void write_manifest(const std::filesystem::path& out, const Provenance& provenance,
                    std::uint64_t seed, const RunRecord& run, const Graph& graph,
                    const std::vector<NodeRecord>& nodes);

}  // namespace rnn::interp
