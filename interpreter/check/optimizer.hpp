// A training's `optimizer = adam { ... }` (adamw, sgd) and `schedule = curriculum { ... }`:
// blocks checked against their own schemas, with PyTorch's defaults for the optimizers.
#pragma once

#include <optional>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// `adam { ... }`, `adamw { ... }` or `sgd { ... }`, each with PyTorch's defaults.
void optimizer(Context& c, const ast::Expr& v, rt::OptimizerConfig& out);

// `curriculum { threshold, patience, mix, metric }` or `curriculum` with the defaults.
std::optional<CurriculumDef> curriculum(Context& c, const ast::Expr& v, const TaskDef& task);

}  // namespace rnn::interp::checker
