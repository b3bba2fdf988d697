// The run directory (docs/run_directory.md): who may write it, where each node's files
// go, and the manifest and metrics written at the end of a run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "interpreter/engine/reporter.hpp"
#include "interpreter/engine/run_options.hpp"
#include "interpreter/graph/graph.hpp"
#include "runtime/directory.hpp"

namespace rnn::interp {

// Exclusive use of a run directory for one process (flock on OUT/.cache/lock).
class DirectoryLock {
public:
    explicit DirectoryLock(const rt::Directory& cache);

    ~DirectoryLock();

    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

// The file that marks a folder as a run directory: rnnlab writes into an existing
// non-empty folder only when it holds this file (with a format version rnnlab reads).
inline constexpr std::string_view kRunMark = ".rnnlab-run";
inline constexpr std::int64_t kRunMarkFormat = 1;

// A run directory is the output directory of one script: refuse another script's
// results, and a non-empty folder that is not a run directory at all (no mark). Says so
// when the same script's results with other overrides are replaced. Creates OUT with its
// mark and OUT/.cache, and returns OUT opened.
rt::Directory claim_directory(const std::filesystem::path& out, const Provenance& provenance,
                              Reporter& reporter);

// Removes the temporary files that a run killed (or a full disk) left anywhere in the run
// directory, its cache included. Only under the directory's lock.
void remove_temporaries(const rt::Directory& out);

// Two nodes must not write the same place (`fit_3` and `fit[3]` share a folder).
void check_output_paths(const Graph& graph);

// The files a run published (path in the run directory -> SHA-256), as its manifest lists
// them; metrics.toml among them.
using PublishedFiles = std::map<std::string, std::string>;

// Before a run publishes anything into a directory that holds results: its manifest is
// rewritten to say the run is incomplete, so that a run killed half-way never leaves a
// mixture of two runs that claims to be complete. Returns the files the manifest listed.
PublishedFiles mark_incomplete(const rt::Directory& out);

// Removes the files an earlier run published that this run did not (a node renamed, a
// sweep made smaller), so the directory holds this run's results alone.
void remove_stale(const rt::Directory& out, const PublishedFiles& before,
                  const PublishedFiles& now);

// metrics.toml: one table per node name (no timings, so it is identical between runs).
// Returns its SHA-256.
std::string write_metrics(const rt::Directory& out, const Graph& graph,
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

void write_manifest(const rt::Directory& out, const Provenance& provenance, std::uint64_t seed,
                    const RunRecord& run, const Graph& graph, const std::vector<NodeRecord>& nodes,
                    const PublishedFiles& files);

}  // namespace rnn::interp
