#include "interpreter/repl/definitions.hpp"

namespace rnn::interp::repl {

std::string kind_of(const Program& p, const std::string& name) {
    return p.tasks.count(name)       ? "task"
           : p.networks.count(name)  ? "network"
           : p.trains.count(name)    ? "train"
           : p.alters.count(name)    ? "alter"
           : p.evaluates.count(name) ? "evaluate"
           : p.analyses.count(name)  ? "analyze"
                                     : "";
}

std::vector<std::string> defined_names(const Program& p) {
    std::vector<std::string> names;
    auto add = [&](const auto& map) {
        for (const auto& entry : map)
            names.push_back(entry.first);
    };
    add(p.tasks);
    add(p.networks);
    add(p.trains);
    add(p.alters);
    add(p.evaluates);
    add(p.analyses);
    return names;
}

}  // namespace rnn::interp::repl
