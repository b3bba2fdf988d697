// The first figures: training history, heat maps of matrices, and signal trajectories of
// an evaluation (seed 000's three figures).
#pragma once

#include "stdlib/figure.hpp"

namespace rnn::stdlib {

const FigureEntry& history_figure_entry();
const FigureEntry& heatmap_figure_entry();
const FigureEntry& trajectory_figure_entry();
const FigureEntry& trial_figure_entry();

}  // namespace rnn::stdlib
