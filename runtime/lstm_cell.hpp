// The LSTM cell (PyTorch's gate convention, seed 004) as one fused tape op over a sequence:
//
//   i = sigmoid(a_i),  f = sigmoid(a_f),  g = tanh(a_g),  o = sigmoid(a_o),
//   a = W_input x_t + b_input + W_self h_{t-1} + b_self        (rows [i; f; g; o])
//   c_t = f ⊙ c_{t-1} + i ⊙ g
//   h_t = o ⊙ tanh(c_t) + noise_t
//
// w_input is 4H x I, w_self 4H x H, b_input and b_self 4H x 1 (either may be absent); h0
// and c0 are H x batch. Layout as in rnn_cell.hpp: x is I x (batch * T) with column
// t * batch + b; the result is the h sequence h_1..h_T, H x (batch * T) (c is internal).
// The optional noise (already scaled) is added to h only and feeds into the recurrence.
//
// Forward: the input projections of all steps are one GEMM; each step accumulates
// W_self h_{t-1} onto its block in place (one GEMM) and turns it into the gates. The gates,
// c_t and tanh(c_t) of every step are kept for the hand-written BPTT, which costs one GEMM
// per step; the weight gradients are single GEMMs over all steps. truncate > 0 is truncated
// BPTT with windows of that many steps, as in rnn_cell.hpp: at a window start neither the
// h nor the c gradient is carried into the previous window.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <armadillo>

#include "runtime/rnn_cell.hpp"
#include "runtime/tape.hpp"
#include "runtime/vector_math.hpp"

namespace rnn::rt {

template <typename T> struct LstmState {
    arma::Mat<T> h;
    arma::Mat<T> c;
};

namespace detail {

// One LSTM step for a batch, pointwise. a (4H x batch, leading dimension 4H) holds the
// pre-activations on entry and the gates [i; f; g; o] on return; writes c_t, tanh(c_t) and
// h_t (H x batch each).
template <typename T>
void lstm_pointwise(arma::uword units, arma::uword batch, T* a, const T* c_prev, T* c_out,
                    T* tc_out, T* h_out, const T* noise) {
    const arma::uword u4 = 4 * units;
    for (arma::uword b = 0; b < batch; ++b) {
        T* g = a + b * u4;
        const T* cp = c_prev + b * units;
        T* c = c_out + b * units;
        T* tc = tc_out + b * units;
        T* h = h_out + b * units;
        // Gates in place: sigmoid on i and f (contiguous), tanh on g, sigmoid on o.
        sigmoid_inplace(g, 2 * units);
        tanh_inplace(g + 2 * units, units);
        sigmoid_inplace(g + 3 * units, units);
        const T* ig = g;
        const T* fg = g + units;
        const T* gg = g + 2 * units;
        const T* og = g + 3 * units;
        for (arma::uword j = 0; j < units; ++j)
            c[j] = fg[j] * cp[j] + ig[j] * gg[j];
        std::copy(c, c + units, tc);
        tanh_inplace(tc, units);
        for (arma::uword j = 0; j < units; ++j)
            h[j] = og[j] * tc[j];
        if (noise != nullptr) {
            const T* nz = noise + b * units;
            for (arma::uword j = 0; j < units; ++j)
                h[j] += nz[j];
        }
    }
}

template <typename T> void add_to_columns(arma::Mat<T>& m, const arma::Mat<T>* bias) {
    if (bias == nullptr)
        return;
    const T* bv = bias->memptr();
    for (arma::uword c = 0; c < m.n_cols; ++c) {
        T* col = m.colptr(c);
        for (arma::uword j = 0; j < m.n_rows; ++j)
            col[j] += bv[j];
    }
}

// The reverse pass of one step for one trial: from dL/dh_t (gh + carry_h) and the cell-state
// carry to the gate pre-activation gradients (i, f, g, o rows), and the cell-state part
// f * dc of dL/dc_{t-1} (into carry_c). Restrict parameters let the loop vectorise.
template <typename T>
void lstm_backward_column(arma::uword units, const T* __restrict ig, const T* __restrict fg,
                          const T* __restrict gg, const T* __restrict og, const T* __restrict tc,
                          const T* __restrict gh, const T* __restrict c_prev,
                          const T* __restrict carry_h, T* __restrict carry_c, T* __restrict da_i,
                          T* __restrict da_f, T* __restrict da_g, T* __restrict da_o) {
    for (arma::uword j = 0; j < units; ++j) {
        const T dh = gh[j] + carry_h[j];
        const T dc = carry_c[j] + dh * og[j] * (T(1) - tc[j] * tc[j]);
        da_i[j] = dc * gg[j] * ig[j] * (T(1) - ig[j]);
        da_f[j] = dc * c_prev[j] * fg[j] * (T(1) - fg[j]);
        da_g[j] = dc * ig[j] * (T(1) - gg[j] * gg[j]);
        da_o[j] = dh * tc[j] * og[j] * (T(1) - og[j]);
        carry_c[j] = dc * fg[j];
    }
}

}  // namespace detail

// One LSTM step for a batch of states (h, c: H x batch) and inputs x (I x batch), without a
// tape. Either bias may be nullptr.
template <typename T>
LstmState<T> lstm_step(const arma::Mat<T>& w_input, const arma::Mat<T>& w_self,
                       const arma::Col<T>* b_input, const arma::Col<T>* b_self,
                       const arma::Mat<T>& h, const arma::Mat<T>& c, const arma::Mat<T>& x) {
    const arma::uword units = h.n_rows, batch = h.n_cols;
    if (w_self.n_rows != 4 * units || w_self.n_cols != units || w_input.n_rows != 4 * units
        || w_input.n_cols != x.n_rows || x.n_cols != batch || c.n_rows != units
        || c.n_cols != batch)
        throw std::invalid_argument("lstm_step: inconsistent shapes");
    if ((b_input != nullptr && b_input->n_elem != 4 * units)
        || (b_self != nullptr && b_self->n_elem != 4 * units))
        throw std::invalid_argument("lstm_step: biases must be 4 * units x 1");
    arma::Mat<T> a = w_input * x;
    detail::add_to_columns<T>(a, b_input);
    detail::add_to_columns<T>(a, b_self);
    a += w_self * h;
    LstmState<T> out{arma::Mat<T>(units, batch), arma::Mat<T>(units, batch)};
    arma::Mat<T> tc(units, batch);
    detail::lstm_pointwise(units, batch, a.memptr(), c.memptr(), out.c.memptr(), tc.memptr(),
                           out.h.memptr(), static_cast<const T*>(nullptr));
    return out;
}

// b_input and b_self may be invalid Vars (no bias). When cells is given, it is set to the
// cell states c_1..c_T (units x (batch * T), as the result), shared with the reverse pass
// rather than copied.
template <typename T>
Var lstm_unroll(Tape<T>& tape, Var w_input, Var w_self, Var b_input, Var b_self, Var x, Var h0,
                Var c0, arma::uword batch, const arma::Mat<T>* noise = nullptr,
                arma::uword truncate = 0, std::shared_ptr<const arma::Mat<T>>* cells = nullptr) {
    const arma::Mat<T>& Wi = tape.value(w_input);
    const arma::Mat<T>& Ws = tape.value(w_self);
    const arma::Mat<T>& X = tape.value(x);
    const arma::Mat<T>& H0 = tape.value(h0);
    const arma::Mat<T>& C0 = tape.value(c0);
    const arma::uword units = Ws.n_cols, u4 = 4 * units;
    if (Ws.n_rows != u4 || Wi.n_rows != u4 || Wi.n_cols != X.n_rows || H0.n_rows != units
        || H0.n_cols != batch || C0.n_rows != units || C0.n_cols != batch || batch == 0
        || X.n_cols % batch != 0)
        throw std::invalid_argument("lstm_unroll: inconsistent shapes");
    detail::check_bias(tape, b_input, u4, "lstm_unroll: b_input must be 4 * units x 1");
    detail::check_bias(tape, b_self, u4, "lstm_unroll: b_self must be 4 * units x 1");
    detail::check_noise(noise, units, X.n_cols, "lstm_unroll");
    const arma::uword total = X.n_cols, steps = total / batch;

    struct Cache {
        arma::Mat<T> gates;  // [i; f; g; o] per step, 4H x (batch * T)
        arma::Mat<T> c;      // c_1..c_T
        arma::Mat<T> tc;     // tanh(c_1)..tanh(c_T)
    };

    auto cache = std::make_shared<Cache>();
    cache->gates = Wi * X;
    detail::add_to_columns<T>(cache->gates, b_input.valid() ? &tape.value(b_input) : nullptr);
    detail::add_to_columns<T>(cache->gates, b_self.valid() ? &tape.value(b_self) : nullptr);
    cache->c.set_size(units, total);
    cache->tc.set_size(units, total);
    arma::Mat<T> H(units, total, arma::fill::none);
    for (arma::uword t = 0; t < steps; ++t) {
        const arma::uword c0i = t * batch;
        const T* hprev = t == 0 ? H0.memptr() : H.colptr(c0i - batch);
        const T* cprev = t == 0 ? C0.memptr() : cache->c.colptr(c0i - batch);
        arma::Mat<T> a = detail::block(cache->gates.colptr(c0i), u4, batch);
        a += Ws * detail::block(hprev, units, batch);  // GEMM with beta = 1
        detail::lstm_pointwise(units, batch, a.memptr(), cprev, cache->c.colptr(c0i),
                               cache->tc.colptr(c0i), H.colptr(c0i),
                               noise != nullptr ? noise->colptr(c0i) : nullptr);
    }

    if (cells != nullptr)
        *cells = std::shared_ptr<const arma::Mat<T>>(cache, &cache->c);

    const bool needs = tape.needs_grad(w_input) || tape.needs_grad(w_self)
                       || (b_input.valid() && tape.needs_grad(b_input))
                       || (b_self.valid() && tape.needs_grad(b_self)) || tape.needs_grad(x)
                       || tape.needs_grad(h0) || tape.needs_grad(c0);
    return tape.record(
        std::move(H), needs,
        [w_input, w_self, b_input, b_self, x, h0, c0, batch, cache, truncate](
            Tape<T>& t, const arma::Mat<T>& dH, const arma::Mat<T>& Hs) {
            const arma::Mat<T>& Wsv = t.value(w_self);
            const arma::Mat<T>& H0v = t.value(h0);
            const arma::Mat<T>& C0v = t.value(c0);
            const arma::uword nu = Wsv.n_cols, nu4 = 4 * nu;
            const arma::uword ncols = Hs.n_cols, nsteps = ncols / batch;
            // dL/d(pre-activation) of every gate and step.
            arma::Mat<T> dA(nu4, ncols, arma::fill::none);
            arma::Mat<T> carry_h(nu, batch, arma::fill::zeros);
            arma::Mat<T> carry_c(nu, batch, arma::fill::zeros);
            for (arma::uword s = nsteps; s-- > 0;) {
                const arma::uword c0i = s * batch;
                const T* cprev_all = s == 0 ? C0v.memptr() : cache->c.colptr(c0i - batch);
                for (arma::uword b = 0; b < batch; ++b) {
                    const T* g = cache->gates.colptr(c0i + b);
                    T* da = dA.colptr(c0i + b);
                    detail::lstm_backward_column(
                        nu, g, g + nu, g + 2 * nu, g + 3 * nu, cache->tc.colptr(c0i + b),
                        dH.colptr(c0i + b), cprev_all + b * nu, carry_h.colptr(b),
                        carry_c.colptr(b), da, da + nu, da + 2 * nu, da + 3 * nu);
                }
                if (detail::window_start(s, truncate)) {
                    carry_h.zeros();
                    carry_c.zeros();
                } else {
                    carry_h = Wsv.t() * detail::block(dA.colptr(c0i), nu4, batch);
                }
            }
            if (nsteps == 0)
                return;
            if (t.needs_grad(w_self)) {
                arma::Mat<T>& gW = t.grad(w_self);
                gW += detail::block(dA.memptr(), nu4, batch) * H0v.t();
                if (nsteps > 1)
                    gW += detail::block(dA.colptr(batch), nu4, ncols - batch)
                          * detail::block(Hs.memptr(), nu, ncols - batch).t();
            }
            if (t.needs_grad(w_input))
                t.grad(w_input) += dA * t.value(x).t();
            const bool bi = b_input.valid() && t.needs_grad(b_input);
            const bool bs = b_self.valid() && t.needs_grad(b_self);
            if (bi || bs) {
                const arma::Col<T> db = detail::row_sums(dA);
                if (bi)
                    t.grad(b_input) += db;
                if (bs)
                    t.grad(b_self) += db;
            }
            if (t.needs_grad(x))
                t.grad(x) += t.value(w_input).t() * dA;
            if (t.needs_grad(h0))
                t.grad(h0) += carry_h;
            if (t.needs_grad(c0))
                t.grad(c0) += carry_c;
        });
}

}  // namespace rnn::rt
