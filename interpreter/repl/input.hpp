// What the REPL reads in a line before the parser does: blank space, identifiers, and a
// request for a result (`fit`, `fit[3, tanh].W_self.raw`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rnn::interp::repl {

std::string trim(const std::string& s);

bool ident_start(char c);

bool ident_char(char c);

// A request for a result: NAME, NAME[i, j], then .MEMBER parts (`fit.W_self.raw`). The
// instance name has its index without blanks (`fit[3,tanh]`), as the checker names it.
struct Query {
    std::string name;
    std::vector<std::string> members;
};

// nullopt when `s` is not a request (a keyword, a statement, other text).
std::optional<Query> parse_query(const std::string& s);

}  // namespace rnn::interp::repl
