// Values against the stdlib's typed schemas: one value against its ParamSpec (type, unit,
// range, choices), and a block of `name = value` fields against a whole Schema (unknown,
// repeated and missing parameters, defaults). Durations in ms or s become steps through
// the step length of the block they are written in, passed explicitly as `dt_ms`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"
#include "stdlib/schema.hpp"

namespace rnn::interp::checker {

// The step length of a value outside a block with a `dt` (train and evaluate fields,
// analysis and figure options): durations can then be given in steps only.
inline constexpr double kNoStepLength = 0.0;

// One value against its spec; `dt_ms` converts ms and s to steps (0: no step length).
std::optional<stdlib::Value> value(Context& c, const ast::Expr& e, const stdlib::ParamSpec& spec,
                                   double dt_ms);

// Checks `name = value` fields against a schema into params (starting from `base`). The
// block's own `dt` (or the base's, or the schema default) is its step length. Fields that
// are not parameters of the schema (tensor lines) go to `others` when given, else they are
// errors.
stdlib::Params fields(Context& c, const std::vector<ast::Field>& body, const stdlib::Schema& schema,
                      const std::string& what, stdlib::Params base, const ast::Span& where,
                      std::vector<const ast::Field*>* others = nullptr);

}  // namespace rnn::interp::checker
