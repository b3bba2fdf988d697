// Representational dissimilarity matrices and rank correlation (seed 004's
// compute_geometry_metrics, docs/provenance.md §4.6): condition means, distances between them, and
// the Spearman correlation of two RDMs' upper triangles.
#pragma once

#include <armadillo>

namespace rnn::stdlib {

struct ConditionMeans {
    arma::uvec conditions;  // the distinct condition ids, ascending
    arma::mat means;        // one row per condition (in that order), features columns
    arma::uvec counts;      // samples per condition
};

// The mean of the samples (rows of x) of each condition. Throws if the sizes differ.
ConditionMeans condition_means(const arma::mat& x, const arma::uvec& condition);

enum class RdmMetric {
    Euclidean,    // ||a - b||
    Correlation,  // 1 - Pearson(a, b) over the features (NaN if a row is constant)
    Cosine,       // 1 - a.b / (|a| |b|) (NaN if a row is zero)
};

// The symmetric conditions x conditions dissimilarity matrix of the rows of `rows`, with
// an exact zero diagonal.
arma::mat rdm(const arma::mat& rows, RdmMetric metric = RdmMetric::Euclidean);

// The entries above the diagonal, row by row (numpy's triu_indices(n, k=1) order).
arma::vec upper_triangle(const arma::mat& m);

// Ranks 1..n, ties sharing the average of the ranks they span (scipy.stats.rankdata's
// "average" method).
arma::vec average_ranks(const arma::vec& v);

// Pearson correlation; NaN when either vector is constant or the sizes differ or n < 2.
double pearson(const arma::vec& a, const arma::vec& b);

// Spearman correlation = Pearson of the average ranks (NaN when either is constant, e.g. a
// constant model RDM, as in the seed).
double spearman(const arma::vec& a, const arma::vec& b);

// Spearman correlation of the upper triangles of two RDMs of the same size.
double rdm_spearman(const arma::mat& a, const arma::mat& b);

}  // namespace rnn::stdlib
