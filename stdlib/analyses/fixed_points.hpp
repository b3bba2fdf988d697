// Fixed and slow points of a discrete-time map h -> F(h) (Sussillo & Barak 2013, for the
// seeds' trained networks): minimise q(h) = ||F(h) - h||^2 / 2 from given initial states by
// Levenberg-Marquardt (Gauss-Newton damped), keep the points with q below a tolerance,
// merge duplicates, and classify each by the eigenvalues of the Jacobian of F there.
#pragma once

#include <functional>
#include <vector>

#include <armadillo>

namespace rnn::stdlib {

using StepFunction = std::function<arma::vec(const arma::vec&)>;
using StepJacobian = std::function<arma::mat(const arma::vec&)>;  // dF/dh, n x n

struct FixedPointOptions {
    double q_tolerance = 1e-12;    // keep points with q below this (slow points: raise it)
    double merge_distance = 1e-6;  // points closer than this (euclidean) are one point
    int max_iterations = 200;      // per initial state
};

struct FixedPoint {
    arma::vec state;
    double q = 0.0;                // ||F(h) - h||^2 / 2 at the point
    arma::cx_vec eigenvalues;      // of dF/dh at the point, by descending |.|
    double spectral_radius = 0.0;  // max |eigenvalue|
    bool stable = false;           // spectral_radius < 1 (discrete-time map)
    arma::uword initial = 0;       // index of the initial state it was found from (lowest q)
};

// Runs the minimisation from each column of `initial` (n x starts). The result is sorted
// by q ascending, then merged greedily: a point within merge_distance of one already kept
// is dropped. Throws on mismatched sizes.
std::vector<FixedPoint> find_fixed_points(const StepFunction& step, const StepJacobian& jacobian,
                                          const arma::mat& initial,
                                          const FixedPointOptions& options = {});

}  // namespace rnn::stdlib
