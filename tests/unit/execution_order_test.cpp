// The order of the execution graph and of starting its nodes (interpreter/graph/lower.hpp,
// interpreter/engine/schedule.hpp): a sweep's instances in index order, and among ready
// nodes the results of finished trainings before new trainings, resumable trainings
// before fresh ones.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "interpreter/engine/schedule.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/load.hpp"

namespace i = rnn::interp;

namespace {

i::Graph graph_of(const std::string& source) {
    const i::Loaded loaded = i::load_text("order.rnn", source);
    INFO(i::render_all(loaded, false));
    REQUIRE(loaded.program);
    return i::lower(*loaded.program);
}

std::vector<std::string> names(const i::Graph& g, const std::vector<std::size_t>& order,
                               i::NodeKind kind) {
    std::vector<std::string> out;
    for (const std::size_t k : order)
        if (g.nodes.at(k).kind == kind)
            out.push_back(g.nodes[k].name);
    return out;
}

const std::string kSweep =
    "task m = memory_recall { units = 4, present = 2 steps, retain = 3 steps }\n"
    "network n = rnn { units = 4 }\n"
    "for s in 1..11 {\n"
    "  train fit[s] = n on m { loss = -mean(overlap, during: retain), epochs = 1, seed = s }\n"
    "  evaluate test[s] = fit[s] on m\n"
    "}\n";

}  // namespace

TEST_CASE("a sweep's instances are in index order in the graph: fit[2] before fit[10]") {
    const i::Graph g = graph_of(kSweep);
    std::vector<std::size_t> all(g.nodes.size());
    for (std::size_t k = 0; k < all.size(); ++k)
        all[k] = k;
    const auto trains = names(g, all, i::NodeKind::Train);
    REQUIRE(trains.size() == 11);
    CHECK(trains.front() == "fit[1]");
    CHECK(trains[1] == "fit[2]");
    CHECK(trains[9] == "fit[10]");
    CHECK(names(g, all, i::NodeKind::Evaluate).back() == "test[11]");
}

TEST_CASE("start order: results before trainings, then resumable trainings, then fresh ones") {
    const i::Graph g = graph_of(kSweep);
    auto index_of = [&](i::NodeKind kind, const std::string& name) {
        for (std::size_t k = 0; k < g.nodes.size(); ++k)
            if (g.nodes[k].kind == kind && g.nodes[k].name == name)
                return k;
        FAIL("no node ", i::node_label(kind, name));
        return g.nodes.size();
    };
    const std::size_t fit7 = index_of(i::NodeKind::Train, "fit[7]"),
                      fit3 = index_of(i::NodeKind::Train, "fit[3]");
    const auto order = i::start_order(g, [&](std::size_t k) { return k == fit7 || k == fit3; });
    REQUIRE(order.size() == g.nodes.size());
    // Every evaluation comes before every training.
    std::size_t last_other = 0, first_train = order.size();
    for (std::size_t p = 0; p < order.size(); ++p) {
        if (g.nodes[order[p]].kind == i::NodeKind::Train)
            first_train = std::min(first_train, p);
        else
            last_other = p;
    }
    CHECK(last_other < first_train);
    const auto trains = names(g, order, i::NodeKind::Train);
    REQUIRE(trains.size() == 11);
    CHECK(trains[0] == "fit[3]");
    CHECK(trains[1] == "fit[7]");
    CHECK(trains[2] == "fit[1]");
    CHECK(trains[3] == "fit[2]");
    CHECK(trains.back() == "fit[11]");
}
