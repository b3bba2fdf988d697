// Argument parsing that several commands share: job counts, node keys, overrides.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/cli/run_request.hpp"
#include "interpreter/overrides.hpp"

namespace rnn::cli {

// A command's arguments as flags (each sets its bool) and at most one operand (a FILE, a
// CODE) that does not start with '-'; false after printing `usage` for anything else.
bool parse_flags(const std::vector<std::string>& args,
                 std::initializer_list<std::pair<const char*, bool*>> flags, std::string& operand,
                 const char* usage);

// -j N, -jN, --jobs N: a whole number from 1 to 256.
bool parse_jobs(const std::string& text, int& jobs);

// --max-memory SIZE: a number of bytes, or a number with K, M, G, T or P after it (powers
// of 1024, as Slurm's --mem), optionally followed by B or iB ("4G", "512MiB", "1.5T");
// nullopt when it is not that or not more than 0.
std::optional<double> parse_size(const std::string& text);

// --max-memory's value into `text` and `bytes`; false (printed, prefixed by `cmd`) when it
// is not a size.
bool max_memory_option(const std::string& value, std::string& text, double& bytes, const char* cmd);

// --node KEY[,KEY...]: node keys of 16 hex digits separated by commas; nullopt when the
// list is not that.
std::optional<std::vector<std::uint64_t>> parse_node_keys(const std::string& list);

// The --config file's overrides, then each --set: into r.overrides. False (printed) when
// the config cannot be read or is not TOML with .rnn values.
bool read_overrides(const char* cmd, RunRequest& r, const std::vector<interp::Override>& sets);

}  // namespace rnn::cli
