#include "interpreter/graph/lower.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "interpreter/graph/node_keys.hpp"
#include "interpreter/version.hpp"
#include "runtime/hash.hpp"
#include "runtime/network.hpp"

namespace rnn::interp {

namespace {

// Whether name a sorts before b with every run of digits compared as a number, so that a
// sweep's instances come in index order: fit[2] before fit[10].
bool natural_less(const std::string& a, const std::string& b) {
    auto digit = [](char c) {
        return c >= '0' && c <= '9';
    };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie]))
                ++ie;
            while (je < b.size() && digit(b[je]))
                ++je;
            // Without leading zeros the longer run is the larger number.
            std::size_t is = i, js = j;
            while (is + 1 < ie && a[is] == '0')
                ++is;
            while (js + 1 < je && b[js] == '0')
                ++js;
            if (ie - is != je - js)
                return ie - is < je - js;
            if (const int c = a.compare(is, ie - is, b, js, je - js); c != 0)
                return c < 0;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j])
                return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    if ((a.size() - i) != (b.size() - j))
        return a.size() - i < b.size() - j;
    return a < b;  // equal as numbers ("01" and "1"): any fixed order
}

// The entries of a definition map in natural name order.
template <typename Def>
std::vector<std::pair<const std::string*, const Def*>> in_natural_order(
    const std::map<std::string, Def>& defs) {
    std::vector<std::pair<const std::string*, const Def*>> out;
    out.reserve(defs.size());
    for (const auto& [name, def] : defs)
        out.emplace_back(&name, &def);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& x, const auto& y) { return natural_less(*x.first, *y.first); });
    return out;
}

}  // namespace

Graph lower(const Program& program) {
    Graph g;
    std::map<std::pair<NodeKind, std::string>, std::size_t> index;  // (kind, name) -> node
    auto node = [&](NodeKind kind, const std::string& name) {
        return index.at({kind, name});
    };
    auto add = [&](NodeKind kind, std::string name, std::vector<std::size_t> inputs,
                   std::string description) {
        GraphNode n{kind, name, std::move(inputs), std::move(description), 0};
        std::uint64_t key = rt::hash64(
            std::string(keyword(kind)) + "\n" + name + "\n" + n.description, rt::hash64(kVersion));
        for (const std::size_t i : n.inputs)
            key = rt::hash_combine(key, g.nodes[i].key);
        n.key = key;
        index[{kind, name}] = g.nodes.size();
        g.nodes.push_back(std::move(n));
    };
    const std::string seed = fmt::format("seed={};", program.seed);
    // Definitions of one kind in natural name order: a sweep's instances are listed, and
    // (among nodes ready at once) run, in index order.
    for (const auto& [name_ptr, t_ptr] : in_natural_order(program.tasks)) {
        const std::string& name = *name_ptr;
        const TaskDef& t = *t_ptr;
        add(NodeKind::Task, name, {},
            seed + "entry=" + t.entry->name + ";data=" + t.data_origin + ";"
                + params_text(t.entry->schema, t.params, t.files_key)
                + (t.definition_key.empty()
                       ? ""
                       : fmt::format("definition={:016x};", rt::hash64(t.definition_key))));
    }
    for (const auto& [name, t] : in_natural_order(program.trains))
        add(NodeKind::Train, *name, {node(NodeKind::Task, t->task)},
            seed + "network=" + network_text(program.networks.at(t->network)) + ";"
                + train_text(*t));
    // A trained network is a train node or an alter node.
    auto trained = [&](const std::string& name) {
        return node(program.alters.count(name) ? NodeKind::Alter : NodeKind::Train, name);
    };
    for (const auto& [name, a] : in_natural_order(program.alters)) {
        std::string ops;
        for (const auto& op : a->ops)
            ops += op.text + ";";
        add(NodeKind::Alter, *name,
            {node(NodeKind::Train, a->train),
             node(NodeKind::Task, program.trains.at(a->train).task)},
            fmt::format("lesion={};{}", fmt::join(a->lesion, ","), ops));
    }
    for (const auto& [name, e] : in_natural_order(program.evaluates)) {
        // An lstm's kept activity includes its cell states (fixed_points starts from them).
        const NetworkDef& net = program.network_of(*e);
        const bool cells = e->keep_activity && rt::has_cell_state(net.entry->kind);
        // A network definition is built by the evaluation itself: its text is in the key,
        // as a training's is.
        std::vector<std::size_t> inputs = {node(NodeKind::Task, e->task)};
        if (e->network.empty())
            inputs.insert(inputs.begin(), trained(e->train));
        add(NodeKind::Evaluate, *name, std::move(inputs),
            seed + (e->network.empty() ? "" : "network=" + network_text(net) + ";")
                + fmt::format("trials={}", e->trials) + probe_text(*e)
                + (e->keep_activity ? ";activity" : "") + (cells ? ",cells" : ""));
    }
    auto deps = [&](const std::vector<ArgRef>& args) {
        std::vector<std::size_t> out;
        std::set<std::size_t> seen;
        auto depend = [&](std::size_t i) {
            if (seen.insert(i).second)
                out.push_back(i);
        };
        for (const auto& a : args) {
            if (a.kind == ArgRef::Kind::Results) {
                for (std::size_t m = 0; m < a.members.size(); ++m)
                    depend(node(a.member_is_analysis[m] ? NodeKind::Analyze : NodeKind::Evaluate,
                                a.members[m]));
                continue;
            }
            depend(a.kind == ArgRef::Kind::TaskMatrix || a.kind == ArgRef::Kind::Task
                       ? node(NodeKind::Task, a.definition)
                   : a.kind == ArgRef::Kind::Evaluation ? node(NodeKind::Evaluate, a.definition)
                   : a.kind == ArgRef::Kind::Analysis   ? node(NodeKind::Analyze, a.definition)
                                                        : trained(a.definition));
        }
        return out;
    };
    // In file order: an analysis may read the results of earlier ones.
    for (const auto& name : program.analysis_order) {
        const AnalyzeDef& a = program.analyses.at(name);
        add(NodeKind::Analyze, name, deps(a.args),
            a.entry->name + ";" + args_text(a.args, a.entry->schema, a.options, a.files_key));
    }
    for (const auto& p : program.plots)
        add(NodeKind::Plot, p.file, deps(p.args),
            p.entry->name + ";" + args_text(p.args, p.entry->schema, p.options, ""));
    return g;
}

}  // namespace rnn::interp
