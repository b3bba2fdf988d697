// Loss ops (runtime/losses.hpp) against values computed by hand and against independent
// loops over trials: masked MSE in both normalisations, masked cross-entropy with an ignore
// index, the L1 norm, and the shape and target checks.
#include "runtime/losses.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>

namespace rt = rnn::rt;
using rt::Var;

namespace {

using Tape = rt::Tape<double>;

double value_of(Tape& t, Var v) {
    REQUIRE(t.value(v).n_elem == 1);
    return t.value(v)(0, 0);
}

// The gradient of a scalar loss with respect to the leaf x.
arma::mat gradient(Tape& t, Var loss, Var x) {
    t.backward(loss);
    return t.has_grad(x) ? arma::mat(t.grad(x))
                         : arma::mat(arma::size(t.value(x)), arma::fill::zeros);
}

}  // namespace

TEST_CASE("masked cross-entropy of a 2-class, 2-step trial, by hand") {
    // Column 0: logits (1, 0), target 0: ce = log(e + 1) - 1 = log(1 + e^-1) = 0.3132617;
    // column 1: logits (0, 2), target 1: ce = log(1 + e^2) - 2 = log(1 + e^-2) = 0.1269280.
    // Weights (1, 1): the loss is their mean, 0.2200948493.
    Tape t;
    const Var z = t.leaf(arma::mat{{1.0, 0.0}, {0.0, 2.0}});
    const Var loss = rt::masked_cross_entropy(t, z, arma::mat{{0.0, 1.0}}, arma::mat{{1.0, 1.0}});
    CHECK(value_of(t, loss) == doctest::Approx(0.2200948493).epsilon(1e-9));
    // d/dz = (softmax - onehot) / 2: column 0 softmax (0.7310586, 0.2689414) - (1, 0);
    // column 1 softmax (0.1192029, 0.8807971) - (0, 1).
    const arma::mat g = gradient(t, loss, z);
    CHECK(g(0, 0) == doctest::Approx(-0.2689414214 / 2).epsilon(1e-9));
    CHECK(g(1, 0) == doctest::Approx(0.2689414214 / 2).epsilon(1e-9));
    CHECK(g(0, 1) == doctest::Approx(0.1192029220 / 2).epsilon(1e-9));
    CHECK(g(1, 1) == doctest::Approx(-0.1192029220 / 2).epsilon(1e-9));

    // Weights (3, 1): (3 * 0.3132617 + 0.1269280) / 4.
    Tape w;
    const Var zw = w.leaf(arma::mat{{1.0, 0.0}, {0.0, 2.0}});
    const Var lw = rt::masked_cross_entropy(w, zw, arma::mat{{0.0, 1.0}}, arma::mat{{3.0, 1.0}});
    CHECK(value_of(w, lw) == doctest::Approx((3 * 0.3132616875 + 0.1269280110) / 4).epsilon(1e-9));
}

TEST_CASE("masked cross-entropy is stable for huge logits") {
    Tape t;
    const Var z = t.leaf(arma::mat{{1000.0, -1000.0}, {0.0, 1e4}});
    // Column 0: target 0 wins by 1000: ce ~ e^-1000 = 0; column 1: target 0 loses by 1e4.
    const Var loss = rt::masked_cross_entropy(t, z, arma::mat{{0.0, 0.0}}, arma::mat{{1.0, 1.0}});
    CHECK(std::isfinite(value_of(t, loss)));
    CHECK(value_of(t, loss) == doctest::Approx((0.0 + 11000.0) / 2));
    CHECK(gradient(t, loss, z).is_finite());
}

TEST_CASE("ignored targets contribute nothing and get no gradient, but their weight still counts") {
    const arma::mat logits = {{0.3, -1.2, 2.0, 0.7}, {1.1, 0.4, -0.5, 0.2}, {-0.8, 0.9, 0.1, 1.5}};
    const arma::mat targets = {{2.0, -1.0, 0.0, -1.0}};
    const arma::mat mask = {{1.0, 0.0, 1.0, 0.0}};
    Tape t;
    const Var z = t.leaf(logits);
    const Var loss = rt::masked_cross_entropy(t, z, targets, mask);
    // The logits of ignored columns do not matter.
    arma::mat other = logits;
    other.col(1).fill(50.0);
    other.col(3) = arma::vec{-7.0, 3.0, 9.0};
    Tape u;
    const Var lu = rt::masked_cross_entropy(u, u.leaf(other), targets, mask);
    CHECK(value_of(u, lu) == value_of(t, loss));
    const arma::mat g = gradient(t, loss, z);
    CHECK(arma::all(g.col(1) == 0.0));
    CHECK(arma::all(g.col(3) == 0.0));
    CHECK(arma::any(g.col(0) != 0.0));
    // Dropping the ignored columns altogether gives the same loss.
    Tape s;
    const Var ls = rt::masked_cross_entropy(s, s.leaf(arma::mat(logits.cols(arma::uvec{0, 2}))),
                                            arma::mat{{2.0, 0.0}}, arma::mat{{1.0, 1.0}});
    CHECK(value_of(s, ls) == doctest::Approx(value_of(t, loss)).epsilon(1e-14));
    // Seed 004 divides by mask.sum(), ignored columns included: a weight on an ignored
    // column halves this loss.
    Tape h;
    const Var lh =
        rt::masked_cross_entropy(h, h.leaf(logits), targets, arma::mat{{1.0, 1.0, 1.0, 1.0}});
    CHECK(value_of(h, lh) == doctest::Approx(value_of(t, loss) / 2).epsilon(1e-14));
    // Another ignore index: 7 is ignored, -1 is then an error.
    Tape k;
    const Var lk =
        rt::masked_cross_entropy(k, k.leaf(logits), arma::mat{{2.0, 7.0, 0.0, 7.0}}, mask, 7.0);
    CHECK(value_of(k, lk) == value_of(t, loss));
    Tape e;
    CHECK_THROWS_AS(rt::masked_cross_entropy(e, e.leaf(logits), targets, mask, 7.0),
                    std::invalid_argument);
    // All weight zero: 0, not NaN.
    Tape zero;
    const Var lz = rt::masked_cross_entropy(zero, zero.leaf(logits), targets,
                                            arma::mat(1, 4, arma::fill::zeros));
    CHECK(value_of(zero, lz) == 0.0);
}

TEST_CASE("a target outside the classes is rejected, naming its column") {
    const arma::mat logits(3, 4, arma::fill::zeros);
    const arma::mat mask(1, 4, arma::fill::ones);
    const auto message = [&](const arma::mat& targets) -> std::string {
        Tape t;
        try {
            rt::masked_cross_entropy(t, t.leaf(logits), targets, mask);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "no exception";
    };
    CHECK(message(arma::mat{{0.0, 1.0, 3.0, 2.0}}).find("column 2") != std::string::npos);
    CHECK(message(arma::mat{{0.0, -2.0, 1.0, 2.0}}).find("column 1") != std::string::npos);
    CHECK(message(arma::mat{{0.5, 1.0, 1.0, 2.0}}).find("column 0") != std::string::npos);
    CHECK(message(arma::mat{{0.0, 1.0, 1.0, std::nan("")}}).find("column 3") != std::string::npos);
    // Even under a zero weight: a bad label is a bug in the data, not something to hide.
    Tape t;
    CHECK_THROWS_AS(rt::masked_cross_entropy(t, t.leaf(logits), arma::mat{{0.0, 1.0, 3.0, 2.0}},
                                             arma::mat{{1.0, 1.0, 0.0, 1.0}}),
                    std::invalid_argument);
    CHECK(message(arma::mat{{0.0, 1.0, 2.0, -1.0}}) == "no exception");
    // Shapes and weights.
    CHECK_THROWS_AS(rt::masked_cross_entropy(t, t.leaf(logits), arma::mat(1, 3, arma::fill::zeros),
                                             arma::mat(1, 3, arma::fill::ones)),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::masked_cross_entropy(t, t.leaf(logits), arma::mat(4, 1, arma::fill::zeros),
                                             arma::mat(4, 1, arma::fill::ones)),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::masked_cross_entropy(t, t.leaf(logits), arma::mat(1, 4, arma::fill::zeros),
                                             arma::mat{{1.0, -1.0, 1.0, 1.0}}),
                    std::invalid_argument);
}

TEST_CASE("masked MSE with a known mask, pooled and per trial, by hand") {
    // One output, batch 2, 2 steps: columns (t0 b0, t0 b1, t1 b0, t1 b1).
    // Errors y - target = (1, 2, 3, 4); mask (1, 1, 0, 1).
    const arma::mat target = {{0.0, 0.0, 0.0, 0.0}};
    const arma::mat y = {{1.0, 2.0, 3.0, 4.0}};
    const arma::mat mask = {{1.0, 1.0, 0.0, 1.0}};
    // Pooled: (1 + 4 + 16) / 3 = 7.
    Tape p;
    const Var yp = p.leaf(y);
    const Var lp = rt::masked_mse(p, yp, target, mask, 2, rt::MseNormalization::Pooled);
    CHECK(value_of(p, lp) == doctest::Approx(7.0));
    // d/dy = 2 m (y - target) / 3.
    const arma::mat gp = gradient(p, lp, yp);
    CHECK(arma::approx_equal(gp, arma::mat{{2.0 / 3, 4.0 / 3, 0.0, 8.0 / 3}}, "absdiff", 1e-15));
    // Per trial: trial 0 has 1 / 1 = 1; trial 1 has (4 + 16) / 2 = 10; mean 5.5.
    Tape q;
    const Var yq = q.leaf(y);
    const Var lq = rt::masked_mse(q, yq, target, mask, 2, rt::MseNormalization::PerTrial);
    CHECK(value_of(q, lq) == doctest::Approx(5.5));
    // d/dy = 2 m (y - target) / (sum_t m of the trial * 2 trials).
    const arma::mat gq = gradient(q, lq, yq);
    CHECK(arma::approx_equal(gq, arma::mat{{1.0, 1.0, 0.0, 2.0}}, "absdiff", 1e-15));
    // Weights: mask (2, 1, 0, 1): pooled (2 + 4 + 16) / 4.
    Tape w;
    const Var lw = rt::masked_mse(w, w.leaf(y), target, arma::mat{{2.0, 1.0, 0.0, 1.0}}, 2,
                                  rt::MseNormalization::Pooled);
    CHECK(value_of(w, lw) == doctest::Approx(5.5));
}

TEST_CASE("per-trial masked MSE is the mean over trials of each trial's ratio (seed 002)") {
    const arma::uword outputs = 2, batch = 3, steps = 5;
    arma::mat y(outputs, batch * steps), target(outputs, batch * steps),
        mask(outputs, batch * steps);
    for (arma::uword k = 0; k < y.n_elem; ++k) {
        y[k] = std::sin(0.7 * static_cast<double>(k));
        target[k] = std::cos(0.3 * static_cast<double>(k));
        mask[k] = (k % 3 == 0) ? 0.0 : static_cast<double>(k % 4);
    }
    // Independently: each trial's ratio over its own columns t * batch + b.
    double mean_ratio = 0.0, pooled_num = 0.0, pooled_den = 0.0;
    for (arma::uword b = 0; b < batch; ++b) {
        double num = 0.0, den = 0.0;
        for (arma::uword t = 0; t < steps; ++t)
            for (arma::uword o = 0; o < outputs; ++o) {
                const arma::uword c = t * batch + b;
                num += mask(o, c) * std::pow(y(o, c) - target(o, c), 2);
                den += mask(o, c);
            }
        REQUIRE(den > 0.0);
        mean_ratio += num / den / static_cast<double>(batch);
        pooled_num += num;
        pooled_den += den;
    }
    Tape t;
    const Var per =
        rt::masked_mse(t, t.leaf(y), target, mask, batch, rt::MseNormalization::PerTrial);
    const Var pooled =
        rt::masked_mse(t, t.leaf(y), target, mask, batch, rt::MseNormalization::Pooled);
    CHECK(value_of(t, per) == doctest::Approx(mean_ratio).epsilon(1e-13));
    CHECK(value_of(t, pooled) == doctest::Approx(pooled_num / pooled_den).epsilon(1e-13));
    // The two normalisations differ on this data, so the checks above tell them apart.
    CHECK(std::abs(value_of(t, per) - value_of(t, pooled)) > 1e-3);
}

TEST_CASE("a trial with an all-zero mask is left out of the per-trial mean") {
    // Batch 3, 2 steps, one output; trial 1 fully masked, with NaN targets (padding).
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const arma::mat y = {{1.0, 5.0, 2.0, 1.0, 7.0, 2.0}};
    const arma::mat target = {{0.0, nan, 0.0, 0.0, nan, 0.0}};
    const arma::mat mask = {{1.0, 0.0, 1.0, 1.0, 0.0, 0.0}};
    // Trial 0: (1 + 1) / 2 = 1; trial 2: 4 / 1 = 4; trial 1 excluded: (1 + 4) / 2 = 2.5.
    Tape t;
    const Var yv = t.leaf(y);
    const Var loss = rt::masked_mse(t, yv, target, mask, 3, rt::MseNormalization::PerTrial);
    CHECK(value_of(t, loss) == doctest::Approx(2.5));
    const arma::mat g = gradient(t, loss, yv);
    CHECK(g.is_finite());
    CHECK(g(0, 1) == 0.0);
    CHECK(g(0, 4) == 0.0);
    // Pooled: (1 + 1 + 4) / 3 = 2; NaN targets under a zero mask are skipped too.
    Tape p;
    const Var lp = rt::masked_mse(p, p.leaf(y), target, mask, 3, rt::MseNormalization::Pooled);
    CHECK(value_of(p, lp) == doctest::Approx(2.0));
    // No weight anywhere: 0 in both normalisations.
    const arma::mat none(1, 6, arma::fill::zeros);
    Tape z;
    CHECK(value_of(z, rt::masked_mse(z, z.leaf(y), target, none, 3, rt::MseNormalization::PerTrial))
          == 0.0);
    CHECK(value_of(z, rt::masked_mse(z, z.leaf(y), target, none, 3, rt::MseNormalization::Pooled))
          == 0.0);
}

TEST_CASE("masked MSE rejects mismatched shapes, a batch that does not divide, bad weights") {
    Tape t;
    const Var y = t.leaf(arma::mat(2, 6, arma::fill::zeros));
    const arma::mat ok(2, 6, arma::fill::ones);
    const auto per = rt::MseNormalization::PerTrial;
    CHECK_THROWS_AS(rt::masked_mse(t, y, arma::mat(2, 5, arma::fill::zeros), ok, 3, per),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::masked_mse(t, y, ok, arma::mat(1, 6, arma::fill::ones), 3, per),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::masked_mse(t, y, ok, ok, 4, per), std::invalid_argument);
    CHECK_THROWS_AS(rt::masked_mse(t, y, ok, ok, 0, per), std::invalid_argument);
    arma::mat negative = ok;
    negative(1, 2) = -1.0;
    CHECK_THROWS_AS(rt::masked_mse(t, y, ok, negative, 3, per), std::invalid_argument);
    CHECK_NOTHROW(rt::masked_mse(t, y, ok, ok, 3, per));
}

TEST_CASE("sum_abs is the L1 norm, with gradient sign(a) and 0 at 0") {
    Tape t;
    const Var a = t.leaf(arma::mat{{1.5, -2.0}, {0.0, 0.25}});
    const Var l1 = rt::sum_abs(t, a);
    CHECK(value_of(t, l1) == 3.75);
    const arma::mat g = gradient(t, l1, a);
    CHECK(arma::approx_equal(g, arma::mat{{1.0, -1.0}, {0.0, 1.0}}, "absdiff", 0.0));
}
