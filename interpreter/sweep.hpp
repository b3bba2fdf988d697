// Sweeps: `for s in 1..20, a in [tanh, relu] { train fit[s, a] = ... }` expands, before
// checking, into one statement per combination of values — the loop variables replaced by
// their values (spans kept at the place of use, so diagnostics point into the body), the
// definition named by its evaluated index (`fit[3,tanh]`), and `{s}` inside strings
// replaced (so each instance can write its own figure file).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/diagnostics.hpp"
#include "stdlib/results.hpp"

namespace rnn::interp {

// One statement of the expanded program.
struct Instance {
    ast::Statement statement;  // no For statements remain; name holds the full instance name
    std::string family;        // "fit" for fit[3]; "" outside sweeps
    std::string bindings;      // "s = 3, a = tanh"; "" outside sweeps
    ast::Span sweep;           // the innermost enclosing `for`
    // The value of every enclosing loop variable, outermost first (what `bindings` says):
    // curve() draws results against them, history() and table() name members by them.
    std::vector<stdlib::LoopValue> loops;
};

// The largest number of instances one file may expand to.
inline constexpr std::size_t kMaxSweepInstances = 100000;

std::vector<Instance> expand_sweeps(const std::vector<ast::Statement>& statements,
                                    Diagnostics& diags);

// The text of an index value inside an instance name: 3, 0.001, tanh, "text" -> text.
// Returns "" when the expression is not a literal.
std::string index_text(const ast::Expr& e);

}  // namespace rnn::interp
