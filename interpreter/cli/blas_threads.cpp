#include "interpreter/cli/blas_threads.hpp"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

extern "C" void openblas_set_num_threads(int);

namespace rnn::cli {

int share_blas_threads(int jobs, int requested, const std::function<void(std::string)>& say) {
    const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    int threads = requested;
    if (threads <= 0) {
        threads = 1;
        if (const char* env = std::getenv("OPENBLAS_NUM_THREADS"))
            threads = std::max(1, std::atoi(env));
    }
    const int fit = std::max(1, cores / std::max(1, jobs));
    if (threads > fit) {
        say(
            fmt::format("rnn: {} BLAS threads per node for {} nodes at once would oversubscribe {} "
                        "cores: using {} (the numbers may differ from a run with {})",
                        threads, jobs, cores, fit, threads));
        threads = fit;
    }
    openblas_set_num_threads(threads);
    return threads;
}

}  // namespace rnn::cli
