// hopfield_similarity: how close a learned recurrent matrix is to the Hebbian (Hopfield)
// matrix of the stored patterns, H = sum_p m_p m_p^T / N (seed 000's suggested check).
#pragma once

#include "stdlib/analysis.hpp"

namespace rnn::stdlib {

const AnalysisEntry& hopfield_similarity_entry();

}  // namespace rnn::stdlib
