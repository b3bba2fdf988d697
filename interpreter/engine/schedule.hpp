// Which nodes of a graph start first, and which go to a remote executor.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "interpreter/graph/graph.hpp"

namespace rnn::interp {

// The order in which execute() looks for a node to start among those whose inputs are done:
// every node that is not a training first, so that the results of a finished training (its
// evaluations, analyses and figures) are computed and cached before the next long training
// starts and a long sweep stopped half-way has complete members; then the trainings that
// can resume from a checkpoint; then the others. Graph order within each group.
std::vector<std::size_t> start_order(const Graph& graph,
                                     const std::function<bool(std::size_t)>& resumable);

// What a remote executor computes, one unit per machine: each training whose result is not
// in `cached`, followed by the evaluations, alters and analyses that read it and no other
// training and are not cached either (they run after it on the same machine, so that long
// evaluations do not run on the driver); and for a cached training, such nodes still
// missing. Plots, and nodes that read several trainings (a table across a sweep), are left
// to the driver. Units in graph order, each in graph order (its training first).
std::vector<std::vector<std::size_t>> remote_units(const Graph& graph,
                                                   const std::vector<bool>& cached);

}  // namespace rnn::interp
