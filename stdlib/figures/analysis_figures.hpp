// Figures of state-space analyses (issue 7): PCA trajectories and speed of an evaluation's
// activity, decoding accuracy over time and across time, principal angles, PCA spectra,
// RDMs, fixed points, and a scatter of results collected over a sweep. docs/figures.md
// describes each figure and its data files.
#pragma once

#include "stdlib/figure.hpp"

namespace rnn::stdlib {

const FigureEntry& pca_trajectories_figure_entry();
const FigureEntry& speed_figure_entry();
const FigureEntry& decoding_figure_entry();
const FigureEntry& cross_temporal_figure_entry();
const FigureEntry& angles_figure_entry();
const FigureEntry& spectrum_figure_entry();
const FigureEntry& rdm_figure_entry();
const FigureEntry& fixed_points_figure_entry();
const FigureEntry& scatter_figure_entry();

}  // namespace rnn::stdlib
