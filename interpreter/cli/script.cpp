#include "interpreter/cli/script.hpp"

#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

namespace rnn::cli {

bool stderr_is_terminal() {
    return ::isatty(2) == 1;
}

interp::Loaded load_script(const std::string& path, const interp::LoadOptions& options) {
    interp::Loaded loaded = interp::load_file(path, options);
    fmt::print(stderr, "{}", interp::render_all(loaded, stderr_is_terminal()));
    return loaded;
}

}  // namespace rnn::cli
