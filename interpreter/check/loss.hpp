// Loss expressions and stop rules of a training, typed over the task's signals (per trial
// and step), periods (windows of steps), masks and matrices, and the trained network's
// tensors: every node is a scalar.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Context for loss expressions: the network and task of the training.
struct LossScope {
    const NetworkDef* net;
    const TaskDef* task;
    std::string net_name, task_name;
};

std::optional<LossNode> loss_node(Context& c, const ast::Expr& e, const LossScope& sc);

// Splits the top-level sum into signed terms and names each for the history.
void loss_terms(const LossNode& n, double sign, const ast::Expr* src, std::vector<LossTerm>& out);

// `stop_when = retention >= 0.99 and reaction >= 0.99 for 20 epochs`: comparisons of the
// task's metrics, 'loss' or 'epoch', joined with 'and'.
std::optional<StopRule> stop_rule(Context& c, const ast::Expr& e, const TaskDef& task);

}  // namespace rnn::interp::checker
