// The discrete-time RNN cell  h_t = phi(W_rec h_{t-1} + W_in x_t + b) + noise_t,  t = 1..T,
// as one fused tape op over the whole sequence with a hand-written BPTT backward. One time
// step costs one GEMM forward and one backward; the input and weight-gradient products are
// single GEMMs over all steps.
//
// Layout: x is inputs x (batch * T), column t * batch + b; h0 is units x batch; the result
// H is units x (batch * T) holding h_1..h_T (the state after each update).
//
// noise (optional, units x (batch * T), already scaled) is seed 004's training-only state
// noise: added after the activation, so it feeds into the next step's recurrence. The
// reverse pass evaluates phi' at the activation output before the noise, H - noise.
//
// truncate (0: full BPTT) is truncated BPTT with windows of `truncate` steps starting at
// step 0 (steps [0, k), [k, 2k), ...): the reverse pass does not carry the state gradient
// from a window into the one before (the carry is zeroed at each window start), so each
// step's loss reaches back at most to the start of its window, and h0 gets its gradient from
// the first window only. The forward pass and the one update per batch are unchanged; the
// result equals unrolling each window separately from the previous window's final state as
// a constant and summing the gradients. The other fused cells take the same argument.
//
// The detail helpers are shared by the other fused cells (gru_cell.hpp, lstm_cell.hpp,
// ctrnn_cell.hpp).
#pragma once

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include <armadillo>

#include "runtime/activation.hpp"
#include "runtime/tape.hpp"

namespace rnn::rt {

namespace detail {

// A rows x cols matrix over existing column-major memory (a block of time steps): no copy
// and no allocation, so the time loops can address steps without temporaries.
template <typename T> arma::Mat<T> block(const T* p, arma::uword rows, arma::uword cols) {
    return arma::Mat<T>(const_cast<T*>(p), rows, cols, false, true);
}

template <typename T>
void check_noise(const arma::Mat<T>* noise, arma::uword rows, arma::uword cols, const char* who) {
    if (noise != nullptr && (noise->n_rows != rows || noise->n_cols != cols))
        throw std::invalid_argument(std::string(who)
                                    + ": noise must be units x (batch * steps), like the states");
}

// The caller's noise need not outlive the tape, so the backward keeps its own copy.
template <typename T> std::shared_ptr<const arma::Mat<T>> keep_noise(const arma::Mat<T>* noise) {
    return noise == nullptr ? nullptr : std::make_shared<const arma::Mat<T>>(*noise);
}

// Whether the reverse pass stops carrying the state gradient before step s: s starts a
// window of truncated BPTT (truncate > 0) other than the first.
inline bool window_start(arma::uword s, arma::uword truncate) {
    return truncate > 0 && s > 0 && s % truncate == 0;
}

// The sum of each row over all columns (a bias gradient over every step and trial), as one
// GEMV: Armadillo's sum(A, 1) adds the columns one by one.
template <typename T> arma::Col<T> row_sums(const arma::Mat<T>& a) {
    return a * arma::Col<T>(a.n_cols, arma::fill::ones);
}

template <typename T>
void check_bias(const Tape<T>& tape, Var b, arma::uword rows, const char* what) {
    if (b.valid() && (tape.value(b).n_rows != rows || tape.value(b).n_cols != 1))
        throw std::invalid_argument(std::string(what));
}

}  // namespace detail

// One step of the cell for a batch of states (used by analyses and by fixed-point search).
template <typename T>
arma::Mat<T> rnn_step(const arma::Mat<T>& w_rec, const arma::Mat<T>& w_in, const arma::Col<T>* bias,
                      const arma::Mat<T>& h, const arma::Mat<T>& x, Activation activation) {
    arma::Mat<T> a = w_rec * h + w_in * x;
    if (bias != nullptr)
        a.each_col() += *bias;
    apply_activation(activation, a);
    return a;
}

// bias may be an invalid Var (no bias).
template <typename T>
Var rnn_unroll(Tape<T>& tape, Var w_rec, Var w_in, Var bias, Var x, Var h0, arma::uword batch,
               Activation activation, const arma::Mat<T>* noise = nullptr,
               arma::uword truncate = 0) {
    const arma::Mat<T>& W = tape.value(w_rec);
    const arma::Mat<T>& U = tape.value(w_in);
    const arma::Mat<T>& X = tape.value(x);
    const arma::Mat<T>& H0 = tape.value(h0);
    const arma::uword n = W.n_rows;
    if (!W.is_square() || U.n_rows != n || U.n_cols != X.n_rows || H0.n_rows != n
        || H0.n_cols != batch || batch == 0 || X.n_cols % batch != 0)
        throw std::invalid_argument("rnn_unroll: inconsistent shapes");
    detail::check_bias(tape, bias, n, "rnn_unroll: bias must be units x 1");
    detail::check_noise(noise, n, X.n_cols, "rnn_unroll");
    const arma::uword steps = X.n_cols / batch;
    const arma::uword block_elems = n * batch;

    // All input drives in one GEMM; the loop then adds the recurrent term in place.
    arma::Mat<T> H = U * X;
    if (bias.valid())
        H.each_col() += arma::Col<T>(tape.value(bias).colptr(0), n);
    for (arma::uword t = 0; t < steps; ++t) {
        const T* prev = t == 0 ? H0.memptr() : H.colptr((t - 1) * batch);
        const arma::Mat<T> h_prev = detail::block(prev, n, batch);
        arma::Mat<T> h_t = detail::block(H.colptr(t * batch), n, batch);
        h_t += W * h_prev;  // GEMM with beta = 1: no temporary
        apply_activation(activation, h_t);
        if (noise != nullptr) {
            const T* nz = noise->colptr(t * batch);
            T* h = h_t.memptr();
            for (arma::uword i = 0; i < block_elems; ++i)
                h[i] += nz[i];
        }
    }

    const bool needs = tape.needs_grad(w_rec) || tape.needs_grad(w_in)
                       || (bias.valid() && tape.needs_grad(bias)) || tape.needs_grad(x)
                       || tape.needs_grad(h0);
    return tape.record(
        std::move(H), needs,
        [w_rec, w_in, bias, x, h0, batch, activation, truncate, kept = detail::keep_noise(noise)](
            Tape<T>& t, const arma::Mat<T>& dH, const arma::Mat<T>& Hs) {
            const arma::Mat<T>& Wv = t.value(w_rec);
            const arma::uword units = Wv.n_rows;
            const arma::uword total = Hs.n_cols;
            const arma::uword nsteps = total / batch;
            const arma::uword elems = units * batch;
            // dA holds dL/d(pre-activation) for every step.
            arma::Mat<T> dA(units, total, arma::fill::none);
            arma::Mat<T> carry(units, batch, arma::fill::zeros);
            arma::Mat<T> clean;  // the activation output before the noise, one step
            if (kept)
                clean.set_size(units, batch);
            for (arma::uword s = nsteps; s-- > 0;) {
                arma::Mat<T> da = detail::block(dA.colptr(s * batch), units, batch);
                const T* g = dH.colptr(s * batch);
                const T* c = carry.memptr();
                T* d = da.memptr();
                for (arma::uword i = 0; i < elems; ++i)
                    d[i] = g[i] + c[i];
                const T* hs = Hs.colptr(s * batch);
                if (kept) {
                    const T* nz = kept->colptr(s * batch);
                    T* y = clean.memptr();
                    for (arma::uword i = 0; i < elems; ++i)
                        y[i] = hs[i] - nz[i];
                    multiply_by_derivative(activation, clean, da);
                } else {
                    multiply_by_derivative(activation, detail::block(hs, units, batch), da);
                }
                if (detail::window_start(s, truncate))
                    carry.zeros();
                else
                    carry = Wv.t() * da;
            }
            if (t.needs_grad(w_rec) && nsteps > 0) {
                arma::Mat<T>& gW = t.grad(w_rec);
                gW += detail::block(dA.memptr(), units, batch) * t.value(h0).t();
                if (nsteps > 1)
                    gW += detail::block(dA.colptr(batch), units, total - batch)
                          * detail::block(Hs.memptr(), units, total - batch).t();
            }
            if (t.needs_grad(w_in))
                t.grad(w_in) += dA * t.value(x).t();
            if (bias.valid() && t.needs_grad(bias))
                t.grad(bias) += detail::row_sums(dA);
            if (t.needs_grad(x))
                t.grad(x) += t.value(w_in).t() * dA;
            if (t.needs_grad(h0))
                t.grad(h0) += carry;
        });
}

}  // namespace rnn::rt
