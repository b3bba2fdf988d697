// rnn repl [FILE] [--out DIR]: the language interactively (interpreter/repl/).
#include <cstdio>

#include <fmt/format.h>

#include "interpreter/cli/blas_threads.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/run_request.hpp"
#include "interpreter/repl/terminal.hpp"

namespace rnn::cli {

int cmd_repl(const Args& args, const rt::BlasChoice& blas) {
    const int threads =
        share_blas_threads(1, 0, [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
    const EngineHooks hooks = engine_hooks();
    return interp::run_repl(args, threads, blas.corename, blas.how, hooks.interrupt_after_epoch,
                            hooks.large_activity_bytes);
}

}  // namespace rnn::cli
