// The execution graph: one node per task, training, alter, evaluation, analysis and plot of
// a checked program (graph/lower.hpp makes it).
//
// Each node has a content key: a 64-bit hash of its kind, its resolved parameters, its
// inputs' keys and the program version (written as hex in manifest.toml).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/graph/node_kind.hpp"

namespace rnn::interp {

struct GraphNode {
    NodeKind kind = NodeKind::Task;
    std::string name;  // definition name; plots: the file name
    std::vector<std::size_t> inputs;
    std::string description;  // resolved parameters, canonical text (hashed into the key)
    std::uint64_t key = 0;
};

struct Graph {
    std::vector<GraphNode> nodes;  // in a topological order
};

inline std::string node_label(const GraphNode& n) {
    return node_label(n.kind, n.name);
}

}  // namespace rnn::interp
