#include "interpreter/engine/schedule.hpp"

#include <map>
#include <set>

namespace rnn::interp {

std::vector<std::size_t> start_order(const Graph& graph,
                                     const std::function<bool(std::size_t)>& resumable) {
    const std::size_t n = graph.nodes.size();
    auto rank = [&](std::size_t i) {
        if (graph.nodes[i].kind != NodeKind::Train)
            return 0;
        return resumable(i) ? 1 : 2;
    };
    std::vector<std::size_t> order;
    order.reserve(n);
    for (const int r : {0, 1, 2})
        for (std::size_t i = 0; i < n; ++i)
            if (rank(i) == r)
                order.push_back(i);
    return order;
}

std::vector<std::vector<std::size_t>> remote_units(const Graph& graph,
                                                   const std::vector<bool>& cached) {
    const std::size_t n = graph.nodes.size();
    // The trainings each node reads, directly or through other nodes (inputs come first).
    std::vector<std::set<std::size_t>> trainings(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (graph.nodes[i].kind == NodeKind::Train)
            trainings[i].insert(i);
        for (const std::size_t j : graph.nodes[i].inputs)
            trainings[i].insert(trainings[j].begin(), trainings[j].end());
    }
    std::map<std::size_t, std::vector<std::size_t>> by_training;
    for (std::size_t i = 0; i < n; ++i) {
        const NodeKind kind = graph.nodes[i].kind;
        if (cached.at(i))
            continue;
        if (kind == NodeKind::Train)
            by_training[i].push_back(i);
        else if ((kind == NodeKind::Evaluate || kind == NodeKind::Alter
                  || kind == NodeKind::Analyze)
                 && trainings[i].size() == 1)
            by_training[*trainings[i].begin()].push_back(i);
    }
    std::vector<std::vector<std::size_t>> units;
    for (auto& [training, nodes] : by_training)
        units.push_back(std::move(nodes));
    return units;
}

}  // namespace rnn::interp
