// The seed of a training's draws (its network, trials, noise and feedback). build_network,
// make_task and task_setup_key, which build a training's network and task, are declared
// in interpreter/training.hpp.
#pragma once

#include <cstdint>

#include "interpreter/program.hpp"

namespace rnn::interp {

// A train's own `seed`, else the script's.
std::uint64_t training_seed(const Program& program, const TrainDef& def);

}  // namespace rnn::interp
