// Running what a result needs: the session lowers the whole program, keeps the nodes
// asked for and their inputs (with the whole graph's keys) and hands that subgraph to the
// engine, so the cache is the one `rnn run` uses and a repeated question costs a lookup.
#include <algorithm>

#include <fmt/format.h>

#include "interpreter/cli/progress_reporter.hpp"
#include "interpreter/engine/execute.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/repl/session.hpp"

namespace rnn::interp {

namespace {

constexpr const char* kScriptName = "repl.rnn";

// The graph restricted to the nodes `wanted` need (their inputs, transitively), with the
// inputs renumbered; keys are those of the whole graph, so the cache is shared with it.
Graph subgraph(const Graph& g, const std::vector<std::size_t>& wanted) {
    std::vector<bool> keep(g.nodes.size(), false);
    std::vector<std::size_t> stack = wanted;
    while (!stack.empty()) {
        const std::size_t i = stack.back();
        stack.pop_back();
        if (keep[i])
            continue;
        keep[i] = true;
        for (const std::size_t j : g.nodes[i].inputs)
            stack.push_back(j);
    }
    Graph out;
    std::vector<std::size_t> renumber(g.nodes.size(), 0);
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (keep[i]) {
            renumber[i] = out.nodes.size();
            GraphNode n = g.nodes[i];
            for (auto& j : n.inputs)
                j = renumber[j];
            out.nodes.push_back(std::move(n));
        }
    return out;
}

// The engine's options for a session's run: its run directory and script, progress
// through `reporter`, BLAS, and the interrupt flag.
RunOptions run_options(const SessionOptions& opt, const std::string& script_text,
                       Reporter& reporter) {
    RunOptions o;
    o.out_dir = opt.out_dir;
    o.provenance.script_path = kScriptName;
    o.provenance.script_text = script_text;
    o.provenance.blas_core = opt.blas_core;
    o.provenance.blas_choice = opt.blas_choice;
    o.provenance.blas_threads = opt.blas_threads;
    o.reporting.reporter = &reporter;
    o.reporting.large_activity_bytes = opt.large_activity_bytes;
    // A training stopped by Ctrl-C goes on from its last completed epoch when asked again.
    o.scheduling.resume = true;
    o.scheduling.interrupt = opt.interrupt;
    o.scheduling.interrupt_after_epoch = opt.interrupt_after_epoch;
    return o;
}

// Progress of a session's run, on its error stream.
ProgressOptions progress_options(const SessionOptions& opt) {
    ProgressOptions shown;
    shown.progress_on_terminal = opt.progress_on_terminal;
    shown.terminal_columns = opt.terminal_columns;
    shown.log = [&opt](const std::string& line) {
        opt.err(line + "\n");
    };
    return shown;
}

}  // namespace

bool Session::run_for(const std::string& label) {
    return execute_nodes({label});
}

bool Session::run_all() {
    if (!program_) {
        say("(nothing defined yet)\n");
        return true;
    }
    const Graph g = lower(*program_);
    std::vector<std::string> labels;
    for (const auto& n : g.nodes)
        labels.push_back(node_label(n));
    return execute_nodes(labels);
}

bool Session::execute_nodes(const std::vector<std::string>& labels) {
    const Graph whole = lower(*program_);
    std::vector<std::size_t> wanted;
    for (std::size_t i = 0; i < whole.nodes.size(); ++i)
        if (std::find(labels.begin(), labels.end(), node_label(whole.nodes[i])) != labels.end())
            wanted.push_back(i);
    const Graph graph = subgraph(whole, wanted);
    ProgressReporter progress(progress_options(opt_));
    const RunOptions o = run_options(opt_, joined(), progress);
    try {
        execute(*program_, graph, o);
    } catch (const Interrupted& e) {
        error(fmt::format("{}\n(asking again goes on from there)\n", e.what()));
        return false;
    } catch (const std::exception& e) {
        error(fmt::format("runtime failure: {}\n", e.what()));
        return false;
    }
    return true;
}

}  // namespace rnn::interp
