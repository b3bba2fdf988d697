// Network kinds as the language sees them: a schema of options and the tensors a network
// of that kind has, with their shapes and default initialisers. The numbers live in
// runtime/ (rnn_cell.hpp); this is the description the checker and docs use.
#pragma once

#include <string>
#include <vector>

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
    std::string doc;
    std::string equation;
    Schema schema;
    std::vector<TensorSpec> tensors;
};

const NetworkEntry& rnn_network_entry();

}  // namespace rnn::stdlib
