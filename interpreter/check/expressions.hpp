// Reading syntax-tree expressions inside the checker: constant numbers, dotted references
// (`fit[3].W_self`), list items, and the words that name an expression in a message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.hpp"

namespace rnn::interp::checker {

// The items of a list, or the value itself when it is not a list (`lesion = 3`).
std::vector<const ast::Expr*> list_items(const ast::Expr& e);

// Constant numeric expressions: numbers, + - * /, unary minus, sqrt(x).
std::optional<double> constant_number(const ast::Expr& e);

// "a boolean", "an integer": names of types and kinds inside sentences.
std::string with_article(std::string_view word);

// What an expression is, for messages: "a number in ms", "the name 'x'", "a list".
std::string kind_words(const ast::Expr& e);

// "a.b.c" for a chain of names and members, with sweep instances as `fit[3]`, or "" if the
// expression is something else.
std::string dotted(const ast::Expr& e);

// The parts of a dotted reference; a dot inside an index (`lr[0.5]`) does not split.
std::vector<std::string> split_dots(const std::string& s);

}  // namespace rnn::interp::checker
