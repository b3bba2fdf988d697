// The arguments an analysis or a figure is called with, made from the results in memory of
// the nodes it reads (its inputs in the graph).
#pragma once

#include <vector>

#include "interpreter/engine/node_results.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp {

std::vector<stdlib::ArgValue> node_arguments(const Program& program, const NodeResults& results,
                                             const std::vector<ArgRef>& args);

}  // namespace rnn::interp
