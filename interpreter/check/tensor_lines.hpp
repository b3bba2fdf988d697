// A network's tensor lines, `TENSOR : modifier, ...`: constraints (fixed, trainable,
// symmetric, no_self, dale, mask), initialisers (`init normal(0.1)`, `init load("W.npy")`),
// pinned seeds and shared streams, checked against the tensor's shape and role.
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"
#include "stdlib/registry.hpp"

namespace rnn::interp::checker {

// Checks one tensor line of the network `net` (of kind `entry`) into net.tensors.
void tensor_line(Context& c, const ast::Field& f, const stdlib::NetworkEntry& entry,
                 NetworkDef& net);

}  // namespace rnn::interp::checker
