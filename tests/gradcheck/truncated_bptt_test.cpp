// Truncated BPTT in the four fused cells (the `truncate` argument of the unrolls), in double:
// a window at least as long as the sequence is full BPTT bit for bit; windows of k steps
// equal the explicit chunked computation (each window unrolled on its own from the previous
// window's final state as a constant, the gradients summed); k = 1 is the per-step gradient
// with the previous state detached, written out by hand for the vanilla rnn.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/ctrnn_cell.hpp"
#include "runtime/gru_cell.hpp"
#include "runtime/lstm_cell.hpp"
#include "runtime/network.hpp"
#include "runtime/rnn_cell.hpp"
#include "tests/gradcheck/gradcheck.hpp"

using rnn::rt::Var;
using rnn::test::random_matrix;
using rnn::test::Tape;
namespace rt = rnn::rt;

namespace {

constexpr arma::uword kUnits = 4, kInputs = 3, kBatch = 2, kSteps = 7;
const arma::mat* const kNoNoise = nullptr;

// A cell's unroll over the parameter leaves p, the inputs x and the initial states (c0 is
// used by lstm only).
using Unroll = std::function<Var(Tape&, const std::vector<Var>& p, Var x, Var h0, Var c0,
                                 arma::uword truncate)>;

struct CellCase {
    std::string name;
    std::vector<arma::mat> params;
    Unroll unroll;
    bool lstm = false;
};

std::vector<CellCase> cell_cases() {
    const arma::uword n = kUnits, in = kInputs;
    std::vector<CellCase> cases;
    cases.push_back({"rnn",
                     {random_matrix(n, n, 200, 0.6), random_matrix(n, in, 201, 0.5),
                      random_matrix(n, 1, 202, 0.3)},
                     [](Tape& t, const std::vector<Var>& p, Var x, Var h0, Var, arma::uword k) {
                         return rt::rnn_unroll(t, p[0], p[1], p[2], x, h0, kBatch,
                                               rt::Activation::Tanh, kNoNoise, k);
                     }});
    cases.push_back({"gru",
                     {random_matrix(3 * n, in, 210, 0.5), random_matrix(3 * n, n, 211, 0.6),
                      random_matrix(3 * n, 1, 212, 0.3), random_matrix(3 * n, 1, 213, 0.3)},
                     [](Tape& t, const std::vector<Var>& p, Var x, Var h0, Var, arma::uword k) {
                         return rt::gru_unroll(t, p[0], p[1], p[2], p[3], x, h0, kBatch, kNoNoise,
                                               k);
                     }});
    cases.push_back({"lstm",
                     {random_matrix(4 * n, in, 220, 0.5), random_matrix(4 * n, n, 221, 0.6),
                      random_matrix(4 * n, 1, 222, 0.3), random_matrix(4 * n, 1, 223, 0.3)},
                     [](Tape& t, const std::vector<Var>& p, Var x, Var h0, Var c0, arma::uword k) {
                         return rt::lstm_unroll(t, p[0], p[1], p[2], p[3], x, h0, c0, kBatch,
                                                kNoNoise, k);
                     },
                     true});
    cases.push_back({"ctrnn",
                     {random_matrix(n, n, 230, 0.8), random_matrix(n, in, 231, 0.7),
                      random_matrix(n, 1, 232, 0.3)},
                     [](Tape& t, const std::vector<Var>& p, Var x, Var h0, Var, arma::uword k) {
                         return rt::ctrnn_unroll(t, p[0], p[1], p[2], x, h0, kBatch, 0.3, 1.4,
                                                 rt::Activation::Tanh, kNoNoise, k);
                     }});
    return cases;
}

// The gradients of L = sum(R % H) w.r.t. the parameters, then x, h0 and c0 (zeros where
// none arrives), for one unroll.
struct Gradients {
    std::vector<arma::mat> params;
    arma::mat x, h0, c0;
    arma::mat states;
};

Gradients gradients_of(const CellCase& c, const arma::mat& X, const arma::mat& h0,
                       const arma::mat& c0, const arma::mat& R, arma::uword truncate,
                       bool states_trained = true) {
    Tape t;
    std::vector<Var> p;
    for (const auto& m : c.params)
        p.push_back(t.leaf(m));
    const Var x = t.leaf(X);
    const Var h = states_trained ? t.leaf(h0) : t.constant(h0);
    const Var cc = states_trained ? t.leaf(c0) : t.constant(c0);
    const Var H = c.unroll(t, p, x, h, cc, truncate);
    arma::mat l(1, 1);
    l(0, 0) = arma::accu(R % t.value(H));
    const Var L = t.record(
        std::move(l), true,
        [H, R](Tape& tp, const arma::mat& g, const arma::mat&) { tp.grad(H) += g(0, 0) * R; });
    t.backward(L);
    auto grad = [&t](Var v) {
        return t.has_grad(v) ? arma::mat(t.grad(v))
                             : arma::mat(arma::size(t.value(v)), arma::fill::zeros);
    };
    Gradients out;
    for (const Var v : p)
        out.params.push_back(grad(v));
    out.x = grad(x);
    out.h0 = grad(h);
    out.c0 = grad(cc);
    out.states = t.value(H);
    return out;
}

// The lstm's (h, c) after `steps` steps, by its step function.
rt::LstmState<double> lstm_state_after(const CellCase& c, const arma::mat& X, const arma::mat& h0,
                                       const arma::mat& c0, arma::uword steps) {
    const arma::vec bi = c.params[2], bs = c.params[3];
    rt::LstmState<double> s{h0, c0};
    for (arma::uword t = 0; t < steps; ++t)
        s = rt::lstm_step(c.params[0], c.params[1], &bi, &bs, s.h, s.c,
                          arma::mat(X.cols(t * kBatch, (t + 1) * kBatch - 1)));
    return s;
}

// The chunked computation: every window of k steps unrolled separately (full BPTT inside)
// from the previous window's final state, a constant; parameter gradients summed, x's
// gradients side by side, h0 and c0 from the first window.
Gradients chunked(const CellCase& c, const arma::mat& X, const arma::mat& h0, const arma::mat& c0,
                  const arma::mat& R, arma::uword k) {
    const Gradients full = gradients_of(c, X, h0, c0, R, 0);
    Gradients out;
    for (const auto& m : c.params)
        out.params.push_back(arma::mat(arma::size(m), arma::fill::zeros));
    out.x.zeros(arma::size(X));
    for (arma::uword start = 0; start < kSteps; start += k) {
        const arma::uword end = std::min(start + k, kSteps);
        const arma::uword c_lo = start * kBatch, c_hi = end * kBatch - 1;
        arma::mat h_start = h0, c_start = c0;
        if (start > 0) {
            h_start = full.states.cols(c_lo - kBatch, c_lo - 1);
            if (c.lstm)
                c_start = lstm_state_after(c, X, h0, c0, start).c;
        }
        const Gradients w = gradients_of(c, X.cols(c_lo, c_hi), h_start, c_start,
                                         R.cols(c_lo, c_hi), 0, start == 0);
        for (std::size_t i = 0; i < w.params.size(); ++i)
            out.params[i] += w.params[i];
        out.x.cols(c_lo, c_hi) = w.x;
        if (start == 0) {
            out.h0 = w.h0;
            out.c0 = w.c0;
        }
    }
    return out;
}

bool same(const arma::mat& a, const arma::mat& b, double tol) {
    return arma::size(a) == arma::size(b) && arma::approx_equal(a, b, "absdiff", tol);
}

void check_equal(const Gradients& a, const Gradients& b, double tol, const std::string& what) {
    for (std::size_t i = 0; i < a.params.size(); ++i) {
        INFO(what << ": parameter " << i);
        CHECK(same(a.params[i], b.params[i], tol));
    }
    INFO(what);
    CHECK(same(a.x, b.x, tol));
    CHECK(same(a.h0, b.h0, tol));
    CHECK(same(a.c0, b.c0, tol));
}

}  // namespace

TEST_CASE("truncated BPTT with a window at least the sequence is full BPTT exactly") {
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 240);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 241, 0.5);
    const arma::mat c0 = random_matrix(kUnits, kBatch, 242, 0.5);
    const arma::mat R = random_matrix(kUnits, kBatch * kSteps, 243);
    for (const CellCase& c : cell_cases()) {
        const Gradients full = gradients_of(c, X, h0, c0, R, 0);
        for (const arma::uword k : {kSteps, kSteps + 3})
            check_equal(gradients_of(c, X, h0, c0, R, k), full, 0.0,
                        c.name + " truncate " + std::to_string(k));
    }
}

TEST_CASE("truncated BPTT equals the chunked computation for every cell kind and window") {
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 250);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 251, 0.5);
    const arma::mat c0 = random_matrix(kUnits, kBatch, 252, 0.5);
    const arma::mat R = random_matrix(kUnits, kBatch * kSteps, 253);
    for (const CellCase& c : cell_cases()) {
        const Gradients full = gradients_of(c, X, h0, c0, R, 0);
        for (const arma::uword k : {1, 2, 3, 5}) {
            const Gradients truncated = gradients_of(c, X, h0, c0, R, k);
            check_equal(truncated, chunked(c, X, h0, c0, R, k), 1e-12,
                        c.name + " truncate " + std::to_string(k));
            // The forward pass is the same; the gradients really differ from full BPTT.
            CHECK(same(truncated.states, full.states, 0.0));
            CHECK_FALSE(same(truncated.params[0], full.params[0], 1e-9));
        }
    }
}

TEST_CASE("truncated BPTT with one-step windows is the per-step gradient with the past detached") {
    // rnn by hand: da_t = (R_t) ⊙ (1 - h_t^2), dW = sum_t da_t h_{t-1}^T, dU = sum_t da_t x_t^T.
    const CellCase c = cell_cases().front();
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 260);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 261, 0.5);
    const arma::mat R = random_matrix(kUnits, kBatch * kSteps, 262);
    const Gradients g = gradients_of(c, X, h0, h0, R, 1);
    arma::mat dW(kUnits, kUnits, arma::fill::zeros), dU(kUnits, kInputs, arma::fill::zeros);
    arma::mat db(kUnits, 1, arma::fill::zeros);
    for (arma::uword t = 0; t < kSteps; ++t) {
        const arma::span cols(t * kBatch, (t + 1) * kBatch - 1);
        const arma::mat h_prev =
            t == 0 ? h0 : arma::mat(g.states.cols(t * kBatch - kBatch, t * kBatch - 1));
        const arma::mat h = g.states.cols(cols);
        const arma::mat da = R.cols(cols) % (1 - h % h);
        dW += da * h_prev.t();
        dU += da * X.cols(cols).t();
        db += arma::sum(da, 1);
    }
    CHECK(same(g.params[0], dW, 1e-12));
    CHECK(same(g.params[1], dU, 1e-12));
    CHECK(same(g.params[2], db, 1e-12));
}

TEST_CASE("rt::forward passes the truncation window to every cell kind") {
    // Each kind's recurrent gradient through forward(): the same as full BPTT for a window of
    // the whole sequence, different for a shorter one, and equal to the cell's own unroll
    // with the same window.
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 270);
    const arma::mat R = random_matrix(kUnits, kBatch * kSteps, 271);
    for (const rt::CellKind kind :
         {rt::CellKind::Rnn, rt::CellKind::Gru, rt::CellKind::Lstm, rt::CellKind::Ctrnn}) {
        rt::NetworkShape shape;
        shape.kind = kind;
        shape.units = kUnits;
        shape.inputs = kInputs;
        rt::Network<double> net = rt::default_network<double>(
            shape, [](const std::string& n) { return rt::RandomStream(rt::stream_key(3, n)); });
        net.alpha = 0.3;
        const std::string recurrent = kind == rt::CellKind::Ctrnn ? "G" : "W_self";
        auto recurrent_grad = [&](arma::uword k) {
            Tape t;
            const rt::NetworkVars v =
                rt::forward(t, net, X, kBatch, kNoNoise, std::optional<double>{}, k);
            arma::mat l(1, 1);
            l(0, 0) = arma::accu(R % t.value(v.states));
            const Var states = v.states;
            const Var L = t.record(std::move(l), true,
                                   [states, R](Tape& tp, const arma::mat& g, const arma::mat&) {
                                       tp.grad(states) += g(0, 0) * R;
                                   });
            t.backward(L);
            return arma::mat(t.grad(v.raw.at(recurrent)));
        };
        const arma::mat full = recurrent_grad(0);
        INFO(rt::cell_kind_name(kind));
        CHECK(same(recurrent_grad(kSteps), full, 0.0));
        const arma::mat truncated = recurrent_grad(2);
        CHECK_FALSE(same(truncated, full, 1e-9));
        // The unroll with the same window, on the same tensors (the states are the same
        // for every cell kind; ctrnn's rates are not involved here).
        Tape t;
        std::vector<Var> p;
        Var rec;
        for (const auto& param : net.params) {
            const Var leaf = t.leaf(param.raw);
            if (param.name == recurrent)
                rec = leaf;
            p.push_back(leaf);
        }
        const Var x = t.constant(X);
        const Var h0 = t.constant(arma::repmat(net.at("h0").raw, 1, kBatch));
        Var H;
        switch (kind) {
            case rt::CellKind::Rnn:
                H = rt::rnn_unroll(t, p[0], p[1], p[2], x, h0, kBatch, net.activation, kNoNoise, 2);
                break;
            case rt::CellKind::Gru:
                H = rt::gru_unroll(t, p[1], p[0], p[3], p[2], x, h0, kBatch, kNoNoise, 2);
                break;
            case rt::CellKind::Lstm:
                H = rt::lstm_unroll(t, p[1], p[0], p[3], p[2], x, h0,
                                    t.constant(arma::repmat(net.at("c0").raw, 1, kBatch)), kBatch,
                                    kNoNoise, 2);
                break;
            default:
                H = rt::ctrnn_unroll(t, p[0], p[1], p[2], x, h0, kBatch, 0.3, 1.0, net.activation,
                                     kNoNoise, 2);
                break;
        }
        arma::mat l(1, 1);
        l(0, 0) = arma::accu(R % t.value(H));
        const Var L = t.record(
            std::move(l), true,
            [H, R](Tape& tp, const arma::mat& g, const arma::mat&) { tp.grad(H) += g(0, 0) * R; });
        t.backward(L);
        CHECK(same(t.grad(rec), truncated, 1e-14));
    }
}
