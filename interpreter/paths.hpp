// Paths named by scripts are untrusted: a shared .rnn file must not write outside its run
// directory. These checks are the one place that decides what a script may name.
#pragma once

#include <string>
#include <string_view>

namespace rnn::interp {

// "" when `path` is a safe relative path (no absolute path, no '..', no empty or hidden
// components, printable characters only); otherwise why it is not, as "must ..." text.
std::string unsafe_relative_path(std::string_view path);

}  // namespace rnn::interp
