// The canonical text of a definition's resolved parameters, hashed into its node key
// (graph/lower.cpp). Any change to this text changes keys, and so invalidates every run
// directory's cache: the text of existing fields must stay byte for byte as it is.
#pragma once

#include <string>
#include <vector>

#include "interpreter/program.hpp"

namespace rnn::interp {

// Parameters for a node key: a file parameter enters by its content hash (files_key), not
// by its absolute path, so moving a project keeps its cache.
std::string params_text(const stdlib::Schema& schema, const stdlib::Params& p,
                        const std::string& files_key);

// A network definition: its kind, parameters and each tensor's modifiers.
std::string network_text(const NetworkDef& n);

// A training's updater, optimizer, schedule, loss, stop rule, validation and curriculum.
std::string train_text(const TrainDef& t);

// An evaluation's clamps and perturbations, for its key ("" without them, so keys of
// plain evaluations stay as they were).
std::string probe_text(const EvaluateDef& e);

// The arguments of an analysis or a figure, then its options.
std::string args_text(const std::vector<ArgRef>& args, const stdlib::Schema& schema,
                      const stdlib::Params& options, const std::string& files_key);

}  // namespace rnn::interp
