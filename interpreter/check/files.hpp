// Files a script names: the path of a file relative to the script that names it, the data
// files of File parameters (read and hashed at check time), and the hashes that go into
// node keys so that a changed file re-runs what reads it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"
#include "stdlib/schema.hpp"

namespace rnn::interp::checker {

// The path of a file that the script text at `where` names: relative to the folder of
// that script (an included file names files beside itself). Nothing when files are
// switched off for this input (the fuzz target).
std::optional<std::filesystem::path> beside_script(const Context& c, const ast::Span& where,
                                                   const std::string& name);

// The file a File parameter names, resolved as load() resolves arrays: relative to the
// script that names it. Only a readable regular file is read (not a directory, a FIFO or
// a device, which could block or never end). Returns its absolute path and records the
// hash of its bytes for the node key (TaskDef::files_key).
std::optional<std::string> data_file(Context& c, const ast::Expr& e);

// The content hashes of the files that the File parameters of `params` name, for a node
// key: a changed file re-runs the node, a moved project keeps its cache.
std::string files_key(const Context& c, const stdlib::Schema& schema, const stdlib::Params& params);

}  // namespace rnn::interp::checker
