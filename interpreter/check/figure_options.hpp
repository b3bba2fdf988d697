// What the schema alone cannot check of the options every figure takes
// (stdlib/figures/figure_options.hpp): `size` is exactly [width, height], and `legend`
// names no more series than the figure draws where its call says how many.
#pragma once

#include <cstddef>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"
#include "stdlib/figure.hpp"

namespace rnn::interp::checker {

// `e` is the figure call, `arguments` its number of arguments, `options` its checked
// options.
bool figure_options_ok(Context& c, const ast::Expr& e, const stdlib::FigureEntry& entry,
                       std::size_t arguments, const stdlib::Params& options);

}  // namespace rnn::interp::checker
