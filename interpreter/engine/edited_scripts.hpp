// A figure's gnuplot script edited by hand is never overwritten silently (docs/figures.md,
// "Editing a figure's script"): when the <stem>.gp in the run directory differs from the
// one rnnlab last wrote there (its SHA-256 in the manifest) and from the one it writes
// now, the user's file stays and rnnlab's new script goes beside it as <stem>.gp.new.
#pragma once

#include <optional>
#include <string>

#include "interpreter/engine/run_directory.hpp"
#include "runtime/directory.hpp"

namespace rnn::interp {

// Whether `rel` is a figure's saved script (a .gp file the engine publishes).
bool is_figure_script(const std::string& rel);

// Where rnnlab's new script `bytes` for `rel` goes: nothing when to `rel` itself, else the
// name beside it (<rel>.new) because the file at `rel` was edited. `before` holds the
// hashes the previous run published; a script it does not list but that exists and differs
// counts as edited too.
std::optional<std::string> edited_script_elsewhere(const rt::Directory& out, const std::string& rel,
                                                   const std::string& bytes,
                                                   const PublishedFiles& before);

// The warning a run gives for a kept script.
std::string kept_script_warning(const std::string& rel, const std::string& beside);

}  // namespace rnn::interp
