#include "grammar/syntax_errors.hpp"

#include <algorithm>
#include <string>
#include <tuple>

#include "grammar/keywords.hpp"
#include "grammar/lexical.hpp"

namespace rnn::grammar {

namespace {

// A name was expected and a keyword stands there: says so, it is not obvious.
void add_keyword_hint(SyntaxError& err, std::string_view rest) {
    if (err.code != "E0014" && err.code != "E0016" && err.code != "E0022")
        return;
    if (const Keyword* k = keyword_at(rest))
        err.message += " ('" + std::string(k->word) + "' is a keyword)";
}

// A statement keyword (or the end of the input) where a field was expected: the block
// above was never closed, and the error names the brace that opened it.
void name_unclosed_block(SyntaxError& err, std::string_view source, std::size_t at,
                         std::uint32_t file_id) {
    if (err.code != "E0033" && err.code != "E0032")
        return;
    const Keyword* k = keyword_at(source.substr(std::min(at, source.size())));
    if (!err.incomplete && (k == nullptr || !k->statement))
        return;
    const auto open = unclosed(source, at, '{', '}');
    if (!open)
        return;
    err.code = "E0032";
    if (err.incomplete) {
        // At the end of the file there is nothing to point at: point at the brace that is
        // never closed.
        const auto [line, column] = position_of(*open, source);
        err.where = {file_id, line, column, static_cast<std::uint32_t>(*open),
                     static_cast<std::uint32_t>(*open + 1)};
        err.message = "this '{' is never closed: expected '}' before the end of the file";
    } else {
        err.message = "expected '}' to close the block opened at " + opened_at(*open, source);
    }
}

}  // namespace

void check_encoding(std::string_view source, std::uint32_t file_id) {
    std::uint32_t line = 1, column = 1;
    auto fail = [&](std::size_t i, const char* message, const char* code) {
        throw ParseFailure(SyntaxError{{file_id, line, column, static_cast<std::uint32_t>(i),
                                        static_cast<std::uint32_t>(i + 1)},
                                       message,
                                       false,
                                       code});
    };
    for (std::size_t i = 0; i < source.size(); ++column) {
        const auto c = static_cast<unsigned char>(source[i]);
        if (c == 0)
            fail(i, "the file contains a NUL byte: it is binary data, not a script", "E0003");
        if (c < 0x80) {
            if (c == '\n') {
                ++line;
                column = 0;
            }
            ++i;
            continue;
        }
        // The length of the sequence and the range its second byte must lie in (this
        // excludes overlong forms, UTF-16 surrogates and code points above U+10FFFF).
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            length = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            low = c == 0xE0 ? 0xA0 : 0x80;
            high = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            low = c == 0xF0 ? 0x90 : 0x80;
            high = c == 0xF4 ? 0x8F : 0xBF;
        }
        bool ok = length > 0 && i + length <= source.size();
        for (std::size_t k = 1; ok && k < length; ++k) {
            const auto b = static_cast<unsigned char>(source[i + k]);
            ok = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
        }
        if (!ok)
            fail(i, "the file is not valid UTF-8 text", "E0002");
        i += length;
    }
}

constexpr int kMaxNesting = 64;

void check_nesting(std::string_view source, std::uint32_t file_id) {
    int depth = 0;
    scan_source(
        source, source.size(),
        [&](std::size_t i, std::uint32_t line, std::uint32_t column) {
            const char c = source[i];
            if (c == '(' || c == '[' || c == '{') {
                if (++depth > kMaxNesting)
                    throw ParseFailure(
                        SyntaxError{{file_id, line, column, static_cast<std::uint32_t>(i),
                                     static_cast<std::uint32_t>(i + 1)},
                                    "brackets nested too deeply (more than 64 levels)",
                                    false,
                                    "E0004"});
            } else if (c == ')' || c == ']' || c == '}') {
                depth = depth > 0 ? depth - 1 : 0;
            }
        },
        [](std::size_t, std::size_t, std::uint32_t, std::uint32_t) {});
}

void refine_syntax_error(SyntaxError& err, std::string_view source, std::size_t at) {
    add_keyword_hint(err, source.substr(std::min(at, source.size())));
    err.incomplete = at >= source.size();
    name_unclosed_block(err, source, at, err.where.file);
    // Which bracket a missing ')' or ']' would close.
    for (const auto& [code, opening, closing] :
         {std::tuple{"E0030", '(', ')'}, std::tuple{"E0031", '[', ']'}}) {
        if (err.code != code)
            continue;
        if (const auto open = unclosed(source, at, opening, closing))
            err.message = std::string("expected '") + closing + "' to close the '" + opening
                          + "' opened at " + opened_at(*open, source);
    }
}

}  // namespace rnn::grammar
