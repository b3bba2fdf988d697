// Options of a figure that name what its arguments define, written bare
// (stdlib::ParamType::LoopVariable and HistoryColumn): curve's `over: n` and
// `mean_over: s` must be distinct loop variables of the sweep that made its results,
// history's `metric: accuracy` a column that every training's history records.
#pragma once

#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Every LoopVariable and HistoryColumn option of the call `e` against its arguments;
// false after reporting each one that names nothing there.
bool sweep_options_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                      const stdlib::Schema& schema, const stdlib::Params& options);

}  // namespace rnn::interp::checker
