// The REPL's `:` commands (their handlers are Session methods in commands.cpp).
#pragma once

#include <string>
#include <vector>

namespace rnn::interp::repl {

// Every command's name, `:help` to `:quit`.
const std::vector<std::string>& command_names();

}  // namespace rnn::interp::repl
