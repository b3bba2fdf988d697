// Paths named by scripts are untrusted: a shared .rnn file must not write outside its run
// directory. These checks are the one place that decides what a script may name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rnn::interp {

// The first control character of `text` as a code point: C0 (U+0000-U+001F), DEL or a
// UTF-8 encoded C1 (U+0080-U+009F); nothing when it has none. Names that become file
// names or TOML keys (paths, sweep indices) hold none.
std::optional<char32_t> control_character(std::string_view text);

// "U+000A (a line break)", "U+0009 (a tab)", "U+0085": a control character for messages.
std::string control_character_name(char32_t c);

// "" when `path` is a safe relative path (no absolute path, no '..', no empty or hidden
// components, printable characters only); otherwise why it is not, as "must ..." text.
std::string unsafe_relative_path(std::string_view path);

// The folder of a definition's results inside the run directory: the name itself, with a
// sweep instance's index values joined by '_' (`fit[3,tanh]` -> `fit_3_tanh`; brackets are
// glob characters in shells). Any other character that is not [A-Za-z0-9._-] becomes '_',
// so an index value can never make a path leave the run directory.
std::string node_directory(std::string_view name);

// The folder under runs/ that a script writes to when neither --out nor an `output`
// setting names one: the script's file name without its extension, each character that is
// not [A-Za-z0-9._-] and each leading dot made '_', so that no file name ("..rnn",
// "...rnn") can name the current folder, its parent, or a hidden folder.
std::string default_run_folder(std::string_view script_file_name);

}  // namespace rnn::interp
