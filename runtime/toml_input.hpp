// Every TOML text rnnlab reads (a --config file, a run directory's manifest, metrics and
// cache entries, a checkpoint's index) goes through parse_toml: a linear pre-scan bounds
// its size, nesting and number of entries before the TOML library sees it. toml++ parses
// and frees nested tables by recursion, so a dotted key of tens of thousands of parts, or
// as many nested arrays, overflowed the stack (SIGSEGV) before any error could be given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace rnn::rt {

struct TomlLimits {
    std::uint64_t max_bytes = std::uint64_t{16} << 20;
    // Levels of nesting below the root: the parts of a [table] header (one more for an
    // [[array of tables]]), the parts of a dotted key, and each array and inline table a
    // value opens, all added up. `a.b = [{c = 1}]` under `[x]` reaches depth 5.
    std::size_t max_depth = 64;
    // Key parts, [table] headers, arrays, inline tables and array elements, counted
    // together: a bound on the nodes the library allocates.
    std::size_t max_entries = 1'000'000;
};

// Why `text` exceeds `limits` ("line 3: nested more than 64 levels deep ..."), or nothing.
// One pass over the bytes, aware of strings (all four kinds, escapes, multi-line) and
// comments, so that brackets and dots inside them count for nothing.
std::optional<std::string> toml_beyond_limits(std::string_view text, const TomlLimits& limits);

// The table of a TOML text within `limits`, or nothing with the reason in `why` (a limit,
// or the library's message with the line: "expected '=' (line 3)"). `name` names the text
// in the library's source positions. Never throws for any bytes.
std::optional<toml::table> parse_toml(std::string_view text, const std::string& name,
                                      std::string& why, const TomlLimits& limits = {});

}  // namespace rnn::rt
