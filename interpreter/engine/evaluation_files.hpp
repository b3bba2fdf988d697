// The files an evaluation publishes in its folder (docs/run_directory.md): each signal as
// trials x steps, each saved array as float32 trials x steps x width, and trials.csv (one
// row per trial: its index, condition, catch flag where the task has catch trials, and every
// variable the task drew).
#pragma once

#include <map>
#include <string>

#include <armadillo>

#include "interpreter/training.hpp"

namespace rnn::interp {

// Adds them to `files` (path inside the run directory -> bytes), under `folder`.
void evaluation_files(const Evaluation& ev, const std::string& folder,
                      std::map<std::string, std::string>& files);

// A features x (trials * steps) matrix (column t * trials + b) as the bytes of a float32
// .npy of shape trials x steps x features.
std::string trials_npy(const arma::fmat& m, arma::uword trials);

// trials.csv: a header, then one row per trial.
std::string trials_csv(const Evaluation& ev);

}  // namespace rnn::interp
