// Evaluations and analysis results as the cache keeps them (the state/ of an evaluate or
// analyze entry), so that a cached node's readers get it back exactly.
#pragma once

#include <string>
#include <vector>

#include "interpreter/training.hpp"
#include "runtime/checkpoint.hpp"

namespace rnn::interp {

rt::Checkpoint evaluation_state(const Evaluation& ev);

Evaluation restore_evaluation(const rt::Checkpoint& c);

rt::Checkpoint analysis_state(const stdlib::AnalysisResult& r);

stdlib::AnalysisResult restore_analysis(const rt::Checkpoint& c);

// The lines of a list of names stored as one string, each name followed by '\n'.
std::vector<std::string> split_lines(const std::string& s);

}  // namespace rnn::interp
