// Finite-difference gradient checks in double. The scalar checked is L = sum(R % f(x)) for
// a fixed random R, so every output element contributes; analytic gradients come from the
// tape, numeric ones from central differences (eps 1e-6). Failures report the worst element.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <armadillo>
#include <doctest/doctest.h>

#include "runtime/ops.hpp"
#include "runtime/random.hpp"
#include "runtime/tape.hpp"

namespace rnn::test {

using Tape = rt::Tape<double>;
// Builds the op's output from the leaves (one Var per input, in order).
using OpBuilder = std::function<rt::Var(Tape&, const std::vector<rt::Var>&)>;

inline arma::mat random_matrix(arma::uword rows, arma::uword cols, std::uint64_t seed,
                               double scale = 1.0) {
    rt::RandomStream s(rt::stream_key(seed, "gradcheck"));
    arma::mat m(rows, cols);
    s.fill_normal(m, 0.0, scale);
    return m;
}

// Checks d L / d inputs[i] for every input against central differences.
inline void check_gradients(const std::vector<arma::mat>& inputs, const OpBuilder& op,
                            const std::string& what, double atol = 1e-6, double rtol = 1e-4) {
    // The output shape, to draw R.
    Tape probe;
    std::vector<rt::Var> pv;
    for (const auto& x : inputs)
        pv.push_back(probe.leaf(x));
    const arma::mat out = probe.value(op(probe, pv));
    const arma::mat R = random_matrix(out.n_rows, out.n_cols, 99);
    auto loss_value = [&](const std::vector<arma::mat>& xs) {
        Tape t;
        std::vector<rt::Var> v;
        for (const auto& x : xs)
            v.push_back(t.constant(x));
        return arma::accu(R % t.value(op(t, v)));
    };
    Tape t;
    std::vector<rt::Var> leaves;
    for (const auto& x : inputs)
        leaves.push_back(t.leaf(x));
    const rt::Var y = op(t, leaves);
    // L = sum(R % y), recorded by hand so the upstream gradient of y is exactly R.
    arma::mat l(1, 1);
    l(0, 0) = arma::accu(R % t.value(y));
    const rt::Var L = t.record(
        std::move(l), true,
        [y, R](Tape& tp, const arma::mat& g, const arma::mat&) { tp.grad(y) += g(0, 0) * R; });
    t.backward(L);
    const double eps = 1e-6;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const arma::mat analytic = t.has_grad(leaves[i])
                                       ? t.grad(leaves[i])
                                       : arma::mat(arma::size(inputs[i]), arma::fill::zeros);
        double worst = 0.0;
        arma::uword worst_at = 0;
        double worst_a = 0.0, worst_n = 0.0;
        for (arma::uword k = 0; k < inputs[i].n_elem; ++k) {
            std::vector<arma::mat> plus = inputs, minus = inputs;
            plus[i][k] += eps;
            minus[i][k] -= eps;
            const double numeric = (loss_value(plus) - loss_value(minus)) / (2 * eps);
            const double excess =
                std::abs(analytic[k] - numeric) - (atol + rtol * std::abs(numeric));
            if (excess > worst) {
                worst = excess;
                worst_at = k;
                worst_a = analytic[k];
                worst_n = numeric;
            }
        }
        INFO(what << ": input " << i << ", element " << worst_at << ": analytic " << worst_a
                  << " numeric " << worst_n);
        CHECK(worst <= 0.0);
    }
}

}  // namespace rnn::test
