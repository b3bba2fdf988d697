#include "stdlib/analyses/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

namespace rnn::stdlib {

LbfgsResult minimise_lbfgs(const Objective& f, arma::vec x0, const LbfgsOptions& options) {
    LbfgsResult r;
    r.x = std::move(x0);
    arma::vec g(r.x.n_elem);
    r.value = f(r.x, g);
    std::deque<arma::vec> s_hist, y_hist;
    std::deque<double> rho_hist;
    arma::vec g_new(r.x.n_elem);
    for (r.iterations = 0; r.iterations < options.max_iterations; ++r.iterations) {
        if (g.is_empty() || arma::abs(g).max() <= options.gradient_tolerance) {
            r.converged = true;
            return r;
        }
        // Two-loop recursion: d = -H g.
        arma::vec q = g;
        std::vector<double> alpha(s_hist.size());
        for (std::size_t i = s_hist.size(); i-- > 0;) {
            alpha[i] = rho_hist[i] * arma::dot(s_hist[i], q);
            q -= alpha[i] * y_hist[i];
        }
        double gamma = 1.0;
        if (!s_hist.empty())
            gamma =
                arma::dot(s_hist.back(), y_hist.back()) / arma::dot(y_hist.back(), y_hist.back());
        else
            gamma = 1.0 / std::max(1.0, arma::norm(g));  // first step: length at most 1
        arma::vec d = gamma * q;
        for (std::size_t i = 0; i < s_hist.size(); ++i) {
            const double beta = rho_hist[i] * arma::dot(y_hist[i], d);
            d += (alpha[i] - beta) * s_hist[i];
        }
        d = -d;
        double slope = arma::dot(g, d);
        if (!(slope < 0.0)) {  // not a descent direction: restart from steepest descent
            s_hist.clear();
            y_hist.clear();
            rho_hist.clear();
            d = -g / std::max(1.0, arma::norm(g));
            slope = arma::dot(g, d);
        }
        // Backtracking Armijo line search from the unit step.
        double step = 1.0;
        double value_new = 0.0;
        arma::vec x_new;
        bool accepted = false;
        for (int k = 0; k < 60; ++k) {
            x_new = r.x + step * d;
            value_new = f(x_new, g_new);
            // Armijo; or, where f no longer resolves the decrease (near the minimum, at
            // relative precision), any step that keeps f and shrinks the gradient.
            const bool armijo = value_new <= r.value + 1e-4 * step * slope;
            const bool flat =
                std::abs(value_new - r.value) <= 1e-14 * std::max(1.0, std::abs(r.value))
                && arma::norm(g_new) < arma::norm(g);
            if (std::isfinite(value_new) && (armijo || flat)) {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if (!accepted)
            break;  // no decrease possible at machine precision
        arma::vec s = x_new - r.x;
        arma::vec y = g_new - g;
        const double sy = arma::dot(s, y);
        if (sy > 1e-12 * arma::dot(y, y)) {  // keep only pairs with positive curvature
            s_hist.push_back(std::move(s));
            y_hist.push_back(std::move(y));
            rho_hist.push_back(1.0 / sy);
            if (static_cast<int>(s_hist.size()) > options.memory) {
                s_hist.pop_front();
                y_hist.pop_front();
                rho_hist.pop_front();
            }
        }
        r.x = std::move(x_new);
        r.value = value_new;
        g = g_new;
    }
    r.converged = !g.is_empty() ? arma::abs(g).max() <= options.gradient_tolerance : true;
    return r;
}

}  // namespace rnn::stdlib
