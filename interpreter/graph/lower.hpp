// Lowering a checked program to its execution graph (graph/graph.hpp).
#pragma once

#include "interpreter/graph/graph.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp {

// Nodes: task, train, alter, evaluate, analyze, plot, in an order of their data
// dependencies; definitions of one kind in natural name order (a sweep's fit[2] before
// fit[10]). Each node's key: hash64(kind, name, resolved parameters, program version)
// combined with its inputs' keys.
Graph lower(const Program& program);

}  // namespace rnn::interp
