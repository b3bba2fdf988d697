// The one codec between trainings and checkpoints (runtime/checkpoint.hpp). Two records
// share its entries (param.NAME, history, final_loss):
// - a trained network, as the engine caches it (the raw parameters, the history with its
//   columns, the epochs run, early stop, NaN epochs, the final loss);
// - a training between epochs (TrainingState), as `train` checkpoints it: the raw
//   parameters, optimizer moments and step count, the trial and noise streams (including a
//   buffered spare normal), the validation cursor, the curriculum, the early-stop streak,
//   the epochs done and the history rows.
// Both layouts are on disk in run directories: changing either breaks old cache entries or
// checkpoints.
#pragma once

#include <string>

#include "interpreter/training.hpp"
#include "runtime/checkpoint.hpp"

namespace rnn::interp {

struct TrainingState;

rt::Checkpoint trained_state(const TrainedNetwork& t);

// A trained network from trained_state's record, into `net` (built from its definition).
TrainedNetwork restore_trained(const rt::Checkpoint& c, rt::Network<float> net);

// The checkpoint of the training `training` after its state.trained.epochs_run epochs.
rt::Checkpoint training_checkpoint(const std::string& training, const TrainingState& state);

// Continues `state` (as constructed for the training) from its checkpoint. Throws
// RuntimeFailure for a checkpoint of another training or with a tensor of another shape.
void restore_training(const rt::Checkpoint& c, const std::string& training, TrainingState& state);

}  // namespace rnn::interp
