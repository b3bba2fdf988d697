// The arguments of an analysis or figure call: positional arguments are references
// (a training, a trained tensor, an evaluation, a task or its matrix, an earlier analysis,
// or the results of a sweep family) checked against the entry's ArgSpecs (an analysis
// against the kinds its spec accepts); named options are values checked against the
// entry's schema (value.hpp; time points, windows, periods and labels in task_options.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Positional arguments against the entry's ArgSpecs, named ones against its schema.
// `Entry` is stdlib::AnalysisEntry or stdlib::FigureEntry.
template <typename Entry>
bool call(Context& c, const ast::Expr& e, const Entry& entry, std::vector<ArgRef>& args,
          stdlib::Params& options);

// One positional argument against its spec.
std::optional<ArgRef> argument(Context& c, const ast::Expr& e, const stdlib::ArgSpec& spec);

}  // namespace rnn::interp::checker
