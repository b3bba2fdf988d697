// The script-wide settings: `seed N` (the root of every random stream) and `output "DIR"`
// (the run directory), each set at most once.
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

void check_seed(Context& c, const ast::Statement& s);

void check_output(Context& c, const ast::Statement& s);

}  // namespace rnn::interp::checker
