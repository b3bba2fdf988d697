// The kinds of node in the execution graph, and the keyword each is written with: in node
// keys (hashed), in manifest.toml and cache entries, in `rnn graph` and in messages. The
// text of a kind is here and nowhere else.
#pragma once

#include <string>
#include <string_view>

namespace rnn::interp {

enum class NodeKind { Task, Train, Alter, Evaluate, Analyze, Plot };

constexpr std::string_view keyword(NodeKind kind) {
    switch (kind) {
        case NodeKind::Task:
            return "task";
        case NodeKind::Train:
            return "train";
        case NodeKind::Alter:
            return "alter";
        case NodeKind::Evaluate:
            return "evaluate";
        case NodeKind::Analyze:
            return "analyze";
        case NodeKind::Plot:
            return "plot";
    }
    return "?";
}

// "train fit": a kind and a name, as nodes are named in the manifest and in messages.
inline std::string node_label(NodeKind kind, const std::string& name) {
    return std::string(keyword(kind)) + " " + name;
}

}  // namespace rnn::interp
