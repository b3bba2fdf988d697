// How much memory this process may still take: the limit that `rnn run` and `rnn check`
// hold each training's and evaluation's estimated peak against, unless --max-memory says.
#pragma once

#include <optional>
#include <string>

#include "interpreter/check/memory_estimate.hpp"

namespace rnn::cli {

// MemAvailable of /proc/meminfo, or less where this process's cgroup (a container, a Slurm
// job) allows less (memory.max - memory.current, cgroup v2); nullopt where neither is known.
std::optional<double> available_memory();

// The limit for a command: `max_memory` (the text of --max-memory, already parsed to
// `max_bytes`) when given, else what is available; nullopt when nothing is known, and then
// nothing is refused.
std::optional<interp::MemoryLimit> memory_limit(const std::string& max_memory, double max_bytes);

}  // namespace rnn::cli
