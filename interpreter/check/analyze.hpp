// `analyze NAME = ENTRY(args..., option: value)`: a stdlib analysis call (arguments in
// arguments.hpp, time points, windows, periods and labels in task_options.hpp).
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

void check_analyze(Context& c, const ast::Statement& s);

}  // namespace rnn::interp::checker
