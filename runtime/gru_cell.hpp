// The GRU cell (PyTorch's gate convention, seed 004) as one fused tape op over a sequence:
//
//   r   = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
//   z   = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
//   n   = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))
//   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1} + noise_t
//
// Weights and biases stack the gates by rows in the order [r; z; n]: w_input is 3H x I,
// w_self 3H x H, b_input and b_self 3H x 1 (either may be absent). Layout as in
// rnn_cell.hpp: x is I x (batch * T) with column t * batch + b, h0 is H x batch, the result
// is H x (batch * T) holding h_1..h_T. The optional noise (already scaled) is added to the
// new state and so feeds into the next step.
//
// Forward: the input projections of all steps are one GEMM; each step is one GEMM
// (3H x H by H x batch) and a pointwise pass. The pass keeps r, z, n and W_hn h + b_hn of
// every step for the reverse pass, which is hand-written BPTT with one GEMM per step; the
// weight gradients are single GEMMs over all steps. truncate > 0 is truncated BPTT with
// windows of that many steps, as in rnn_cell.hpp.
#pragma once

#include <cmath>
#include <memory>
#include <stdexcept>

#include <armadillo>

#include "runtime/rnn_cell.hpp"
#include "runtime/tape.hpp"
#include "runtime/vector_math.hpp"

namespace rnn::rt {

namespace detail {

// One GRU step for a batch, pointwise. xp (3H x batch, leading dimension 3H) holds the input
// projections with b_input and the r, z rows of b_self already added; hp holds W_self h
// without bias; bhn is the n rows of b_self (zeros when absent). Writes the new state and,
// for the reverse pass, the gates [r; z; n] (3H x batch) and W_hn h + b_hn (H x batch).
template <typename T>
void gru_pointwise(arma::uword units, arma::uword batch, const T* xp, const T* hp, const T* bhn,
                   const T* h_prev, T* h_out, T* gates, T* hn_out, const T* noise) {
    const arma::uword u3 = 3 * units;
    for (arma::uword b = 0; b < batch; ++b) {
        const T* xpb = xp + b * u3;
        const T* hpb = hp + b * u3;
        const T* hprev = h_prev + b * units;
        T* g = gates + b * u3;
        T* hn = hn_out + b * units;
        T* h = h_out + b * units;
        // r and z (contiguous rows), then n from r, each gate evaluated over the whole column.
        for (arma::uword j = 0; j < 2 * units; ++j)
            g[j] = xpb[j] + hpb[j];
        sigmoid_inplace(g, 2 * units);
        for (arma::uword j = 0; j < units; ++j) {
            hn[j] = hpb[2 * units + j] + bhn[j];
            g[2 * units + j] = xpb[2 * units + j] + g[j] * hn[j];
        }
        tanh_inplace(g + 2 * units, units);
        const T* z = g + units;
        const T* nn = g + 2 * units;
        for (arma::uword j = 0; j < units; ++j)
            h[j] = nn[j] + z[j] * (hprev[j] - nn[j]);
        if (noise != nullptr) {
            const T* nz = noise + b * units;
            for (arma::uword j = 0; j < units; ++j)
                h[j] += nz[j];
        }
    }
}

// Adds b_input (all rows) and the r, z rows of b_self to every column of xp.
template <typename T>
void gru_add_biases(arma::Mat<T>& xp, const arma::Mat<T>* b_input, const arma::Mat<T>* b_self) {
    const arma::uword u3 = xp.n_rows, u2 = 2 * (u3 / 3);
    for (arma::uword c = 0; c < xp.n_cols; ++c) {
        T* col = xp.colptr(c);
        if (b_input != nullptr) {
            const T* bi = b_input->memptr();
            for (arma::uword j = 0; j < u3; ++j)
                col[j] += bi[j];
        }
        if (b_self != nullptr) {
            const T* bs = b_self->memptr();
            for (arma::uword j = 0; j < u2; ++j)
                col[j] += bs[j];
        }
    }
}

// The reverse pass of one step for one trial: from dL/dh_t (gh + the carry from step t + 1)
// to the gradients of the input projections (dx: r, z, n rows) and of the recurrent ones
// (dh: the n rows gated by r), and the direct part z * dh of dL/dh_{t-1} (into carry).
// Restrict parameters, one per gate segment, let the compiler vectorise the loop.
template <typename T>
void gru_backward_column(arma::uword units, const T* __restrict r, const T* __restrict z,
                         const T* __restrict n, const T* __restrict hn, const T* __restrict gh,
                         const T* __restrict h_prev, T* __restrict carry, T* __restrict dx_r,
                         T* __restrict dx_z, T* __restrict dx_n, T* __restrict dh_r,
                         T* __restrict dh_z, T* __restrict dh_n) {
    for (arma::uword j = 0; j < units; ++j) {
        const T dh = gh[j] + carry[j];
        const T da_n = dh * (T(1) - z[j]) * (T(1) - n[j] * n[j]);
        const T da_z = dh * (h_prev[j] - n[j]) * z[j] * (T(1) - z[j]);
        const T da_r = da_n * hn[j] * r[j] * (T(1) - r[j]);
        dx_r[j] = da_r;
        dx_z[j] = da_z;
        dx_n[j] = da_n;
        dh_r[j] = da_r;
        dh_z[j] = da_z;
        dh_n[j] = da_n * r[j];
        carry[j] = dh * z[j];
    }
}

}  // namespace detail

// One GRU step for a batch of states h (H x batch) and inputs x (I x batch), without a tape.
// Either bias may be nullptr.
template <typename T>
arma::Mat<T> gru_step(const arma::Mat<T>& w_input, const arma::Mat<T>& w_self,
                      const arma::Col<T>* b_input, const arma::Col<T>* b_self,
                      const arma::Mat<T>& h, const arma::Mat<T>& x) {
    const arma::uword units = h.n_rows, batch = h.n_cols;
    if (w_self.n_rows != 3 * units || w_self.n_cols != units || w_input.n_rows != 3 * units
        || w_input.n_cols != x.n_rows || x.n_cols != batch)
        throw std::invalid_argument("gru_step: inconsistent shapes");
    if ((b_input != nullptr && b_input->n_elem != 3 * units)
        || (b_self != nullptr && b_self->n_elem != 3 * units))
        throw std::invalid_argument("gru_step: biases must be 3 * units x 1");
    arma::Mat<T> xp = w_input * x;
    detail::gru_add_biases<T>(xp, b_input, b_self);
    const arma::Mat<T> hp = w_self * h;
    const arma::Col<T> bhn = b_self != nullptr
                                 ? arma::Col<T>(b_self->rows(2 * units, 3 * units - 1))
                                 : arma::Col<T>(units, arma::fill::zeros);
    arma::Mat<T> out(units, batch), gates(3 * units, batch), hn(units, batch);
    detail::gru_pointwise(units, batch, xp.memptr(), hp.memptr(), bhn.memptr(), h.memptr(),
                          out.memptr(), gates.memptr(), hn.memptr(),
                          static_cast<const T*>(nullptr));
    return out;
}

// b_input and b_self may be invalid Vars (no bias).
template <typename T>
Var gru_unroll(Tape<T>& tape, Var w_input, Var w_self, Var b_input, Var b_self, Var x, Var h0,
               arma::uword batch, const arma::Mat<T>* noise = nullptr, arma::uword truncate = 0) {
    const arma::Mat<T>& Wi = tape.value(w_input);
    const arma::Mat<T>& Ws = tape.value(w_self);
    const arma::Mat<T>& X = tape.value(x);
    const arma::Mat<T>& H0 = tape.value(h0);
    const arma::uword units = Ws.n_cols, u3 = 3 * units;
    if (Ws.n_rows != u3 || Wi.n_rows != u3 || Wi.n_cols != X.n_rows || H0.n_rows != units
        || H0.n_cols != batch || batch == 0 || X.n_cols % batch != 0)
        throw std::invalid_argument("gru_unroll: inconsistent shapes");
    detail::check_bias(tape, b_input, u3, "gru_unroll: b_input must be 3 * units x 1");
    detail::check_bias(tape, b_self, u3, "gru_unroll: b_self must be 3 * units x 1");
    detail::check_noise(noise, units, X.n_cols, "gru_unroll");
    const arma::uword total = X.n_cols, steps = total / batch;

    arma::Mat<T> XP = Wi * X;
    detail::gru_add_biases<T>(XP, b_input.valid() ? &tape.value(b_input) : nullptr,
                              b_self.valid() ? &tape.value(b_self) : nullptr);
    arma::Col<T> bhn(units, arma::fill::zeros);
    if (b_self.valid())
        bhn = tape.value(b_self).col(0).rows(2 * units, u3 - 1);

    struct Cache {
        arma::Mat<T> gates;  // [r; z; n] per step, 3H x (batch * T)
        arma::Mat<T> hn;     // W_hn h_{t-1} + b_hn per step, H x (batch * T)
    };

    auto cache = std::make_shared<Cache>();
    cache->gates.set_size(u3, total);
    cache->hn.set_size(units, total);
    arma::Mat<T> H(units, total, arma::fill::none);
    arma::Mat<T> hp(u3, batch, arma::fill::none);
    for (arma::uword t = 0; t < steps; ++t) {
        const T* prev = t == 0 ? H0.memptr() : H.colptr((t - 1) * batch);
        hp = Ws * detail::block(prev, units, batch);
        detail::gru_pointwise(units, batch, XP.colptr(t * batch), hp.memptr(), bhn.memptr(), prev,
                              H.colptr(t * batch), cache->gates.colptr(t * batch),
                              cache->hn.colptr(t * batch),
                              noise != nullptr ? noise->colptr(t * batch) : nullptr);
    }

    const bool needs = tape.needs_grad(w_input) || tape.needs_grad(w_self)
                       || (b_input.valid() && tape.needs_grad(b_input))
                       || (b_self.valid() && tape.needs_grad(b_self)) || tape.needs_grad(x)
                       || tape.needs_grad(h0);
    return tape.record(std::move(H), needs,
                       [w_input, w_self, b_input, b_self, x, h0, batch, cache, truncate](
                           Tape<T>& t, const arma::Mat<T>& dH, const arma::Mat<T>& Hs) {
                           const arma::Mat<T>& Wsv = t.value(w_self);
                           const arma::Mat<T>& H0v = t.value(h0);
                           const arma::uword nu = Wsv.n_cols, nu3 = 3 * nu;
                           const arma::uword ncols = Hs.n_cols, nsteps = ncols / batch;
                           // Gradients w.r.t. the input projections (W_i x + b_i) and the recurrent
                           // ones (W_s h + b_s) of every step; they differ only in the n rows,
                           // where the recurrent term is gated by r.
                           arma::Mat<T> dXP(nu3, ncols, arma::fill::none),
                               dHP(nu3, ncols, arma::fill::none);
                           // dL/dh_{t-1} flowing back from step t, first the direct z ⊙ dh part,
                           // then the GEMM through W_self adds onto it.
                           arma::Mat<T> carry(nu, batch, arma::fill::zeros);
                           for (arma::uword s = nsteps; s-- > 0;) {
                               const arma::uword c0 = s * batch;
                               const T* prev_all = s == 0 ? H0v.memptr() : Hs.colptr(c0 - batch);
                               for (arma::uword b = 0; b < batch; ++b) {
                                   const T* g = cache->gates.colptr(c0 + b);
                                   T* dx = dXP.colptr(c0 + b);
                                   T* dh_rec = dHP.colptr(c0 + b);
                                   detail::gru_backward_column(
                                       nu, g, g + nu, g + 2 * nu, cache->hn.colptr(c0 + b),
                                       dH.colptr(c0 + b), prev_all + b * nu, carry.colptr(b), dx,
                                       dx + nu, dx + 2 * nu, dh_rec, dh_rec + nu, dh_rec + 2 * nu);
                               }
                               if (detail::window_start(s, truncate))
                                   carry.zeros();
                               else
                                   carry += Wsv.t() * detail::block(dHP.colptr(c0), nu3, batch);
                           }
                           if (nsteps == 0)
                               return;
                           if (t.needs_grad(w_self)) {
                               arma::Mat<T>& gW = t.grad(w_self);
                               gW += detail::block(dHP.memptr(), nu3, batch) * H0v.t();
                               if (nsteps > 1)
                                   gW += detail::block(dHP.colptr(batch), nu3, ncols - batch)
                                         * detail::block(Hs.memptr(), nu, ncols - batch).t();
                           }
                           if (t.needs_grad(w_input))
                               t.grad(w_input) += dXP * t.value(x).t();
                           if (b_input.valid() && t.needs_grad(b_input))
                               t.grad(b_input) += detail::row_sums(dXP);
                           if (b_self.valid() && t.needs_grad(b_self))
                               t.grad(b_self) += detail::row_sums(dHP);
                           if (t.needs_grad(x))
                               t.grad(x) += t.value(w_input).t() * dXP;
                           if (t.needs_grad(h0))
                               t.grad(h0) += carry;
                       });
}

}  // namespace rnn::rt
