// The time to make one training batch of a task written in the language (a paradigm), at
// seed 004's size — 64 trials of 45 steps, 15 inputs, 8 classes — and of a built-in task
// beside its paradigm twin (examples/tasks/perceptual_dm.rnn), to hold against one training
// step (bench_train_step gru 128 64 45 15 8 ce). Issue 25's goal: at most 10 % of the step.
//
//   bench_task_batch [REPEATS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "interpreter/diagnostics.hpp"
#include "interpreter/load.hpp"
#include "interpreter/training.hpp"
#include "runtime/blas_core.hpp"

namespace i = rnn::interp;
namespace s = rnn::stdlib;

namespace {

// Two items one-hot on 8 channels, a delay, a 6-channel cue; recall the first item.
const char* kSeed004Sized = R"(
task recall = paradigm {
  variables = { item1 = choice(0..7), item2 = choice(0..7), gap = choice([18, 20, 22]) }
  periods = { fixation = 5 steps, first = 5 steps, second = 5 steps, delay = 20 steps,
              response = 10 steps }
  inputs = {
    fixation = during(all: 1, response: 0)
    items    = during(first: one_hot(item1, 8), second: one_hot(item2, 8)) + noise(0.1)
    cue      = during(response: [1, 0, 0, 0, 0, 0]) + noise(0.1)
  }
  target = classes(all: 0, response: item1)
}
task builtin_dm = perceptual_dm {}
)";

double median_ms(const s::TaskInstance& task, arma::uword batch, int repeats) {
    std::vector<double> times;
    s::BatchRequest request;
    request.batch_size = batch;
    for (int r = 0; r < repeats + 2; ++r) {
        const s::TrialDraws draws(7, static_cast<std::uint64_t>(r) * batch);
        const auto t0 = std::chrono::steady_clock::now();
        const s::TrialBatch b = task.training_batch(request, draws);
        const double ms =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 1e3;
        if (r >= 2)
            times.push_back(ms);
        if (b.batch != batch)
            std::fprintf(stderr, "wrong batch size\n");
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    rnn::rt::choose_blas_kernels(argv);
    rnn::rt::configure_compute_thread();
    const int repeats = argc > 1 ? std::stoi(argv[1]) : 200;
    const std::string source = std::string(RNN_SOURCE_DIR) + "/examples/tasks/bench.rnn";
    const i::Loaded l =
        i::load_text(source, std::string("include \"perceptual_dm.rnn\"\n") + kSeed004Sized);
    if (!l.program) {
        std::fprintf(stderr, "%s", i::render_all(l, false).c_str());
        return 1;
    }
    const i::Program& p = *l.program;
    for (const char* name : {"recall", "perceptual_decision", "builtin_dm"}) {
        const auto task = i::make_task(p, p.tasks.at(name));
        std::printf("task=%s batch=64 steps=%llu inputs=%llu median_ms=%.3f\n", name,
                    static_cast<unsigned long long>(task->steps()),
                    static_cast<unsigned long long>(task->input_size()),
                    median_ms(*task, 64, repeats));
    }
    return 0;
}
