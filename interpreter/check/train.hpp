// `train NAME = NETWORK on TASK { ... }`: a trained instance of a network on a task. Its
// fields are one table (name, doc, checker) that the checker dispatches on and `:help
// train` prints; the loss is loss.hpp, the updater updater.hpp, the optimizer and the
// curriculum optimizer.hpp.
#pragma once

#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/block_fields.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

void check_train(Context& c, const ast::Statement& s);

// The fields of a train block, in the table's order.
std::vector<FieldDoc> train_field_docs();

}  // namespace rnn::interp::checker
