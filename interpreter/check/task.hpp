// `task NAME = ENTRY { ... }`: a stdlib task with its parameters, or a variant of another
// task that inherits its values (and its fixed data).
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Checks the task (its base first) into the program, once; cycles of variants are errors.
void check_task(Context& c, const ast::Statement& s);

}  // namespace rnn::interp::checker
