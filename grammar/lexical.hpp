// Lexical walks over a script's text, outside the grammar: comments, brackets left open,
// and positions. The parser and its error messages share them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/ast.hpp"

namespace rnn::grammar {

// One lexical walk over the source, shared by the checks of the grammar: calls on_code(byte, line,
// column) for every character outside strings and comments, and on_comment(begin, end,
// line, column) for every comment ('#' to the end of the line). Stops at `limit`.
template <typename OnCode, typename OnComment>
void scan_source(std::string_view source, std::size_t limit, OnCode on_code, OnComment on_comment) {
    std::uint32_t line = 1, column = 1;
    bool in_string = false;
    limit = std::min(limit, source.size());
    for (std::size_t i = 0; i < limit; ++i, ++column) {
        const char c = source[i];
        if (c == '\n') {
            ++line;
            column = 0;
            in_string = false;
        } else if (in_string) {
            if (c == '\\')
                ++i, ++column;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '#') {
            std::size_t j = i;
            while (j < source.size() && source[j] != '\n')
                ++j;
            on_comment(i, j, line, column);
            column += static_cast<std::uint32_t>(j - i - 1);
            i = j - 1;
        } else {
            on_code(i, line, column);
        }
    }
}

// Comments are found by a lexical scan (outside strings): keeping them out of the parse
// tree keeps the tree's shape independent of where users put comments.
std::vector<ast::Comment> collect_comments(std::string_view source, std::uint32_t file_id);

// The position of the innermost `opening` bracket still open at byte `at` (outside strings
// and comments).
std::optional<std::size_t> unclosed(std::string_view source, std::size_t at, char opening,
                                    char closing);

// The 1-based line and column of a byte.
std::pair<std::uint32_t, std::uint32_t> position_of(std::size_t byte, std::string_view source);

// "LINE:COLUMN" of a byte.
std::string opened_at(std::size_t byte, std::string_view source);

}  // namespace rnn::grammar
