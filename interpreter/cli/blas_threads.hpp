// How many threads OpenBLAS uses per node (for `rnn run`, `rnn verify` and the REPL).
#pragma once

#include <functional>
#include <string>

namespace rnn::cli {

// BLAS threads per node. OpenBLAS's results depend on its thread count (a matrix-vector
// product split over threads sums in another order), so the count must not follow -j: it
// is 1 unless OPENBLAS_NUM_THREADS asks for more, and then at most cores / jobs, so that
// the nodes running at once never ask for more threads than there are cores. `requested`
// (from verify: the manifest's count) replaces the environment. Sets OpenBLAS's count
// and returns it; `say` hears why it is fewer than asked for.
int share_blas_threads(int jobs, int requested, const std::function<void(std::string)>& say);

}  // namespace rnn::cli
