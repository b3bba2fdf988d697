// A task's metrics (stdlib::MetricSpec: a signal reduced over a period of each trial), per
// trial for evaluations and as batch means for the training history.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <armadillo>

#include "interpreter/training/loss_builder.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// Per-trial metric values from a signal matrix (trials x steps).
std::vector<double> metric_per_trial(const stdlib::MetricSpec& m, const arma::fmat& signal,
                                     const stdlib::Period& p);

// The batch mean of each metric over one pass, its signals read through the pass's builder.
std::map<std::string, double> batch_metrics(const std::vector<stdlib::MetricSpec>& metrics,
                                            const stdlib::TaskInstance& task,
                                            const stdlib::TrialBatch& batch,
                                            const rt::Tape<float>& tape, LossBuilder& builder);

}  // namespace rnn::interp
