// Every tape op, the fused RNN cell and every seed-000 loss term, checked against finite
// differences in double.
#include <doctest/doctest.h>

#include "runtime/parameter.hpp"
#include "runtime/rnn_cell.hpp"
#include "runtime/signals.hpp"
#include "tests/gradcheck/gradcheck.hpp"

using rnn::rt::Var;
using rnn::test::check_gradients;
using rnn::test::random_matrix;
using rnn::test::Tape;
namespace rt = rnn::rt;

TEST_CASE("matmul, linear combination, scale and symmetrize match finite differences") {
    const arma::mat A = random_matrix(3, 4, 1), B = random_matrix(4, 2, 2),
                    C = random_matrix(3, 4, 3);
    check_gradients(
        {A, B}, [](Tape& t, const std::vector<Var>& v) { return rt::matmul(t, v[0], v[1]); },
        "matmul");
    check_gradients(
        {A, C},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::linear_combination(t, 0.3, v[0], -1.7, v[1]);
        },
        "linear_combination");
    check_gradients(
        {A}, [](Tape& t, const std::vector<Var>& v) { return rt::scale(t, v[0], -2.5); }, "scale");
    const arma::mat S = random_matrix(4, 4, 4);
    check_gradients(
        {S}, [](Tape& t, const std::vector<Var>& v) { return rt::symmetrize(t, v[0]); },
        "symmetrize");
    const arma::mat a = random_matrix(1, 1, 5), b = random_matrix(1, 1, 6);
    check_gradients(
        {a, b}, [](Tape& t, const std::vector<Var>& v) { return rt::scalar_mul(t, v[0], v[1]); },
        "scalar_mul");
}

TEST_CASE("activations match finite differences away from kinks") {
    arma::mat X = random_matrix(3, 5, 7);
    X.transform(
        [](double x) { return std::abs(x) < 0.1 ? x + 0.3 : x; });  // keep relu off its kink
    for (const auto a : {rt::Activation::Tanh, rt::Activation::Relu, rt::Activation::Linear,
                         rt::Activation::Sigmoid, rt::Activation::Softplus}) {
        check_gradients(
            {X}, [a](Tape& t, const std::vector<Var>& v) { return rt::activate(t, v[0], a); },
            std::string("activate ") + std::string(rt::activation_name(a)));
    }
}

TEST_CASE("sum_squares and mean_squares match finite differences") {
    const arma::mat A = random_matrix(4, 3, 8);
    check_gradients(
        {A}, [](Tape& t, const std::vector<Var>& v) { return rt::sum_squares(t, v[0]); },
        "sum_squares");
    check_gradients(
        {A}, [](Tape& t, const std::vector<Var>& v) { return rt::mean_squares(t, v[0]); },
        "mean_squares");
}

TEST_CASE("the fused RNN unroll matches finite differences for every input and activation") {
    const arma::uword n = 3, in = 2, batch = 2, steps = 4;
    const arma::mat W = random_matrix(n, n, 10, 0.5), U = random_matrix(n, in, 11, 0.5);
    const arma::mat b = random_matrix(n, 1, 12, 0.3), X = random_matrix(in, batch * steps, 13);
    const arma::mat h0 = random_matrix(n, batch, 14, 0.5);
    for (const auto a : {rt::Activation::Tanh, rt::Activation::Sigmoid, rt::Activation::Softplus,
                         rt::Activation::Linear}) {
        check_gradients(
            {W, U, b, X, h0},
            [a, batch](Tape& t, const std::vector<Var>& v) {
                return rt::rnn_unroll(t, v[0], v[1], v[2], v[3], v[4], batch, a);
            },
            std::string("rnn_unroll ") + std::string(rt::activation_name(a)));
    }
    // Without a bias, through the symmetric parametrisation (seed 000's network).
    check_gradients(
        {W, U, X},
        [batch](Tape& t, const std::vector<Var>& v) {
            const Var h0v = t.constant(arma::mat(3, batch, arma::fill::zeros));
            return rt::rnn_unroll(t, rt::symmetrize(t, v[0]), v[1], Var{}, v[2], h0v, batch,
                                  rt::Activation::Tanh);
        },
        "rnn_unroll symmetric, no bias");
}

TEST_CASE("rnn_unroll computes h_t = phi(W h_{t-1} + U x_t + b) step by step") {
    const arma::uword batch = 2, steps = 3;
    const arma::mat W = random_matrix(3, 3, 20), U = random_matrix(3, 2, 21),
                    b = random_matrix(3, 1, 22);
    const arma::mat X = random_matrix(2, batch * steps, 23), h0 = random_matrix(3, batch, 24);
    Tape t;
    const arma::mat H =
        t.value(rt::rnn_unroll(t, t.constant(W), t.constant(U), t.constant(b), t.constant(X),
                               t.constant(h0), batch, rt::Activation::Tanh));
    arma::mat h = h0;
    for (arma::uword s = 0; s < steps; ++s) {
        arma::mat a = W * h + U * X.cols(s * batch, s * batch + batch - 1);
        a.each_col() += b.col(0);
        h = arma::tanh(a);
        CHECK(arma::approx_equal(H.cols(s * batch, s * batch + batch - 1), h, "absdiff", 1e-12));
    }
}

TEST_CASE("overlap and time reductions match finite differences") {
    const arma::uword batch = 2, steps = 5, n = 4;
    const arma::mat H = random_matrix(n, batch * steps, 30);
    arma::mat P = arma::sign(random_matrix(n, batch, 31));
    for (const bool signed_overlap : {false, true}) {
        check_gradients(
            {H},
            [P, signed_overlap](Tape& t, const std::vector<Var>& v) {
                return rt::overlap(t, v[0], P, signed_overlap);
            },
            signed_overlap ? "overlap signed" : "overlap absolute");
    }
    const arma::mat S = random_matrix(batch, steps, 32);
    for (const auto r : {rt::TimeReduction::Mean, rt::TimeReduction::Max, rt::TimeReduction::Min,
                         rt::TimeReduction::Sum}) {
        check_gradients(
            {S},
            [r](Tape& t, const std::vector<Var>& v) { return rt::reduce_time(t, v[0], r, 1, 4); },
            "reduce_time");
        // A window per trial (trials of different timings in one batch).
        arma::uvec begins(batch), ends(batch);
        for (arma::uword b = 0; b < batch; ++b) {
            begins(b) = b % 3;
            ends(b) = begins(b) + 1 + b % 4;
        }
        check_gradients(
            {S},
            [r, begins, ends](Tape& t, const std::vector<Var>& v) {
                return rt::reduce_time(t, v[0], r, begins, ends);
            },
            "reduce_time per trial");
    }
}

TEST_CASE("overlap is |m . h| / N and the reductions are per-trial then averaged") {
    Tape t;
    arma::mat H(2, 2);  // batch 1, two steps
    H.col(0) = arma::vec{0.5, -0.5};
    H.col(1) = arma::vec{-1.0, -1.0};
    arma::mat P(2, 1);
    P.col(0) = arma::vec{1.0, 1.0};
    const Var q = rt::overlap(t, t.constant(H), P, false);
    CHECK(t.value(q)(0, 0) == doctest::Approx(0.0));
    CHECK(t.value(q)(0, 1) == doctest::Approx(1.0));  // -m counts as recalled
    const Var qs = rt::overlap(t, t.constant(H), P, true);
    CHECK(t.value(qs)(0, 1) == doctest::Approx(-1.0));
    arma::mat S = {{1.0, 3.0, 2.0}, {0.0, -1.0, 5.0}};
    const Var s = t.constant(S);
    CHECK(t.value(rt::reduce_time(t, s, rt::TimeReduction::Max, 0, 2))(0, 0)
          == doctest::Approx((3.0 + 0.0) / 2));
    CHECK(t.value(rt::reduce_time(t, s, rt::TimeReduction::Mean, 1, 3))(0, 0)
          == doctest::Approx((2.5 + 2.0) / 2));
    CHECK(t.value(rt::reduce_time(t, s, rt::TimeReduction::Min, 0, 3))(0, 0)
          == doctest::Approx((1.0 - 1.0) / 2));
    // Trial 0 over [0, 1), trial 1 over [1, 3).
    CHECK(t.value(rt::reduce_time(t, s, rt::TimeReduction::Mean, arma::uvec{0, 1},
                                  arma::uvec{1, 3}))(0, 0)
          == doctest::Approx((1.0 + 2.0) / 2));
    CHECK_THROWS_AS(rt::reduce_time(t, s, rt::TimeReduction::Mean, arma::uvec{0}, arma::uvec{1}),
                    std::invalid_argument);
}

TEST_CASE("the seed-000 loss, composed from ops, matches finite differences") {
    // -mean(q, retain) - 10 max(q, present) + 0.5 fixed_point + 1e-6 (|A|^2 + |U|^2)
    const arma::uword n = 4, batch = 1, steps = 6;
    const arma::mat A = random_matrix(n, n, 40, 0.4), U = random_matrix(n, n, 41, 0.4);
    arma::mat P = arma::sign(random_matrix(n, batch, 42));
    arma::mat X(n, batch * steps, arma::fill::zeros);
    for (arma::uword s = 0; s < 2; ++s)
        X.col(s) = 2.5 * P.col(0);
    check_gradients(
        {A, U},
        [&](Tape& t, const std::vector<Var>& v) {
            const Var W = rt::symmetrize(t, v[0]);
            const Var H = rt::rnn_unroll(t, W, v[1], Var{}, t.constant(X),
                                         t.constant(arma::mat(n, batch, arma::fill::zeros)), batch,
                                         rt::Activation::Tanh);
            const Var q = rt::overlap(t, H, P, false);
            const Var retain = rt::reduce_time(t, q, rt::TimeReduction::Mean, 2, 6);
            const Var present = rt::reduce_time(t, q, rt::TimeReduction::Max, 0, 2);
            const Var m = t.constant(P);
            const Var fp = rt::mean_squares(
                t, rt::sub(t, rt::activate(t, rt::matmul(t, W, m), rt::Activation::Tanh), m));
            const Var l2 = rt::add(t, rt::sum_squares(t, v[0]), rt::sum_squares(t, v[1]));
            return rt::add(t, rt::linear_combination(t, -1.0, retain, -10.0, present),
                           rt::linear_combination(t, 0.5, fp, 1e-6, l2));
        },
        "seed-000 loss");
}

TEST_CASE("absolute, multiply_constant and every constraint match finite differences") {
    arma::mat A = random_matrix(4, 4, 21);
    A.transform([](double x) { return std::abs(x) < 0.1 ? x + 0.3 : x; });  // off |x|'s kink
    check_gradients(
        {A}, [](Tape& t, const std::vector<Var>& v) { return rt::absolute(t, v[0]); }, "absolute");
    const arma::mat M = random_matrix(4, 4, 22);
    check_gradients(
        {A}, [M](Tape& t, const std::vector<Var>& v) { return rt::multiply_constant(t, v[0], M); },
        "multiply_constant");
    rt::Constraint masked;
    masked.mask = arma::mat(4, 4, arma::fill::ones);
    masked.mask(1, 2) = 0.0;
    masked.dale = 0.5;
    masked.no_self = true;
    rt::Constraint dale, no_self, both, symmetric_no_self;
    dale.dale = 0.75;
    no_self.no_self = true;
    both.dale = 0.5;
    both.no_self = true;
    symmetric_no_self.symmetric = true;
    symmetric_no_self.no_self = true;
    for (const rt::Constraint& c : {dale, no_self, both, symmetric_no_self, masked}) {
        check_gradients(
            {A}, [c](Tape& t, const std::vector<Var>& v) { return rt::constrain(t, v[0], c); },
            "constrain");
    }
}

TEST_CASE(
    "Dale's law fixes each column's sign, and no_self zeroes the diagonal, on the tape and off") {
    rt::Parameter<double> p{"W_self", random_matrix(4, 4, 23), rt::Constraint{}};
    p.constraint.dale = 0.75;
    p.constraint.no_self = true;
    const arma::mat w = rt::effective_value(p);
    for (arma::uword j = 0; j < 4; ++j)
        for (arma::uword i = 0; i < 4; ++i) {
            if (i == j) {
                CHECK(w(i, j) == 0.0);
                continue;
            }
            CHECK(std::abs(w(i, j)) == doctest::Approx(std::abs(p.raw(i, j))));
            if (j < 3)
                CHECK(w(i, j) >= 0.0);  // the first round(0.75 * 4) = 3 units excite
            else
                CHECK(w(i, j) <= 0.0);
        }
    Tape tape;
    const Var on_tape = rt::constrain(tape, tape.leaf(p.raw), p.constraint);
    CHECK(arma::approx_equal(tape.value(on_tape), w, "absdiff", 0.0));
}

TEST_CASE("the readout ops match finite differences: A^T B, column bias, repeated columns") {
    const arma::mat A = random_matrix(5, 3, 40), B = random_matrix(5, 4, 41);
    check_gradients(
        {A, B},
        [](Tape& t, const std::vector<Var>& v) { return rt::matmul_transposed(t, v[0], v[1]); },
        "matmul_transposed");
    const arma::mat Y = random_matrix(3, 6, 42), c = random_matrix(3, 1, 43);
    check_gradients(
        {Y, c}, [](Tape& t, const std::vector<Var>& v) { return rt::add_column(t, v[0], v[1]); },
        "add_column");
    check_gradients(
        {c}, [](Tape& t, const std::vector<Var>& v) { return rt::repeat_columns(t, v[0], 4); },
        "repeat_columns");
}

TEST_CASE("readout signals match finite differences: one output row, squared error") {
    const arma::uword batch = 2, steps = 3;
    const arma::mat Y = random_matrix(2, batch * steps, 44),
                    target = random_matrix(2, batch * steps, 45);
    check_gradients(
        {Y},
        [batch](Tape& t, const std::vector<Var>& v) {
            return rt::output_signal(t, v[0], 1, batch);
        },
        "output_signal");
    check_gradients(
        {Y},
        [batch, target](Tape& t, const std::vector<Var>& v) {
            return rt::squared_error_signal(t, v[0], target, batch);
        },
        "squared_error_signal");
    // The layout: s[b, t] reads column t * batch + b.
    Tape t;
    const arma::mat s = t.value(rt::output_signal(t, t.constant(Y), 1, batch));
    CHECK(s(1, 2) == Y(1, 2 * batch + 1));
}
