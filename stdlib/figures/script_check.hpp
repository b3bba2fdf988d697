// Which saved gnuplot scripts rnnlab vouches for (docs/figures.md, "Drawing a run's figures
// again"). A run directory may come from anyone, its manifest too, and a gnuplot script can
// run commands (`system`, backquotes, `load`, `!`, a data file named '<cmd'); so `rnn plot`
// runs a .gp without being told to only when every line is of the narrow kind rnnlab's
// figures write, which can read data files beside it and draw one picture, nothing else:
//   - commands are `set`, `unset`, `plot` and `splot` (full words, `;` between them), and
//     `set`/`unset` take only the settings figures use (no print, table, loadpath, fit, ...);
//   - `set output` names the picture beside the script (<stem>.png, .svg or .pdf) and
//     `set terminal` its cairo or svg terminal;
//   - every element of a plot is a data file in the script's folder, named by one string
//     (no '/', no '<' or '|' command), or NaN;
//   - no backquote, '@', '$' (but column numbers $2), '!' command, '{', '\' but octal escapes
//     in double-quoted strings, no assignment and no iteration; functions are numeric ones
//     (column, valid, abs, log, ...), never system;
//   - no line ends in '\' (a continuation).
// The rules reject whatever they do not know, so an edit that keeps to them (other colours,
// ranges, labels) renders, and any other needs `rnn plot --edited`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rnn::stdlib {

struct ScriptCheck {
    std::string problem;            // "" when rnnlab vouches for the script; else "line N: why"
    std::string picture;            // what its one `set output` names ("" when none)
    std::vector<std::string> data;  // the data files its plots read, as named (no "./")
};

// `text` is the script <stem>.gp; `stem` its name without ".gp".
ScriptCheck check_script(std::string_view text, std::string_view stem);

}  // namespace rnn::stdlib
