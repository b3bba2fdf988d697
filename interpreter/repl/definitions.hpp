// What the session's program defines, by name.
#pragma once

#include <string>
#include <vector>

#include "interpreter/program.hpp"

namespace rnn::interp::repl {

// What kind of definition NAME is ("task", "network", "train", "alter", "evaluate",
// "analyze"), or "" for none.
std::string kind_of(const Program& p, const std::string& name);

std::vector<std::string> defined_names(const Program& p);

}  // namespace rnn::interp::repl
