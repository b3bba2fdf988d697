// A training's `updater` (docs/learning_rules.md): which rule computes the weight updates,
// and whether that rule can train the network with the loss it is given.
#pragma once

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// `bptt`, `bptt(truncate: K)`, `backprop` or `dfa` into t.rule, t.truncate and t.updater.
void updater_value(Context& c, const ast::Expr& v, TrainDef& t);

// Whether the updater can train this network with this loss: the online rules and
// the plastic network learn from each step's output error, so the loss is one
// per-step output loss; DFA reaches layers, not gates.
void updater_fits(Context& c, const TrainDef& t, const NetworkDef& net, ast::Span at,
                  ast::Span loss_at, bool clip_given);

}  // namespace rnn::interp::checker
