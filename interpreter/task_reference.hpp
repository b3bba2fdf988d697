// The reference of the tasks a script defines, as docs/stdlib.md documents the stdlib's:
// `rnn doc FILE` and the REPL's `:help NAME` (docs/tasks.md, "Documenting your task").
#pragma once

#include <string>

#include "interpreter/diagnostics.hpp"
#include "interpreter/load.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp {

// What a task is defined as, in a script's words: `paradigm` or `arrays` for a declared
// task (whose entry has the task's own name), else its stdlib entry's name.
std::string task_kind_word(const stdlib::TaskEntry& entry);

// "FILE line N": where a definition is written.
std::string defined_at(const SourceMap& sources, const ast::Span& span);

// Task `t`'s section (stdlib::task_section) under the script's name for it: its parameters
// with the values the script gives them, and as its source `where` it is defined and what
// it is (a paradigm, a task from arrays, a stdlib task and that task's own source).
std::string task_reference(const TaskDef& t, const std::string& where);

// `rnn doc FILE`: a title, then the section of every task the checked script and the
// files it includes define, the script's first, each file's in the order written.
std::string script_task_reference(const Loaded& loaded);

}  // namespace rnn::interp
