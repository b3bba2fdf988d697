// A small limited-memory BFGS minimiser for smooth objectives (Nocedal & Wright, Alg. 7.4
// two-loop recursion, with a backtracking Armijo line search). Used by the logistic-
// regression decoder; Debian 12 has no mlpack/ensmallen.
#pragma once

#include <functional>

#include <armadillo>

namespace rnn::stdlib {

struct LbfgsOptions {
    int max_iterations = 1000;
    int memory = 10;                   // correction pairs kept
    double gradient_tolerance = 1e-6;  // stop when max |gradient| <= this
};

struct LbfgsResult {
    arma::vec x;
    double value = 0.0;
    int iterations = 0;
    bool converged = false;  // the gradient tolerance was met
};

// The objective returns f(x) and writes its gradient into the second argument.
using Objective = std::function<double(const arma::vec&, arma::vec&)>;

// Minimises f from x0. Stops at the gradient tolerance, at max_iterations, or when the line
// search can no longer decrease f (then converged says whether the tolerance was met).
LbfgsResult minimise_lbfgs(const Objective& f, arma::vec x0, const LbfgsOptions& options = {});

}  // namespace rnn::stdlib
