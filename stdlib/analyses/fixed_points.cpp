#include "stdlib/analyses/fixed_points.hpp"

#include <algorithm>
#include <stdexcept>

namespace rnn::stdlib {

namespace {

double q_of(const arma::vec& residual) {
    return 0.5 * arma::dot(residual, residual);
}

// Levenberg-Marquardt on the residual r(h) = F(h) - h with Jacobian A = dF/dh - I.
arma::vec minimise_q(const StepFunction& step, const StepJacobian& jacobian, arma::vec h,
                     const FixedPointOptions& options) {
    const arma::uword n = h.n_elem;
    const arma::mat eye = arma::eye(n, n);
    arma::vec r = step(h) - h;
    if (r.n_elem != n)
        throw std::invalid_argument("find_fixed_points: F must map R^n to R^n");
    double q = q_of(r);
    double mu = 1e-3;
    for (int it = 0; it < options.max_iterations && q > 0.0; ++it) {
        const arma::mat a = jacobian(h) - eye;
        if (a.n_rows != n || a.n_cols != n)
            throw std::invalid_argument("find_fixed_points: the Jacobian must be n x n");
        const arma::mat ata = a.t() * a;
        const arma::vec atr = a.t() * r;
        if (arma::abs(atr).max() == 0.0)
            break;  // a stationary point of q (a slow point, or exact)
        bool improved = false;
        for (int k = 0; k < 40; ++k) {
            arma::vec delta;
            const arma::mat lhs =
                ata
                + mu * arma::diagmat(arma::max(ata.diag(), arma::vec(n, arma::fill::value(1e-12))));
            if (!arma::solve(delta, lhs, -atr, arma::solve_opts::no_approx)) {
                mu *= 10.0;
                continue;
            }
            const arma::vec h_new = h + delta;
            const arma::vec r_new = step(h_new) - h_new;
            const double q_new = q_of(r_new);
            if (q_new < q) {
                const bool tiny = arma::norm(delta) <= 1e-15 * (1.0 + arma::norm(h));
                h = h_new;
                r = r_new;
                q = q_new;
                mu = std::max(mu / 10.0, 1e-12);
                improved = !tiny;
                break;
            }
            mu *= 10.0;
        }
        if (!improved)
            break;
    }
    return h;
}

}  // namespace

std::vector<FixedPoint> find_fixed_points(const StepFunction& step, const StepJacobian& jacobian,
                                          const arma::mat& initial,
                                          const FixedPointOptions& options) {
    std::vector<FixedPoint> found;
    for (arma::uword s = 0; s < initial.n_cols; ++s) {
        FixedPoint p;
        p.state = minimise_q(step, jacobian, initial.col(s), options);
        p.q = q_of(step(p.state) - p.state);
        p.initial = s;
        if (p.q <= options.q_tolerance)
            found.push_back(std::move(p));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const FixedPoint& a, const FixedPoint& b) { return a.q < b.q; });
    std::vector<FixedPoint> kept;
    for (FixedPoint& p : found) {
        const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const FixedPoint& k) {
            return arma::norm(k.state - p.state) < options.merge_distance;
        });
        if (duplicate)
            continue;
        arma::cx_vec eig = arma::eig_gen(jacobian(p.state));
        const arma::uvec order = arma::stable_sort_index(arma::abs(eig), "descend");
        p.eigenvalues = eig.elem(order);
        p.spectral_radius = p.eigenvalues.is_empty() ? 0.0 : std::abs(p.eigenvalues(0));
        p.stable = p.spectral_radius < 1.0;
        kept.push_back(std::move(p));
    }
    return kept;
}

}  // namespace rnn::stdlib
