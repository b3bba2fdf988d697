// Principal angles between subspaces (seed 004's subspace_analysis, docs/provenance.md §4.6),
// computed as scipy.linalg.subspace_angles does, but returned in degrees and ascending.
#pragma once

#include <armadillo>

namespace rnn::stdlib {

// An orthonormal basis (columns) of the column space of a, from its SVD; singular values
// below rcond * max(rows, cols) * the largest one are dropped (scipy.linalg.orth's rank).
// rcond < 0 means machine epsilon. A zero matrix gives a basis with no columns.
arma::mat orthonormal_basis(const arma::mat& a, double rcond = -1.0);

// The principal angles between the column spaces of a and b (both n x k, any k, columns
// need not be orthonormal; they are orthonormalised first), in degrees, ascending, one per
// dimension of the smaller space. Angles come from the arccos of the singular values of
// Qa^T Qb, except those whose cosine^2 is at least 1/2 (below 45 degrees), which come from
// the arcsin of the singular values of the residual (as scipy does), so small angles stay
// accurate. Throws if the row counts
// differ; empty when either space is {0}.
arma::vec principal_angles_deg(const arma::mat& a, const arma::mat& b);

// Seed 004's delay subspace: the top principal components (columns, features x k) of the
// class means of x (samples x features) grouped by label, centred on their mean (sklearn's
// PCA of the means), with k = min(max_components, classes - 1, features). Throws if there
// are fewer than 2 classes.
arma::mat class_mean_basis(const arma::mat& x, const arma::uvec& labels,
                           arma::uword max_components = 10);

}  // namespace rnn::stdlib
