// The command `rnn repl [FILE] [--out DIR]`: reads lines (libedit on a terminal, with
// history and completion; plain lines from a pipe) and feeds them to a Session.
#pragma once

#include <string>
#include <vector>

namespace rnn::interp {

// The command: `rnn repl [FILE] [--out DIR]`. Returns the exit code (0; 1 when standard
// input is not a terminal and an input failed, so scripts notice).
int run_repl(const std::vector<std::string>& args, int blas_threads, const std::string& blas_core,
             const std::string& blas_choice, long interrupt_after_epoch,
             double large_activity_bytes);

}  // namespace rnn::interp
