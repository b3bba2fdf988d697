// Tasks whose entry the script itself declares (stdlib::TaskOrigin): `paradigm`, trials
// written in the language (check/paradigm*.cpp), and `arrays`, trials read from .npy files
// (check/array_task.cpp). The stdlib registers each kind with a schema that documents its
// fields; the checker makes every such definition's own entry (TaskDef::own_entry), which
// the rest of rnnlab reads as it reads a stdlib task's.
#pragma once

#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"

namespace rnn::interp::checker {

// Checks a declared task and fills t.params (holding its base's values for a variant), t.own_entry
// (and t.entry, pointing at it), t.files_key and t.definition_key; leaves t.own_entry empty after
// an error. `fields` are the definition's fields, a variant's after those of its base (a later
// field of a name replaces an earlier one: each kind says how). `kind` is the root entry of the
// chain.
void check_declared_task(Context& c, const ast::Statement& s, stdlib::TaskOrigin kind,
                         const std::vector<const ast::Field*>& fields, TaskDef& t);

// The two kinds (one file each).
void check_paradigm(Context& c, const ast::Statement& s,
                    const std::vector<const ast::Field*>& fields, TaskDef& t);
void check_array_task(Context& c, const ast::Statement& s,
                      const std::vector<const ast::Field*>& fields, TaskDef& t);

// The fields of `fields` in order with each name's last one only (a variant's replaces its
// base's).
std::vector<const ast::Field*> last_of_each(const std::vector<const ast::Field*>& fields);

}  // namespace rnn::interp::checker
