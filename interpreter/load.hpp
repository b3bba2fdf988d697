// The front end as one call: read a script and the files it includes, parse them, and
// check the whole experiment. Used by every command (run, check, graph, the REPL) and by
// the fuzz target, so all of them see the same diagnostics.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "interpreter/check/memory_estimate.hpp"
#include "interpreter/diagnostics.hpp"
#include "interpreter/overrides.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp {

struct LoadOptions {
    // Off for text that must not reach the file system (the fuzz target): `include` and
    // `load("file.npy")` are then errors instead of reads.
    bool allow_includes = true;
    // --set and --config, applied in order to the script and its includes before checking.
    std::vector<Override> overrides = {};
    // With a limit, a training or evaluation estimated to need more memory is an error.
    std::optional<MemoryLimit> memory_limit = std::nullopt;
};

struct Loaded {
    SourceMap sources;  // file 0 is the script itself; included files follow
    // How many of `sources` are files (the script and its includes); the overrides follow.
    std::uint32_t files = 0;
    Diagnostics diagnostics;
    std::optional<Program> program;  // present when there is no error
};

// Reads `path` (a missing or unreadable file, or a directory, is a diagnostic, not a throw).
Loaded load_file(const std::string& path, const LoadOptions& options = {});

// Checks `text` as if read from a file called `name`; includes resolve relative to the
// directory of `name`.
Loaded load_text(const std::string& name, std::string text, const LoadOptions& options = {});

// A script in pieces, read in order as one file, each piece's relative paths (includes,
// arrays, data files) resolving against its own `directory` (its name's when empty): the
// REPL's statements, some typed and some loaded from a file elsewhere.
struct ScriptPiece {
    std::string name;  // as diagnostics name it
    std::string text;
    std::string directory = {};
};

Loaded load_pieces(const std::vector<ScriptPiece>& pieces, const LoadOptions& options = {});

// Every diagnostic rendered, then "N errors in FILE" when there are errors.
std::string render_all(const Loaded& loaded, bool color);

}  // namespace rnn::interp
