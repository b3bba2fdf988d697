// rnn repl [FILE] [--out DIR]: the language interactively (interpreter/repl/).
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/blas_threads.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/repl/terminal.hpp"

namespace rnn::cli {

int cmd_repl(const Args& args, const rt::BlasChoice& blas) {
    const int threads =
        share_blas_threads(1, 0, [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
    return interp::run_repl(args, threads, blas.corename, blas.how);
}

}  // namespace rnn::cli
