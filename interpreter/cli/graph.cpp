// rnn graph FILE [--dot]: the execution graph, as text or Graphviz DOT.
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/script.hpp"
#include "interpreter/graph/graph_print.hpp"
#include "interpreter/graph/lower.hpp"

namespace rnn::cli {

int cmd_graph(const Args& args) {
    constexpr const char* usage = "usage: rnn graph FILE [--dot]\n";
    std::string file;
    bool dot = false;
    if (!parse_flags(args, {{"--dot", &dot}}, file, usage))
        return kUsage;
    if (file.empty()) {
        fmt::print(stderr, "{}", usage);
        return kUsage;
    }
    const auto l = load_script(file);
    if (!l.program)
        return kScriptError;
    const interp::Graph graph = interp::lower(*l.program);
    fmt::print("{}", dot ? interp::graph_dot(graph) : interp::graph_text(graph));
    return kOk;
}

}  // namespace rnn::cli
