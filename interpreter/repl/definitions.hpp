// What the session's program defines, by name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp::repl {

// What kind of definition NAME is (task, network, train, alter, evaluate or analyze);
// none when the program defines no such name.
std::optional<ast::Statement::Kind> kind_of(const Program& p, const std::string& name);

// "train fit": the definition's kind and name, as the session keys its statement and as
// the graph labels its node.
std::string definition_label(ast::Statement::Kind kind, const std::string& name);

std::vector<std::string> defined_names(const Program& p);

}  // namespace rnn::interp::repl
