// The analysis entries of the language (docs/analyses.md, docs/stdlib.md): each turns its
// arguments (an evaluation's activity, trained tensors, earlier results) into named
// numbers and arrays through the numerical core beside it in stdlib/analyses/.
#pragma once

#include "stdlib/analysis.hpp"

namespace rnn::stdlib {

// population_entries.cpp: the geometry of the activity.
const AnalysisEntry& pca_entry();
const AnalysisEntry& weight_participation_entry();
const AnalysisEntry& principal_angles_entry();
const AnalysisEntry& rdm_entry();

// decoding_entries.cpp: linear read-out of trial labels from the activity.
const AnalysisEntry& decode_entry();
const AnalysisEntry& decode_over_time_entry();

// weight_entries.cpp: comparisons of trained tensors.
const AnalysisEntry& weight_correlation_entry();

// fixed_points_entry.cpp: fixed and slow points of a trained network's step map.
const AnalysisEntry& fixed_points_entry();

// table_entry.cpp: numbers collected over a sweep, one row per member.
const AnalysisEntry& table_entry();

}  // namespace rnn::stdlib
