// Options of an analysis or figure call that name times of a trial: time points (`at`,
// `a`, `b`, `input`) must name a period of the evaluated task, and a `from`/`to` window
// must lie inside the trial.
#pragma once

#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Time points (`at`, `a`, `b`, `input` options) must parse and name a period of the
// evaluated task: one of its periods, or a numbered one of them (stimulus2).
bool time_points_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
                    const stdlib::Params& options);

// A `from`/`to` window of steps must lie inside the trial of the task the first
// training or evaluation argument runs on.
bool window_ok(Context& c, const ast::Expr& e, const std::vector<ArgRef>& args,
               const stdlib::Params& options);

}  // namespace rnn::interp::checker
