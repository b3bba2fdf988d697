#include <fmt/format.h>

#include "interpreter/check/declared_task.hpp"

namespace rnn::interp::checker {

void check_paradigm(Context& c, const ast::Statement& s, const std::vector<const ast::Field*>&,
                    TaskDef&) {
    c.diags.error(Code::NotImplemented, s.head->span,
                  fmt::format("'{}' is not implemented yet", s.head->text));
}

}  // namespace rnn::interp::checker
