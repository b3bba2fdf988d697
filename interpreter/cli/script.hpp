// What the commands that read a script share: where diagnostics go, and loading a script
// with its diagnostics printed.
#pragma once

#include <string>

#include "interpreter/load.hpp"

namespace rnn::cli {

// Diagnostics and progress are coloured and redrawn only on a terminal.
bool stderr_is_terminal();

// Reads, parses and checks a script with the files it includes (and `options`' overrides);
// prints the diagnostics to stderr.
interp::Loaded load_script(const std::string& path, const interp::LoadOptions& options = {});

}  // namespace rnn::cli
