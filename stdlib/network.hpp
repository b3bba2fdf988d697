// Network kinds as the language sees them: a schema of options and the tensors a network
// of that kind has, in words for the docs. The numbers (shapes, default initialisers, the
// cells themselves) live in runtime/network.hpp; network_shape() is the one bridge from a
// checked parameter set to the runtime's description.
#pragma once

#include <string>
#include <vector>

#include "runtime/network.hpp"
#include "stdlib/schema.hpp"

namespace rnn::stdlib {

struct TensorSpec {
    std::string name;
    std::string shape;         // in words, for docs: "units x units"
    std::string default_init;  // in .rnn syntax, for docs
    std::string doc;
};

struct NetworkEntry {
    std::string name;
    rt::CellKind kind = rt::CellKind::Rnn;
    std::string doc;
    std::string equation;
    Schema schema;
    std::vector<TensorSpec> tensors;
};

// The runtime shape of a network of this kind with these (complete) parameters; `inputs`
// is used when the script leaves the input size to the task (inputs = 0).
rt::NetworkShape network_shape(const NetworkEntry& entry, const Params& params,
                               arma::uword task_inputs);

}  // namespace rnn::stdlib
