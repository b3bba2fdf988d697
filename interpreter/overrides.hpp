// Overrides from the command line: `--set PATH=VALUE` and `--config FILE.toml`
// (docs/language.md §9). They change the script's syntax tree before it is checked, so an
// overridden value is checked like one written in the script (type, unit, range,
// did-you-mean), and enters the node keys like one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/diagnostics.hpp"

namespace rnn::interp {

struct Override {
    std::string path;     // "fit.optimizer.lr", "hop.W_self.init", "seed", "output"
    std::string value;    // a .rnn expression: "0.01", "normal(0.2)", "\"runs/x\""
    std::string origin;   // "--set" or the --config file; names the source in diagnostics
    bool string = false;  // from a TOML string: taken as a string where the field holds one

    std::string text() const { return path + "=" + value; }
};

// "PATH=VALUE" as given to --set; nothing, with the reason in `why`, when it has no '='.
std::optional<Override> parse_set(const std::string& arg, std::string& why);

// The overrides of a --config file: every value of every table, its path the table names
// joined by '.'. Numbers and booleans are taken as they are, a string is parsed as an
// expression unless the value it replaces is a string. Nothing, with `why`, when the file
// is not TOML or holds a value that has no .rnn form (dates, empty tables).
std::optional<std::vector<Override>> parse_config(const std::string& text, const std::string& file,
                                                  std::string& why);

// Applies the overrides in order to the module (the last one of a path wins). Each
// override's text becomes a source of its own in `sources`, so diagnostics point into it.
void apply_overrides(ast::Module& module, const std::vector<Override>& overrides,
                     SourceMap& sources, Diagnostics& diagnostics);

}  // namespace rnn::interp
