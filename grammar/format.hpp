// The canonical layout of a .rnn file (`rnn fmt`; the rules are docs/language.md §13). One
// layout for every file: the same program always prints the same way, whatever spacing it
// was written with, and comments stay where they were (beside or above the statement or
// field they annotate). Besides the tree, the layout keeps only where the source had line
// breaks (before an operator, after a comma), which block calls it wrote on one line, and
// its blank lines and comments.
#pragma once

#include <string>
#include <string_view>

#include "grammar/ast.hpp"

namespace rnn::grammar {

// Prints `module`, parsed from `source` (number spellings and comments are taken from the
// source text), in the canonical layout. Idempotent: format(parse(format(x))) == format(x).
std::string format_module(const ast::Module& module, std::string_view source);

}  // namespace rnn::grammar
