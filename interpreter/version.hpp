// The program version (hashed into every node key) and the versions of the libraries a run
// used (written into manifest.toml).
#pragma once

#include <string_view>

#include <toml++/toml.h>

namespace rnn::interp {

inline constexpr std::string_view kVersion = "0.3.0";

toml::table library_versions();

}  // namespace rnn::interp
