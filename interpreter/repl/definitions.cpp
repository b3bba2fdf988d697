#include "interpreter/repl/definitions.hpp"

namespace rnn::interp::repl {

std::optional<ast::Statement::Kind> kind_of(const Program& p, const std::string& name) {
    using K = ast::Statement::Kind;
    if (p.tasks.count(name))
        return K::Task;
    if (p.networks.count(name))
        return K::Network;
    if (p.trains.count(name))
        return K::Train;
    if (p.alters.count(name))
        return K::Alter;
    if (p.evaluates.count(name))
        return K::Evaluate;
    if (p.analyses.count(name))
        return K::Analyze;
    return std::nullopt;
}

std::string definition_label(ast::Statement::Kind kind, const std::string& name) {
    return std::string(ast::statement_keyword(kind)) + " " + name;
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
