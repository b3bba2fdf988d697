// A trained network as the cache keeps it (the state/ of a train or alter entry): its raw
// parameters, its history and how its training ended.
#pragma once

#include "interpreter/training.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/network.hpp"

namespace rnn::interp {

rt::Checkpoint trained_state(const TrainedNetwork& t);

// The trained network of `c`, with its raw parameters set into `net` (built as the
// training's network was).
TrainedNetwork restore_trained(const rt::Checkpoint& c, rt::Network<float> net);

}  // namespace rnn::interp
