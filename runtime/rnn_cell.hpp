// The discrete-time RNN cell  h_t = phi(W_rec h_{t-1} + W_in x_t + b),  t = 1..T,
// as one fused tape op over the whole sequence with a hand-written BPTT backward. One time
// step costs one GEMM forward and one backward; the input and weight-gradient products are
// single GEMMs over all steps.
//
// Layout: x is inputs x (batch * T), column t * batch + b; h0 is units x batch; the result
// H is units x (batch * T) holding h_1..h_T (the state after each update).
#pragma once

#include <stdexcept>

#include <armadillo>

#include "runtime/activation.hpp"
#include "runtime/tape.hpp"

namespace rnn::rt {

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
               Activation activation) {
    const arma::Mat<T>& W = tape.value(w_rec);
    const arma::Mat<T>& U = tape.value(w_in);
    const arma::Mat<T>& X = tape.value(x);
    const arma::Mat<T>& H0 = tape.value(h0);
    const arma::uword n = W.n_rows;
    if (!W.is_square() || U.n_rows != n || U.n_cols != X.n_rows || H0.n_rows != n
        || H0.n_cols != batch || batch == 0 || X.n_cols % batch != 0)
        throw std::invalid_argument("rnn_unroll: inconsistent shapes");
    if (bias.valid() && (tape.value(bias).n_rows != n || tape.value(bias).n_cols != 1))
        throw std::invalid_argument("rnn_unroll: bias must be units x 1");
    const arma::uword steps = X.n_cols / batch;

    // All input drives in one GEMM; the loop then adds the recurrent term in place.
    arma::Mat<T> H = U * X;
    if (bias.valid())
        H.each_col() += arma::Col<T>(tape.value(bias).colptr(0), n);
    arma::Mat<T> rec(n, batch);
    for (arma::uword t = 0; t < steps; ++t) {
        const T* prev = t == 0 ? H0.memptr() : H.colptr((t - 1) * batch);
        const arma::Mat<T> h_prev(const_cast<T*>(prev), n, batch, false, true);
        arma::Mat<T> h_t(H.colptr(t * batch), n, batch, false, true);
        rec = W * h_prev;
        h_t += rec;
        apply_activation(activation, h_t);
    }

    const bool needs = tape.needs_grad(w_rec) || tape.needs_grad(w_in)
                       || (bias.valid() && tape.needs_grad(bias)) || tape.needs_grad(x)
                       || tape.needs_grad(h0);
    return tape.record(std::move(H), needs,
                       [w_rec, w_in, bias, x, h0, batch, activation](
                           Tape<T>& t, const arma::Mat<T>& dH, const arma::Mat<T>& Hs) {
                           const arma::Mat<T>& Wv = t.value(w_rec);
                           const arma::uword units = Wv.n_rows;
                           const arma::uword total = Hs.n_cols;
                           const arma::uword nsteps = total / batch;
                           // dA holds dL/d(pre-activation) for every step.
                           arma::Mat<T> dA(units, total);
                           arma::Mat<T> carry(units, batch, arma::fill::zeros);
                           for (arma::uword s = nsteps; s-- > 0;) {
                               arma::Mat<T> da(dA.colptr(s * batch), units, batch, false, true);
                               const arma::Mat<T> h_s(const_cast<T*>(Hs.colptr(s * batch)), units,
                                                      batch, false, true);
                               da = dH.cols(s * batch, s * batch + batch - 1) + carry;
                               multiply_by_derivative(activation, h_s, da);
                               carry = Wv.t() * da;
                           }
                           if (t.needs_grad(w_rec)) {
                               arma::Mat<T>& gW = t.grad(w_rec);
                               gW += dA.cols(0, batch - 1) * t.value(h0).t();
                               if (nsteps > 1)
                                   gW += dA.cols(batch, total - 1)
                                         * Hs.cols(0, total - batch - 1).t();
                           }
                           if (t.needs_grad(w_in))
                               t.grad(w_in) += dA * t.value(x).t();
                           if (bias.valid() && t.needs_grad(bias))
                               t.grad(bias) += arma::sum(dA, 1);
                           if (t.needs_grad(x))
                               t.grad(x) += t.value(w_in).t() * dA;
                           if (t.needs_grad(h0))
                               t.grad(h0) += carry;
                       });
}

}  // namespace rnn::rt
