// `network NAME = KIND { ... }`: a network recipe of a stdlib kind, or a variant of
// another network; its parameters against the kind's schema, its tensor lines
// (tensor_lines.hpp), and the tensor layout that references and loaded arrays are checked
// against.
#pragma once

#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"
#include "runtime/network.hpp"

namespace rnn::interp::checker {

// Checks the network (its base first) into the program, once.
void check_network(Context& c, const ast::Statement& s);

// The network's size must match what the task presents.
void network_fits_task(Context& c, const NetworkDef& net, const TaskDef& task,
                       const ast::Span& where);

// The runtime layout of a network's tensors with the options given so far (empty when
// a required option is missing; columns are 0 where they depend on the task).
std::vector<rt::TensorLayout> layout_of(const NetworkDef& net);

// The tensor `name`, or the first of the family `name` (the plastic network's C.1,
// C.2, ... are the family C).
const rt::TensorLayout* find_layout(const std::vector<rt::TensorLayout>& layout,
                                    const std::string& name);

// The names of the tensors a network has with its options, for references and hints.
std::vector<std::string> tensor_names(const NetworkDef& net);

}  // namespace rnn::interp::checker
