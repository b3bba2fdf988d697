// `plot ENTRY(args..., option: value) to "file.png"`: a stdlib figure call (arguments in
// arguments.hpp, time points, windows, periods and labels in task_options.hpp) and its file.
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

void check_plot(Context& c, const ast::Statement& s);

}  // namespace rnn::interp::checker
