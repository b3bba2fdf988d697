// Semantic analysis: AST -> checked Program. Resolves names, checks every value against
// the stdlib schemas (types, units, ranges, required parameters), types loss expressions,
// and reports every problem of the file at once, with did-you-mean suggestions. The parts
// are in this folder, one file per statement kind (docs/architecture.md).
#pragma once

#include <optional>

#include "grammar/ast.hpp"
#include "interpreter/check/memory_estimate.hpp"
#include "interpreter/diagnostics.hpp"
#include "interpreter/program.hpp"

namespace rnn::interp {

// Returns the program when there is no error (warnings may be present in `diags`).
// `sources` (optional) lets `load("file.npy")` find files relative to the script that
// names them; without it such loads are errors. With `memory`, a training or evaluation
// estimated to need more is an error (check/memory.hpp).
std::optional<Program> check(const ast::Module& module, Diagnostics& diags,
                             const SourceMap* sources = nullptr,
                             const MemoryLimit* memory = nullptr);

}  // namespace rnn::interp
