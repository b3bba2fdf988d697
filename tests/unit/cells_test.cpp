// Closed-form checks of the fused recurrent cells (rnn_cell.hpp, gru_cell.hpp,
// lstm_cell.hpp, ctrnn_cell.hpp) in float and double: parameter settings whose trajectories
// are known exactly, the step functions against the unrolls and a plain reference, the
// state noise, and shape checks.
#include <cmath>
#include <stdexcept>

#include <doctest/doctest.h>

#include "runtime/ctrnn_cell.hpp"
#include "runtime/gru_cell.hpp"
#include "runtime/lstm_cell.hpp"
#include "runtime/random.hpp"
#include "runtime/rnn_cell.hpp"

namespace rt = rnn::rt;
using rt::Var;

namespace {

template <typename T>
arma::Mat<T> randn(arma::uword rows, arma::uword cols, std::uint64_t seed, double scale = 1.0) {
    rt::RandomStream s(rt::stream_key(seed, "cells_test"));
    arma::mat m(rows, cols);
    s.fill_normal(m, 0.0, scale);
    return arma::conv_to<arma::Mat<T>>::from(m);
}

template <typename T> arma::Mat<T> zeros(arma::uword rows, arma::uword cols) {
    return arma::Mat<T>(rows, cols, arma::fill::zeros);
}

template <typename T> T tol() {
    return sizeof(T) == sizeof(float) ? T(2e-5) : T(1e-12);
}

template <typename T>
arma::Mat<T> step_of(const arma::Mat<T>& seq, arma::uword t, arma::uword batch) {
    return seq.cols(t * batch, t * batch + batch - 1);
}

template <typename T> bool close(const arma::Mat<T>& a, const arma::Mat<T>& b, T tolerance) {
    return a.n_rows == b.n_rows && a.n_cols == b.n_cols
           && arma::approx_equal(a, b, "absdiff", tolerance);
}

template <typename T> arma::Mat<T> sigmoid(const arma::Mat<T>& a) {
    return T(1) / (T(1) + arma::exp(-a));
}

constexpr arma::uword kBatch = 3, kSteps = 5, kUnits = 4, kInputs = 2;

}  // namespace

TEST_CASE_TEMPLATE("a CTRNN without input, bias or initial state stays exactly at zero", T, float,
                   double) {
    rt::Tape<T> t;
    const Var H = rt::ctrnn_unroll(
        t, t.constant(randn<T>(kUnits, kUnits, 1)), t.constant(randn<T>(kUnits, kInputs, 2)), Var{},
        t.constant(zeros<T>(kInputs, kBatch * kSteps)), t.constant(zeros<T>(kUnits, kBatch)),
        kBatch, T(0.1), T(1.5), rt::Activation::Tanh);
    CHECK(t.value(H).n_cols == kBatch * kSteps);
    CHECK(t.value(H).is_zero(0));
}

TEST_CASE_TEMPLATE("a CTRNN driven only by its bias is an exact leaky integrator", T, float,
                   double) {
    const T alpha = T(0.2);
    arma::Mat<T> b(kUnits, 1);
    b.col(0) = arma::Col<T>{T(1), T(-0.5), T(2), T(0.25)};
    rt::Tape<T> t;
    const arma::Mat<T> H = t.value(rt::ctrnn_unroll(
        t, t.constant(zeros<T>(kUnits, kUnits)), t.constant(zeros<T>(kUnits, kInputs)),
        t.constant(b), t.constant(randn<T>(kInputs, kBatch * kSteps, 3)),
        t.constant(zeros<T>(kUnits, kBatch)), kBatch, alpha, T(1.5), rt::Activation::Tanh));
    for (arma::uword s = 0; s < kSteps; ++s) {
        const double decay = std::pow(1.0 - double(alpha), double(s + 1));
        for (arma::uword k = 0; k < kBatch; ++k)
            for (arma::uword j = 0; j < kUnits; ++j)
                CHECK(
                    double(H(j, s * kBatch + k))
                    == doctest::Approx(double(b(j, 0)) * (1.0 - decay)).epsilon(double(tol<T>())));
    }
}

TEST_CASE_TEMPLATE("a GRU with zero weights follows h_t = n + z^t (h0 - n)", T, float, double) {
    const arma::uword H = kUnits;
    const arma::Mat<T> h0 = randn<T>(H, kBatch, 4);
    const arma::Mat<T> X = randn<T>(kInputs, kBatch * kSteps, 5);
    const arma::Mat<T> Wi = zeros<T>(3 * H, kInputs), Ws = zeros<T>(3 * H, H);
    SUBCASE("all zero: z = 1/2, n = 0, so each step halves the state") {
        rt::Tape<T> t;
        const arma::Mat<T> Hs = t.value(rt::gru_unroll(t, t.constant(Wi), t.constant(Ws),
                                                       t.constant(zeros<T>(3 * H, 1)), Var{},
                                                       t.constant(X), t.constant(h0), kBatch));
        for (arma::uword s = 0; s < kSteps; ++s)
            CHECK(close<T>(step_of(Hs, s, kBatch), h0 / std::pow(T(2), T(s + 1)), T(0)));
    }
    SUBCASE("a large update-gate bias keeps the state") {
        arma::Mat<T> bi(3 * H, 1, arma::fill::zeros);
        bi.rows(H, 2 * H - 1).fill(T(30));  // b_iz
        rt::Tape<T> t;
        const arma::Mat<T> Hs =
            t.value(rt::gru_unroll(t, t.constant(Wi), t.constant(Ws), t.constant(bi), Var{},
                                   t.constant(X), t.constant(h0), kBatch));
        for (arma::uword s = 0; s < kSteps; ++s)
            CHECK(close<T>(step_of(Hs, s, kBatch), h0, T(1e-6)));
    }
    SUBCASE("chosen biases: r, z, n are constants and the state relaxes to n geometrically") {
        arma::Mat<T> bi(3 * H, 1), bs(3 * H, 1);
        bi.rows(0, H - 1).fill(T(0.1));          // b_ir
        bi.rows(H, 2 * H - 1).fill(T(0.7));      // b_iz
        bi.rows(2 * H, 3 * H - 1).fill(T(0.4));  // b_in
        bs.rows(0, H - 1).fill(T(-0.5));         // b_hr
        bs.rows(H, 2 * H - 1).fill(T(0.3));      // b_hz
        bs.rows(2 * H, 3 * H - 1).fill(T(0.2));  // b_hn
        const double r = 1.0 / (1.0 + std::exp(0.4)), z = 1.0 / (1.0 + std::exp(-1.0));
        const double n = std::tanh(0.4 + r * 0.2);
        rt::Tape<T> t;
        const arma::Mat<T> Hs =
            t.value(rt::gru_unroll(t, t.constant(Wi), t.constant(Ws), t.constant(bi),
                                   t.constant(bs), t.constant(X), t.constant(h0), kBatch));
        for (arma::uword s = 0; s < kSteps; ++s) {
            const double zt = std::pow(z, double(s + 1));
            for (arma::uword k = 0; k < kBatch; ++k)
                for (arma::uword j = 0; j < H; ++j)
                    CHECK(double(Hs(j, s * kBatch + k))
                          == doctest::Approx(n + zt * (double(h0(j, k)) - n))
                                 .epsilon(double(tol<T>())));
        }
    }
}

TEST_CASE_TEMPLATE("an LSTM with zero weights halves c and reads h = tanh(c) / 2", T, float,
                   double) {
    const arma::Mat<T> h0 = randn<T>(kUnits, kBatch, 6), c0 = randn<T>(kUnits, kBatch, 7, 2.0);
    rt::Tape<T> t;
    const arma::Mat<T> Hs = t.value(rt::lstm_unroll(
        t, t.constant(zeros<T>(4 * kUnits, kInputs)), t.constant(zeros<T>(4 * kUnits, kUnits)),
        t.constant(zeros<T>(4 * kUnits, 1)), t.constant(zeros<T>(4 * kUnits, 1)),
        t.constant(randn<T>(kInputs, kBatch * kSteps, 8)), t.constant(h0), t.constant(c0), kBatch));
    for (arma::uword s = 0; s < kSteps; ++s) {
        const arma::Mat<T> c = c0 / std::pow(T(2), T(s + 1));
        CHECK(close<T>(step_of(Hs, s, kBatch), arma::Mat<T>(T(0.5) * arma::tanh(c)), tol<T>()));
    }
}

TEST_CASE_TEMPLATE("the step functions equal the unrolls and a plain reference", T, float, double) {
    const arma::uword H = kUnits;
    const arma::Mat<T> X = randn<T>(kInputs, kBatch * kSteps, 10);
    const arma::Mat<T> h0 = randn<T>(H, kBatch, 11, 0.5), c0 = randn<T>(H, kBatch, 12, 0.5);
    const T tolerance = sizeof(T) == sizeof(float) ? T(1e-5) : T(1e-12);

    SUBCASE("GRU") {
        const arma::Mat<T> Wi = randn<T>(3 * H, kInputs, 13, 0.5), Ws = randn<T>(3 * H, H, 14, 0.5);
        const arma::Col<T> bi = randn<T>(3 * H, 1, 15, 0.3), bs = randn<T>(3 * H, 1, 16, 0.3);
        rt::Tape<T> t;
        const arma::Mat<T> Hs =
            t.value(rt::gru_unroll(t, t.constant(Wi), t.constant(Ws), t.constant(bi),
                                   t.constant(bs), t.constant(X), t.constant(h0), kBatch));
        arma::Mat<T> h = h0, ref = h0;
        auto rows = [H](const arma::Mat<T>& m, arma::uword gate) {
            return arma::Mat<T>(m.rows(gate * H, gate * H + H - 1));
        };
        for (arma::uword s = 0; s < kSteps; ++s) {
            const arma::Mat<T> x = step_of(X, s, kBatch);
            h = rt::gru_step<T>(Wi, Ws, &bi, &bs, h, x);
            CHECK(close<T>(h, step_of(Hs, s, kBatch), tolerance));
            arma::Mat<T> gi = Wi * x, gh = Ws * ref;
            gi.each_col() += bi;
            gh.each_col() += bs;
            const arma::Mat<T> r = sigmoid<T>(rows(gi, 0) + rows(gh, 0));
            const arma::Mat<T> z = sigmoid<T>(rows(gi, 1) + rows(gh, 1));
            const arma::Mat<T> n = arma::tanh(rows(gi, 2) + r % rows(gh, 2));
            ref = (T(1) - z) % n + z % ref;
            CHECK(close<T>(ref, step_of(Hs, s, kBatch), tolerance));
        }
    }
    SUBCASE("LSTM") {
        const arma::Mat<T> Wi = randn<T>(4 * H, kInputs, 17, 0.5), Ws = randn<T>(4 * H, H, 18, 0.5);
        const arma::Col<T> bi = randn<T>(4 * H, 1, 19, 0.3), bs = randn<T>(4 * H, 1, 20, 0.3);
        rt::Tape<T> t;
        const arma::Mat<T> Hs = t.value(
            rt::lstm_unroll(t, t.constant(Wi), t.constant(Ws), t.constant(bi), t.constant(bs),
                            t.constant(X), t.constant(h0), t.constant(c0), kBatch));
        rt::LstmState<T> st{h0, c0};
        arma::Mat<T> rh = h0, rc = c0;
        for (arma::uword s = 0; s < kSteps; ++s) {
            const arma::Mat<T> x = step_of(X, s, kBatch);
            st = rt::lstm_step<T>(Wi, Ws, &bi, &bs, st.h, st.c, x);
            CHECK(close<T>(st.h, step_of(Hs, s, kBatch), tolerance));
            arma::Mat<T> a = Wi * x + Ws * rh;
            a.each_col() += bi + bs;
            const arma::Mat<T> i = sigmoid<T>(a.rows(0, H - 1));
            const arma::Mat<T> f = sigmoid<T>(a.rows(H, 2 * H - 1));
            const arma::Mat<T> g = arma::tanh(a.rows(2 * H, 3 * H - 1));
            const arma::Mat<T> o = sigmoid<T>(a.rows(3 * H, 4 * H - 1));
            rc = f % rc + i % g;
            rh = o % arma::tanh(rc);
            CHECK(close<T>(rc, st.c, tolerance));
            CHECK(close<T>(rh, step_of(Hs, s, kBatch), tolerance));
        }
    }
    SUBCASE("CTRNN") {
        const arma::Mat<T> G = randn<T>(H, H, 21, 0.5), I = randn<T>(H, kInputs, 22);
        const arma::Col<T> b = randn<T>(H, 1, 23, 0.3);
        const T alpha = T(0.25), gain = T(1.5);
        for (const auto phi : {rt::Activation::Tanh, rt::Activation::Relu}) {
            rt::Tape<T> t;
            const arma::Mat<T> Hs = t.value(
                rt::ctrnn_unroll(t, t.constant(G), t.constant(I), t.constant(arma::Mat<T>(b)),
                                 t.constant(X), t.constant(h0), kBatch, alpha, gain, phi));
            arma::Mat<T> h = h0, ref = h0;
            for (arma::uword s = 0; s < kSteps; ++s) {
                const arma::Mat<T> x = step_of(X, s, kBatch);
                h = rt::ctrnn_step<T>(G, I, &b, h, x, alpha, gain, phi);
                CHECK(close<T>(h, step_of(Hs, s, kBatch), tolerance));
                arma::Mat<T> rate = ref;
                rt::apply_activation(phi, rate);
                arma::Mat<T> drive = I * x;
                drive.each_col() += b;
                ref = ref + alpha * (-ref + gain * G * rate + drive);
                CHECK(close<T>(ref, step_of(Hs, s, kBatch), tolerance));
            }
        }
    }
}

TEST_CASE_TEMPLATE("state noise is added after the update and feeds the recurrence", T, float,
                   double) {
    const arma::Mat<T> noise = randn<T>(kUnits, kBatch * kSteps, 30, 0.5);
    const arma::Mat<T> X = randn<T>(kInputs, kBatch * kSteps, 31);
    const arma::Mat<T> h0 = randn<T>(kUnits, kBatch, 32);
    SUBCASE("RNN: with zero weights and a linear activation the states are the noise") {
        rt::Tape<T> t;
        const arma::Mat<T> Hs = t.value(
            rt::rnn_unroll(t, t.constant(zeros<T>(kUnits, kUnits)),
                           t.constant(zeros<T>(kUnits, kInputs)), t.constant(zeros<T>(kUnits, 1)),
                           t.constant(X), t.constant(h0), kBatch, rt::Activation::Linear, &noise));
        CHECK(close<T>(Hs, noise, T(0)));
    }
    SUBCASE("RNN: the noise feeds the recurrence (identity W, linear: a running sum)") {
        rt::Tape<T> t;
        const arma::Mat<T> Hs =
            t.value(rt::rnn_unroll(t, t.constant(arma::Mat<T>(kUnits, kUnits, arma::fill::eye)),
                                   t.constant(zeros<T>(kUnits, kInputs)), Var{}, t.constant(X),
                                   t.constant(h0), kBatch, rt::Activation::Linear, &noise));
        arma::Mat<T> sum = h0;
        for (arma::uword s = 0; s < kSteps; ++s) {
            sum += step_of(noise, s, kBatch);
            CHECK(close<T>(step_of(Hs, s, kBatch), sum, tol<T>()));
        }
    }
    SUBCASE("GRU with zero weights: h_t = h_{t-1} / 2 + noise_t") {
        rt::Tape<T> t;
        const arma::Mat<T> Hs = t.value(rt::gru_unroll(
            t, t.constant(zeros<T>(3 * kUnits, kInputs)), t.constant(zeros<T>(3 * kUnits, kUnits)),
            Var{}, Var{}, t.constant(X), t.constant(h0), kBatch, &noise));
        arma::Mat<T> h = h0;
        for (arma::uword s = 0; s < kSteps; ++s) {
            h = h / T(2) + step_of(noise, s, kBatch);
            CHECK(close<T>(step_of(Hs, s, kBatch), h, tol<T>()));
        }
    }
    SUBCASE("LSTM with zero weights: the noise lands on h, not on c") {
        const arma::Mat<T> c0 = randn<T>(kUnits, kBatch, 33);
        rt::Tape<T> t;
        const arma::Mat<T> Hs = t.value(rt::lstm_unroll(
            t, t.constant(zeros<T>(4 * kUnits, kInputs)), t.constant(zeros<T>(4 * kUnits, kUnits)),
            Var{}, Var{}, t.constant(X), t.constant(h0), t.constant(c0), kBatch, &noise));
        for (arma::uword s = 0; s < kSteps; ++s) {
            const arma::Mat<T> c = c0 / std::pow(T(2), T(s + 1));
            const arma::Mat<T> expected = T(0.5) * arma::tanh(c) + step_of(noise, s, kBatch);
            CHECK(close<T>(step_of(Hs, s, kBatch), expected, tol<T>()));
        }
    }
    SUBCASE("CTRNN with G = 0, I = 0: h_t = (1 - alpha) h_{t-1} + noise_t") {
        const T alpha = T(0.3);
        rt::Tape<T> t;
        const arma::Mat<T> Hs = t.value(rt::ctrnn_unroll(
            t, t.constant(zeros<T>(kUnits, kUnits)), t.constant(zeros<T>(kUnits, kInputs)), Var{},
            t.constant(X), t.constant(h0), kBatch, alpha, T(2), rt::Activation::Tanh, &noise));
        arma::Mat<T> h = h0;
        for (arma::uword s = 0; s < kSteps; ++s) {
            h = (T(1) - alpha) * h + step_of(noise, s, kBatch);
            CHECK(close<T>(step_of(Hs, s, kBatch), h, tol<T>()));
        }
    }
}

TEST_CASE("float gradients of the cells agree with double ones") {
    // The gradient checks run in double; training runs in float through the same code.
    const arma::uword H = kUnits;
    const arma::mat Wi = randn<double>(3 * H, kInputs, 40, 0.5),
                    Ws = randn<double>(3 * H, H, 41, 0.5);
    const arma::mat Li = randn<double>(4 * H, H, 42, 0.5), Ls = randn<double>(4 * H, H, 43, 0.5);
    const arma::mat G = randn<double>(H, H, 44, 0.5), I = randn<double>(H, H, 45, 0.5);
    const arma::mat X = randn<double>(kInputs, kBatch * kSteps, 46);
    const arma::mat h0 = randn<double>(H, kBatch, 47, 0.5);
    const arma::mat noise = randn<double>(H, kBatch * kSteps, 48, 0.1);
    const arma::mat R = randn<double>(H, kBatch * kSteps, 49);
    auto grads = [&]<typename T>(T) {
        rt::Tape<T> t;
        auto leaf = [&t](const arma::mat& m) {
            return t.leaf(arma::conv_to<arma::Mat<T>>::from(m));
        };
        const arma::Mat<T> nz = arma::conv_to<arma::Mat<T>>::from(noise);
        const Var wi = leaf(Wi), ws = leaf(Ws), li = leaf(Li), ls = leaf(Ls), g = leaf(G),
                  in = leaf(I), x = leaf(X), h = leaf(h0);
        const Var a = rt::gru_unroll(t, wi, ws, Var{}, Var{}, x, h, kBatch, &nz);
        const Var b = rt::lstm_unroll(t, li, ls, Var{}, Var{}, a, h, h, kBatch, &nz);
        const Var c = rt::ctrnn_unroll(t, g, in, Var{}, b, h, kBatch, T(0.2), T(1.3),
                                       rt::Activation::Tanh, &nz);
        const Var d = rt::rnn_unroll(t, g, in, Var{}, c, h, kBatch, rt::Activation::Tanh, &nz);
        arma::Mat<T> l(1, 1);
        const arma::Mat<T> Rt = arma::conv_to<arma::Mat<T>>::from(R);
        l(0, 0) = arma::accu(Rt % t.value(d));
        const Var L = t.record(std::move(l), true,
                               [d, Rt](rt::Tape<T>& tp, const arma::Mat<T>& gr,
                                       const arma::Mat<T>&) { tp.grad(d) += gr(0, 0) * Rt; });
        t.backward(L);
        std::vector<arma::mat> out;
        for (const Var v : {wi, ws, li, ls, g, in, x, h})
            out.push_back(arma::conv_to<arma::mat>::from(t.grad(v)));
        return out;
    };
    const auto gf = grads(0.0f), gd = grads(0.0);
    REQUIRE(gf.size() == gd.size());
    for (std::size_t k = 0; k < gd.size(); ++k) {
        INFO("gradient " << k);
        CHECK(gd[k].is_finite());
        CHECK(arma::abs(gd[k]).max() > 1e-3);
        CHECK(arma::approx_equal(gf[k], gd[k], "absdiff", 1e-4));
    }
}

TEST_CASE("the cells reject inconsistent shapes") {
    using M = arma::mat;
    rt::Tape<double> t;
    const arma::uword H = 3, I = 2, B = 2;
    auto c = [&t](arma::uword r, arma::uword k) {
        return t.constant(M(r, k, arma::fill::zeros));
    };
    const Var x = c(I, B * 4), h0 = c(H, B);
    const M wrong_noise(H, B * 3, arma::fill::zeros);

    CHECK_NOTHROW(rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), c(3 * H, 1), c(3 * H, 1), x, h0, B));
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I), c(2 * H, H), Var{}, Var{}, x, h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I + 1), c(3 * H, H), Var{}, Var{}, x, h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), c(H, 1), Var{}, x, h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), Var{}, c(3 * H, 2), x, h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), Var{}, Var{}, x, c(H, B + 1), B),
                    std::invalid_argument);
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), Var{}, Var{}, c(I, 7), h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), Var{}, Var{}, x, h0, B, &wrong_noise),
        std::invalid_argument);
    CHECK_THROWS_AS(rt::gru_unroll(t, c(3 * H, I), c(3 * H, H), Var{}, Var{}, x, c(H, 0), 0),
                    std::invalid_argument);

    CHECK_NOTHROW(rt::lstm_unroll(t, c(4 * H, I), c(4 * H, H), c(4 * H, 1), Var{}, x, h0, h0, B));
    CHECK_THROWS_AS(rt::lstm_unroll(t, c(4 * H, I), c(3 * H, H), Var{}, Var{}, x, h0, h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        rt::lstm_unroll(t, c(4 * H, I), c(4 * H, H), Var{}, Var{}, x, h0, c(H + 1, B), B),
        std::invalid_argument);
    CHECK_THROWS_AS(rt::lstm_unroll(t, c(4 * H, I), c(4 * H, H), c(3 * H, 1), Var{}, x, h0, h0, B),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        rt::lstm_unroll(t, c(4 * H, I), c(4 * H, H), Var{}, Var{}, x, h0, h0, B, &wrong_noise),
        std::invalid_argument);

    CHECK_NOTHROW(
        rt::ctrnn_unroll(t, c(H, H), c(H, I), c(H, 1), x, h0, B, 0.1, 1.0, rt::Activation::Tanh));
    CHECK_THROWS_AS(
        rt::ctrnn_unroll(t, c(H, H + 1), c(H, I), Var{}, x, h0, B, 0.1, 1.0, rt::Activation::Tanh),
        std::invalid_argument);
    CHECK_THROWS_AS(
        rt::ctrnn_unroll(t, c(H, H), c(H, I + 1), Var{}, x, h0, B, 0.1, 1.0, rt::Activation::Tanh),
        std::invalid_argument);
    CHECK_THROWS_AS(
        rt::ctrnn_unroll(t, c(H, H), c(H, I), c(1, H), x, h0, B, 0.1, 1.0, rt::Activation::Tanh),
        std::invalid_argument);
    CHECK_THROWS_AS(rt::ctrnn_unroll(t, c(H, H), c(H, I), Var{}, x, h0, B, 0.1, 1.0,
                                     rt::Activation::Tanh, &wrong_noise),
                    std::invalid_argument);

    CHECK_THROWS_AS(
        rt::rnn_unroll(t, c(H, H), c(H, I), Var{}, x, h0, B, rt::Activation::Tanh, &wrong_noise),
        std::invalid_argument);

    const M h(H, B, arma::fill::zeros), xs(I, B, arma::fill::zeros);
    const arma::vec b3(3 * H, arma::fill::zeros), b4(4 * H, arma::fill::zeros), bh(H);
    CHECK_NOTHROW(rt::gru_step<double>(M(3 * H, I), M(3 * H, H), &b3, nullptr, h, xs));
    CHECK_THROWS_AS(rt::gru_step<double>(M(3 * H, I), M(3 * H, H), &b4, nullptr, h, xs),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        rt::gru_step<double>(M(3 * H, I), M(3 * H, H), nullptr, nullptr, h, M(I, B + 1)),
        std::invalid_argument);
    CHECK_THROWS_AS(rt::lstm_step<double>(M(4 * H, I), M(4 * H, H), nullptr, &b3, h, h, xs),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        rt::lstm_step<double>(M(4 * H, I), M(4 * H, H), nullptr, nullptr, h, M(H, 1), xs),
        std::invalid_argument);
    CHECK_THROWS_AS(rt::ctrnn_step<double>(M(H, H), M(H, I + 1), nullptr, h, xs, 0.1, 1.0,
                                           rt::Activation::Tanh),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        rt::ctrnn_step<double>(M(H, H), M(H, I), &b3, h, xs, 0.1, 1.0, rt::Activation::Tanh),
        std::invalid_argument);
}
