// The `rnn` command's subcommands, one file each (interpreter/cli/NAME.cpp; main.cpp
// dispatches), and their exit codes:
//   0 success, 1 script error (diagnostics printed), 2 usage error, 3 runtime failure.
#pragma once

#include <string>
#include <vector>

#include "runtime/blas_core.hpp"

namespace rnn::cli {

constexpr int kOk = 0;
constexpr int kScriptError = 1;
constexpr int kUsage = 2;
constexpr int kRuntimeFailure = 3;
constexpr int kInterrupted = 130;  // stopped by Ctrl-C (128 + SIGINT), trainings checkpointed

using Args = std::vector<std::string>;

// `blas`: how the BLAS kernels were chosen (main's first act), recorded in manifests.
int cmd_run(const Args& args, const rt::BlasChoice& blas);
int cmd_verify(const Args& args, const rt::BlasChoice& blas);
int cmd_check(const Args& args);
int cmd_fmt(const Args& args);
int cmd_graph(const Args& args);
int cmd_plot(const Args& args);
int cmd_explain(const Args& args);
int cmd_doc(const Args& args);
int cmd_repl(const Args& args, const rt::BlasChoice& blas);

}  // namespace rnn::cli
