// The continuous-time rate network of seed 002 (System A), integrated with explicit Euler,
// as one fused tape op over a sequence. For t = 1..T:
//
//   h_t = h_{t-1} + alpha (-h_{t-1} + gain G phi(h_{t-1}) + I x_t + b) + noise_t
//
// with alpha = dt / tau. G is N x N, I is N x inputs, b is N x 1 (optional); h0 is
// N x batch. Layout as in rnn_cell.hpp: x is inputs x (batch * T) with column t * batch + b;
// the result holds the states h_1..h_T (not the rates: the caller applies phi for rates and
// readouts). The optional noise (already scaled) is added to the state after the Euler
// update, so it feeds into the next step.
//
// Forward: the input drives of all steps are one GEMM; each step is one GEMM on the rates
// phi(h_{t-1}), which are kept for the reverse pass. The reverse pass is BPTT with one GEMM
// per step; the weight gradients are single GEMMs over all steps. truncate > 0 is truncated
// BPTT with windows of that many steps, as in rnn_cell.hpp.
#pragma once

#include <memory>
#include <stdexcept>

#include <armadillo>

#include "runtime/activation.hpp"
#include "runtime/rnn_cell.hpp"
#include "runtime/tape.hpp"

namespace rnn::rt {

// One Euler step for a batch of states h (N x batch) and inputs x (inputs x batch), without
// a tape. bias may be nullptr.
template <typename T>
arma::Mat<T> ctrnn_step(const arma::Mat<T>& g, const arma::Mat<T>& i, const arma::Col<T>* bias,
                        const arma::Mat<T>& h, const arma::Mat<T>& x, T alpha, T gain,
                        Activation activation) {
    const arma::uword n = h.n_rows;
    if (!g.is_square() || g.n_rows != n || i.n_rows != n || i.n_cols != x.n_rows
        || x.n_cols != h.n_cols)
        throw std::invalid_argument("ctrnn_step: inconsistent shapes");
    if (bias != nullptr && bias->n_elem != n)
        throw std::invalid_argument("ctrnn_step: bias must be units x 1");
    arma::Mat<T> drive = i * x;
    if (bias != nullptr)
        drive.each_col() += *bias;
    arma::Mat<T> rate = h;
    apply_activation(activation, rate);
    arma::Mat<T> out = (T(1) - alpha) * h + alpha * drive;
    out += (alpha * gain) * g * rate;
    return out;
}

// bias may be an invalid Var (no bias).
template <typename T>
Var ctrnn_unroll(Tape<T>& tape, Var G, Var I, Var bias, Var x, Var h0, arma::uword batch, T alpha,
                 T gain, Activation phi, const arma::Mat<T>* noise = nullptr,
                 arma::uword truncate = 0) {
    const arma::Mat<T>& Gv = tape.value(G);
    const arma::Mat<T>& Iv = tape.value(I);
    const arma::Mat<T>& X = tape.value(x);
    const arma::Mat<T>& H0 = tape.value(h0);
    const arma::uword n = Gv.n_rows;
    if (!Gv.is_square() || Iv.n_rows != n || Iv.n_cols != X.n_rows || H0.n_rows != n
        || H0.n_cols != batch || batch == 0 || X.n_cols % batch != 0)
        throw std::invalid_argument("ctrnn_unroll: inconsistent shapes");
    detail::check_bias(tape, bias, n, "ctrnn_unroll: bias must be units x 1");
    detail::check_noise(noise, n, X.n_cols, "ctrnn_unroll");
    const arma::uword total = X.n_cols, steps = total / batch, elems = n * batch;
    const T leak = T(1) - alpha, coupling = alpha * gain;

    // H starts as alpha (I x_t + b) for every step; the loop adds the rest in place.
    arma::Mat<T> H = Iv * X;
    {
        const T* b = bias.valid() ? tape.value(bias).memptr() : nullptr;
        for (arma::uword c = 0; c < total; ++c) {
            T* col = H.colptr(c);
            for (arma::uword j = 0; j < n; ++j)
                col[j] = alpha * (col[j] + (b != nullptr ? b[j] : T(0)));
        }
    }
    // phi(h_0)..phi(h_{T-1}), the rates each step's recurrence reads.
    auto rates = std::make_shared<arma::Mat<T>>(n, total);
    for (arma::uword t = 0; t < steps; ++t) {
        const arma::uword c0 = t * batch;
        const T* prev = t == 0 ? H0.memptr() : H.colptr(c0 - batch);
        arma::Mat<T> r = detail::block(rates->colptr(c0), n, batch);
        T* rp = r.memptr();
        for (arma::uword k = 0; k < elems; ++k)
            rp[k] = prev[k];
        apply_activation(phi, r);
        T* h = H.colptr(c0);
        for (arma::uword k = 0; k < elems; ++k)
            h[k] += leak * prev[k];
        arma::Mat<T> h_t = detail::block(h, n, batch);
        h_t += coupling * Gv * r;  // GEMM with alpha and beta = 1: no temporary
        if (noise != nullptr) {
            const T* nz = noise->colptr(c0);
            for (arma::uword k = 0; k < elems; ++k)
                h[k] += nz[k];
        }
    }

    const bool needs = tape.needs_grad(G) || tape.needs_grad(I)
                       || (bias.valid() && tape.needs_grad(bias)) || tape.needs_grad(x)
                       || tape.needs_grad(h0);
    return tape.record(
        std::move(H), needs,
        [G, I, bias, x, h0, batch, alpha, leak, coupling, phi, rates, truncate](
            Tape<T>& t, const arma::Mat<T>& dH, const arma::Mat<T>& Hs) {
            const arma::Mat<T>& Gt = t.value(G);
            const arma::uword nu = Gt.n_rows;
            const arma::uword ncols = Hs.n_cols, nsteps = ncols / batch;
            const arma::uword nel = nu * batch;
            // D holds the total dL/dh_t (through all later steps) for every step.
            arma::Mat<T> D(nu, ncols, arma::fill::none);
            arma::Mat<T> carry(nu, batch, arma::fill::zeros);
            arma::Mat<T> back(nu, batch, arma::fill::none);  // phi'(h_{t-1}) ⊙ G^T dL/dh_t
            for (arma::uword s = nsteps; s-- > 0;) {
                const arma::uword c0 = s * batch;
                arma::Mat<T> d = detail::block(D.colptr(c0), nu, batch);
                const T* g = dH.colptr(c0);
                T* dp = d.memptr();
                const T* cp = carry.memptr();
                for (arma::uword k = 0; k < nel; ++k)
                    dp[k] = g[k] + cp[k];
                if (detail::window_start(s, truncate)) {
                    carry.zeros();
                    continue;
                }
                back = Gt.t() * d;
                multiply_by_derivative(phi, detail::block(rates->colptr(c0), nu, batch), back);
                T* cw = carry.memptr();
                const T* bp = back.memptr();
                for (arma::uword k = 0; k < nel; ++k)
                    cw[k] = leak * dp[k] + coupling * bp[k];
            }
            if (nsteps == 0)
                return;
            if (t.needs_grad(G))
                t.grad(G) += coupling * D * rates->t();
            if (t.needs_grad(I))
                t.grad(I) += alpha * D * t.value(x).t();
            if (bias.valid() && t.needs_grad(bias))
                t.grad(bias) += alpha * detail::row_sums(D);
            if (t.needs_grad(x))
                t.grad(x) += alpha * t.value(I).t() * D;
            if (t.needs_grad(h0))
                t.grad(h0) += carry;
        });
}

}  // namespace rnn::rt
