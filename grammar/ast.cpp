#include "grammar/ast.hpp"

namespace rnn::ast {

const char* statement_keyword(Statement::Kind kind) {
    switch (kind) {
        case Statement::Kind::Seed:
            return "seed";
        case Statement::Kind::Output:
            return "output";
        case Statement::Kind::Include:
            return "include";
        case Statement::Kind::Task:
            return "task";
        case Statement::Kind::Network:
            return "network";
        case Statement::Kind::Train:
            return "train";
        case Statement::Kind::Evaluate:
            return "evaluate";
        case Statement::Kind::Analyze:
            return "analyze";
        case Statement::Kind::Plot:
            return "plot";
        case Statement::Kind::For:
            return "for";
    }
    return "?";
}

}  // namespace rnn::ast
