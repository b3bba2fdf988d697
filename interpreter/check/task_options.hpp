// Options of an analysis or figure call that name something of the evaluated task, as the
// entry's schema declares (stdlib::TaskRef): time points must name a period of the task,
// a from/to window must lie inside the trial, a period option must be one of the task's
// periods and a label option one of the labels its trials carry.
#pragma once

#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Every TaskRef option of the call `e` against the task its arguments run on: windows
// first (a window outside the trial stops the time points' check), then time points,
// periods and labels in the schema's order.
bool task_options_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                     const stdlib::Schema& schema, const stdlib::Params& options);

}  // namespace rnn::interp::checker
