// The loss ops of runtime/losses.hpp against finite differences in double: masked MSE in
// both normalisations (zeros in the mask, weights, a fully masked trial), masked
// cross-entropy (ignored targets, non-binary weights) and the L1 norm away from 0.
#include <doctest/doctest.h>

#include "runtime/losses.hpp"
#include "tests/gradcheck/gradcheck.hpp"

using rnn::rt::Var;
using rnn::test::check_gradients;
using rnn::test::random_matrix;
using rnn::test::Tape;
namespace rt = rnn::rt;

namespace {

// outputs x (batch * steps) weights with zeros, non-binary weights, and trial `empty`
// masked out at every step.
arma::mat mse_mask(arma::uword outputs, arma::uword batch, arma::uword steps, arma::uword empty) {
    arma::mat mask(outputs, batch * steps);
    for (arma::uword k = 0; k < mask.n_elem; ++k)
        mask[k] = static_cast<double>(k % 4) * 0.5;  // 0, 0.5, 1, 1.5
    for (arma::uword t = 0; t < steps; ++t)
        mask.col(t * batch + empty).zeros();
    return mask;
}

}  // namespace

TEST_CASE("masked MSE matches finite differences in both normalisations") {
    const arma::uword outputs = 2, batch = 3, steps = 4;
    const arma::mat Y = random_matrix(outputs, batch * steps, 21);
    const arma::mat target = random_matrix(outputs, batch * steps, 22);
    const arma::mat mask = mse_mask(outputs, batch, steps, 1);
    for (const auto norm : {rt::MseNormalization::PerTrial, rt::MseNormalization::Pooled}) {
        check_gradients(
            {Y},
            [&](Tape& t, const std::vector<Var>& v) {
                return rt::masked_mse(t, v[0], target, mask, batch, norm);
            },
            norm == rt::MseNormalization::PerTrial ? "masked_mse per trial" : "masked_mse pooled");
    }
    // Binary mask without a fully masked trial.
    arma::mat binary =
        arma::conv_to<arma::mat>::from(random_matrix(outputs, batch * steps, 23) > 0.0);
    binary.col(0).ones();
    binary.col(1).ones();
    binary.col(2).ones();
    check_gradients(
        {Y},
        [&](Tape& t, const std::vector<Var>& v) {
            return rt::masked_mse(t, v[0], target, binary, batch, rt::MseNormalization::PerTrial);
        },
        "masked_mse per trial, binary mask");
}

TEST_CASE("masked cross-entropy matches finite differences with ignored targets and weights") {
    const arma::uword classes = 4, columns = 10;
    const arma::mat Z = random_matrix(classes, columns, 31, 2.0);
    arma::mat targets(1, columns), mask(1, columns);
    for (arma::uword j = 0; j < columns; ++j) {
        targets(0, j) = j % 5 == 2 ? -1.0 : static_cast<double>(j % classes);
        mask(0, j) = 0.25 * static_cast<double>(j % 3) + (j == 4 ? 0.0 : 0.1);
    }
    check_gradients(
        {Z},
        [&](Tape& t, const std::vector<Var>& v) {
            return rt::masked_cross_entropy(t, v[0], targets, mask);
        },
        "masked_cross_entropy");
}

TEST_CASE("sum_abs matches finite differences away from 0") {
    arma::mat A = random_matrix(4, 3, 41);
    A.transform([](double x) { return std::abs(x) < 0.1 ? x + 0.3 : x; });
    check_gradients(
        {A}, [](Tape& t, const std::vector<Var>& v) { return rt::sum_abs(t, v[0]); }, "sum_abs");
}
