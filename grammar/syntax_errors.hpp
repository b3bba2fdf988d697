// Syntax errors found outside the grammar: bytes that are not a script (not UTF-8, a NUL)
// and brackets nested too deeply, refused before parsing; and a failed parse's error made
// precise where the source shows what went wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "grammar/parser.hpp"

namespace rnn::grammar {

// Scripts are UTF-8 text. Rejecting anything else up front keeps binary files and other
// encodings from reaching the grammar (and the terminal, through diagnostics) as garbage.
void check_encoding(std::string_view source, std::uint32_t file_id);

// Deeply nested brackets would exhaust the stack of a recursive-descent parser; they are
// rejected with a message instead. Throws ParseFailure.
void check_nesting(std::string_view source, std::uint32_t file_id);

// `err` is the error table's entry for the parse that failed at byte `at`: sets whether the
// input ended there (incomplete), names a keyword where a name was expected, the block a
// statement keyword shows unclosed, and the bracket a missing ')' or ']' would close.
void refine_syntax_error(SyntaxError& err, std::string_view source, std::size_t at);

}  // namespace rnn::grammar
