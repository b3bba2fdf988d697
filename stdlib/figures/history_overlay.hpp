// history(fit, metric: accuracy): one column of the history of each training drawn in one
// panel, so the members of a sweep family (history(fit) with `fit` a family) are compared
// epoch by epoch, each named by its loop values ("units = 64").
#pragma once

#include <string>
#include <vector>

#include "stdlib/figure.hpp"

namespace rnn::stdlib {

// The history column a family is drawn by when no metric is given: every training has it.
inline constexpr const char* kOverlayDefaultMetric = "loss";

// The trailing moving average over `window` epochs of each column of `rows` from column 1
// (the epoch stays): the mean of the values among the last `window` rows that are not
// NaN; NaN where the row's own value is (validation columns are NaN between validations).
// History's `smooth`, for one training and for a family.
std::vector<std::vector<double>> moving_average(const std::vector<std::vector<double>>& rows,
                                                std::size_t window);

// The legend of each training: its loop values that differ between the trainings
// ("units = 64"), or its label when none do.
std::vector<std::string> overlay_legends(const std::vector<TrainingArg>& trainings);

// The column `metric` of every training's history against the epoch, in <stem>.dat (epoch,
// then one column per training, NaN past a training's last epoch or where it has no
// value, as validation columns between validations).
FigureScript draw_history_overlay(const std::vector<ArgValue>& args, const Params& options,
                                  const std::string& stem);

}  // namespace rnn::stdlib
