// Text -> AST. The only door into grammar/: PEGTL stays inside parser.cpp.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "grammar/ast.hpp"

namespace rnn::grammar {

// A syntax error at one position: the message says what was expected there. `incomplete`
// is true when the input ended while a construct was still open (the REPL then asks for
// another line).
struct SyntaxError {
    ast::Span where;
    std::string message;
    bool incomplete = false;
    std::string code;  // the diagnostic code, e.g. "E0030" (see interpreter/diagnostic_codes.hpp)
};

class ParseFailure : public std::runtime_error {
public:
    explicit ParseFailure(SyntaxError e) : std::runtime_error(e.message), error(std::move(e)) {}

    SyntaxError error;
};

// Parses a whole file. `file_id` is stored in every span. Throws ParseFailure.
ast::Module parse(std::string_view source, std::uint32_t file_id, const std::string& file_name);

}  // namespace rnn::grammar
