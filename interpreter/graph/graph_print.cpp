#include "interpreter/graph/graph_print.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/hash.hpp"

namespace rnn::interp {

namespace {

std::string label(const GraphNode& n) {
    return n.kind == NodeKind::Plot ? "\"" + n.name + "\"" : n.name;
}

std::string dot_escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

std::string graph_text(const Graph& graph) {
    std::size_t width = 0;
    for (const auto& n : graph.nodes)
        width = std::max(width, keyword(n.kind).size() + 1 + label(n).size());
    std::string out;
    for (const auto& n : graph.nodes) {
        std::string inputs;
        for (const std::size_t i : n.inputs)
            inputs += (inputs.empty() ? "" : ", ")
                      + node_label(graph.nodes[i].kind, label(graph.nodes[i]));
        const std::string head = node_label(n.kind, label(n));
        out += fmt::format("{:<{}}  key {}{}\n", head, width, rt::hex64(n.key),
                           inputs.empty() ? "" : "  <- " + inputs);
    }
    return out;
}

std::string graph_dot(const Graph& graph) {
    std::string out = "digraph experiment {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    auto shape = [](NodeKind kind) {
        switch (kind) {
            case NodeKind::Task:
                return "box";
            case NodeKind::Train:
                return "box3d";
            case NodeKind::Plot:
                return "note";
            case NodeKind::Alter:
            case NodeKind::Evaluate:
            case NodeKind::Analyze:
                break;
        }
        return "ellipse";
    };
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& n = graph.nodes[i];
        out += fmt::format("  n{} [shape={}, label=\"{}\\n{}\"];\n", i, shape(n.kind),
                           keyword(n.kind), dot_escape(n.name));
    }
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
        for (const std::size_t from : graph.nodes[i].inputs)
            out += fmt::format("  n{} -> n{};\n", from, i);
    return out + "}\n";
}

}  // namespace rnn::interp
