// `rnn graph`: the execution graph of a checked program, as text for people and as
// Graphviz DOT for drawing (`rnn graph FILE --dot | dot -Tpng > graph.png`).
#pragma once

#include <string>

#include "interpreter/graph/graph.hpp"

namespace rnn::interp {

// One line per node in execution order: kind, name, inputs, content key.
std::string graph_text(const Graph& graph);

// A DOT digraph; every label is escaped, so names and file names cannot break the syntax.
std::string graph_dot(const Graph& graph);

}  // namespace rnn::interp
