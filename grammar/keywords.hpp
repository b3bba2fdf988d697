// The words of the language, in one table. The parser reserves them (none can name a
// definition or a loop variable), says so when one stands where a name was expected, and
// reads a statement keyword after an unclosed block as that block's missing '}'; the AST
// names a statement kind by its keyword; the REPL completes them and never takes one for a
// result's name. docs/language.md §1 and tests/fuzz/rnn.dict list them (a unit test
// compares both with this table).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "grammar/ast.hpp"

namespace rnn::grammar {

struct Keyword {
    std::string_view word;
    // The statement the word starts; none for the other reserved words.
    std::optional<ast::Statement::Kind> statement;
    // Reserved inside expressions too (`and`, `true`, `in`, ...). The others are reserved
    // as definition names only, so a task signal may be called `output`.
    bool in_expressions = false;
};

// Every keyword, in the order docs/language.md lists them.
std::span<const Keyword> keywords();

// The keyword spelled `word`; nullptr for any other word.
const Keyword* find_keyword(std::string_view word);

// The keyword that `text` starts with as a whole word (not followed by a letter, a digit
// or '_'); nullptr when it starts with none.
const Keyword* keyword_at(std::string_view text);

// The keyword that starts a statement of `kind`.
std::string_view statement_keyword(ast::Statement::Kind kind);

}  // namespace rnn::grammar
