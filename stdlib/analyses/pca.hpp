// PCA and participation ratios, the numerical core of seed 002's and seed 004's state-space
// analyses (docs/provenance.md §3.5, §4.6). Pure functions in double precision; samples are rows.
//
// Conventions (docs/analyses.md):
// * covariance: centred on the column means unless told otherwise, divided by n - ddof
//   (ddof 1 = np.cov, seed 002's pca_matrix and seed 004's geometry; ddof 0 = seed 002's
//   pca_trials);
// * eigenvalues from the symmetric solver, sorted descending; round-off negatives are set
//   to 0 (a covariance is positive semi-definite);
// * eigenvectors (columns) carry a canonical sign: the component of largest |.| is
//   positive (the first such component on an exact tie).
#pragma once

#include <vector>

#include <armadillo>

namespace rnn::stdlib {

// Covariance of the columns of x (samples x features), divided by n - ddof. With
// centre = false the columns are taken as already centred (no mean is subtracted).
// Throws std::invalid_argument if n - ddof <= 0 or ddof < 0.
arma::mat covariance(const arma::mat& x, int ddof = 1, bool centre = true);

// Average of the covariances of several (samples x features) blocks, each centred on its
// own means: seed 002's pca_trials (per-trial centring, ddof 0, averaged over D).
arma::mat mean_covariance(const std::vector<arma::mat>& blocks, int ddof = 1);

// Flips the sign of each column so that its largest-|.| component is positive.
void canonical_signs(arma::mat& vectors);

struct Pca {
    arma::vec mean;         // the column means subtracted (zeros when not centred)
    arma::vec eigenvalues;  // descending, >= 0
    arma::mat components;   // features x features, column i = eigenvector i (canonical sign)
    arma::vec explained_variance_ratio;  // eigenvalues / their sum (zeros when the sum is 0)
};

struct PcaOptions {
    int ddof = 1;
    bool centre = true;
};

// PCA of x (samples x features): the eigen-decomposition of covariance(x, ddof, centre).
Pca pca(const arma::mat& x, const PcaOptions& options = {});

// PCA of a given symmetric covariance matrix (mean left empty).
Pca pca_of_covariance(const arma::mat& cov);

// (x - mean) projected on the first k components: samples x k (x itself when the mean is
// empty, as from pca_of_covariance: the caller centres). Throws if k exceeds the
// number of components or x has the wrong number of columns.
arma::mat project(const Pca& p, const arma::mat& x, arma::uword k);

// Speed of a trajectory (steps x features): ||x(t+1) - x(t)|| for t = 0..steps-2, so
// entry t is the move from step t to step t + 1 (seed 004's analyze_dynamics). Empty for
// fewer than 2 steps.
arma::vec trajectory_speed(const arma::mat& trajectory);

// Eigenvalue participation ratio (sum l)^2 / sum l^2 over the eigenvalues l > 0 only
// (seed 004's dimensionality): n for n equal eigenvalues, 1 for a single nonzero one.
// Returns 0 when no eigenvalue is positive.
double participation_ratio(const arma::vec& eigenvalues);

// Participation ratio of a vector's coefficients c = basis^T v in an orthonormal basis
// (columns): (sum |c_i|)^2 / sum c_i^2, between 1 (v along one basis vector) and the
// number of basis vectors. This is the form that reproduces seed 002's published I-PR and
// w-PR (docs/provenance.md §3.5, §3.7); it depends on the basis, so two bases of one degenerate
// eigenspace give different values. Returns 0 for a zero vector.
double coefficient_participation_ratio(const arma::vec& v, const arma::mat& basis);

}  // namespace rnn::stdlib
