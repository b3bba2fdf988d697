// `alter NAME = TRAIN { lesion = [3, 7..12]  W_input : scale 0.5, set [0, 1, 0.2] }`: the
// trained network of a training (or of another alter) with units lesioned and weights
// changed.
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Checks the alter (the alter it changes first, wherever it is) into the program, once.
void check_alter(Context& c, const ast::Statement& s);

}  // namespace rnn::interp::checker
