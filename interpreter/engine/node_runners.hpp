// One table of how the engine runs each kind of node: how it computes one, and how it loads
// a cached one for the nodes that read it. The executor (engine/execute.cpp) dispatches
// through it and knows nothing of what a kind computes.
#pragma once

#include "interpreter/engine/cache.hpp"
#include "interpreter/engine/node_results.hpp"
#include "interpreter/engine/reporter.hpp"
#include "interpreter/engine/run_control.hpp"
#include "interpreter/engine/run_options.hpp"
#include "interpreter/graph/graph.hpp"
#include "interpreter/program.hpp"
#include "runtime/checkpoint.hpp"

namespace rnn::interp {

// What a node runner works with: the program, the run's options, its cache, where progress
// goes, whether to stop, and the results in memory of the nodes done so far.
struct RunnerContext {
    const Program& program;
    const RunOptions& options;
    const Cache& cache;
    Reporter& reporter;
    RunControl& control;
    NodeResults& results;
};

struct NodeRunner {
    // Computes the node into `out` (its files, metrics and state) and keeps its results in
    // memory for its readers. False when it stopped without a result: a training
    // interrupted and checkpointed.
    bool (*compute)(RunnerContext& context, const GraphNode& node, NodeOutput& out);
    // Keeps in memory the results of a cached node, from the state of its entry; nullptr for
    // a kind whose entry keeps no state (cache.hpp, keeps_state).
    void (*restore)(RunnerContext& context, const GraphNode& node, const rt::Checkpoint& state);
    // Whether restore reads the node's inputs (a trained network is rebuilt for its task's
    // input size), so that a cached node being restored needs them done first.
    bool restore_reads_inputs = false;
};

const NodeRunner& node_runner(NodeKind kind);

}  // namespace rnn::interp
