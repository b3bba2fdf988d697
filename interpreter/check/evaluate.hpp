// `evaluate NAME = TRAIN on TASK { ... }`: a trained (or altered) network run on fresh
// trials, with probes (clamped inputs, perturbed states) and a start state. Its fields
// are one table (name, doc, checker) that the checker dispatches on and `:help evaluate`
// prints.
#pragma once

#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/block_fields.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

void check_evaluate(Context& c, const ast::Statement& s);

// The fields of an evaluate block, in the table's order.
std::vector<FieldDoc> evaluate_field_docs();

}  // namespace rnn::interp::checker
