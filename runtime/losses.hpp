// Loss ops for supervised tasks, each a single tape op with its backward beside it:
// masked mean squared error (seed 002's mse_loss1 / mse_loss2), masked cross-entropy
// with an ignore index (seed 004) and the L1 norm of a tensor. L2 penalties are
// sum_squares and mean_squares in ops.hpp.
//
// Layout as everywhere in the runtime: outputs x (batch * T), column t * batch + b.
// Masks are constants of weights >= 0 (0/1 or any non-negative weight). A masked-out
// element (weight exactly 0) is skipped rather than multiplied by 0, so a NaN or inf
// target under a zero mask, a common padding convention, cannot poison the loss.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include <armadillo>
#include <fmt/format.h>

#include "runtime/tape.hpp"

namespace rnn::rt {

// How masked_mse divides the weighted squared error.
enum class MseNormalization {
    // For each trial b: sum_{o,t} m (y - target)^2 / sum_{o,t} m, then the mean over
    // trials (seed 002: "per-trial loss = sum_t m_t (target_t - y_t)^2 / sum_t m_t; the
    // batch loss is the mean over trials"). A trial whose mask is all zero has no defined
    // ratio (PyTorch gives NaN): it is left out of the mean, which runs over the trials
    // with some weight. With no such trial the loss is 0.
    PerTrial,
    // sum m (y - target)^2 / sum m over the whole batch; 0 when sum m = 0.
    Pooled,
};

namespace detail {

inline std::string shape_text(arma::uword rows, arma::uword cols) {
    return std::to_string(rows) + " x " + std::to_string(cols);
}

// Negative weights would let the denominators reach 0 with a non-zero numerator.
template <typename T> void require_weights(const arma::Mat<T>& w, const char* op) {
    for (arma::uword k = 0; k < w.n_elem; ++k)
        if (!(w[k] >= T(0)) || !std::isfinite(w[k]))
            throw std::invalid_argument(std::string(op) + ": mask weights must be finite and >= 0");
}

}  // namespace detail

// Masked mean squared error of outputs Y (outputs x (batch * T)) against a constant target
// and a constant mask of the same shape, as a 1 x 1 scalar (see MseNormalization).
template <typename T>
Var masked_mse(Tape<T>& tape, Var y, const arma::Mat<T>& target, const arma::Mat<T>& mask,
               arma::uword batch, MseNormalization normalization) {
    const arma::Mat<T>& Y = tape.value(y);
    if (arma::size(target) != arma::size(Y) || arma::size(mask) != arma::size(Y))
        throw std::invalid_argument("masked_mse: outputs " + detail::shape_text(Y.n_rows, Y.n_cols)
                                    + ", target " + detail::shape_text(target.n_rows, target.n_cols)
                                    + " and mask " + detail::shape_text(mask.n_rows, mask.n_cols)
                                    + " must have one shape");
    if (batch == 0 || Y.n_cols % batch != 0)
        throw std::invalid_argument("masked_mse: " + std::to_string(Y.n_cols)
                                    + " columns are not a whole number of steps of batch "
                                    + std::to_string(batch));
    detail::require_weights(mask, "masked_mse");
    const bool grad = tape.needs_grad(y);
    // The gradient is computed with the value (it needs the same sums) and kept for the
    // backward, scaled to an upstream gradient of 1.
    arma::Mat<T> dY;
    if (grad)
        dY.zeros(Y.n_rows, Y.n_cols);
    arma::Mat<T> out(1, 1, arma::fill::zeros);
    if (normalization == MseNormalization::Pooled) {
        T num = T(0), den = T(0);
        for (arma::uword k = 0; k < Y.n_elem; ++k)
            if (mask[k] != T(0)) {
                const T d = Y[k] - target[k];
                num += mask[k] * d * d;
                den += mask[k];
            }
        if (den > T(0)) {
            out(0, 0) = num / den;
            if (grad)
                for (arma::uword k = 0; k < Y.n_elem; ++k)
                    if (mask[k] != T(0))
                        dY[k] = T(2) * mask[k] * (Y[k] - target[k]) / den;
        }
    } else {
        const arma::uword steps = Y.n_cols / batch;
        arma::Col<T> num(batch, arma::fill::zeros), den(batch, arma::fill::zeros);
        for (arma::uword t = 0; t < steps; ++t)
            for (arma::uword b = 0; b < batch; ++b) {
                const arma::uword c = t * batch + b;
                for (arma::uword o = 0; o < Y.n_rows; ++o)
                    if (mask(o, c) != T(0)) {
                        const T d = Y(o, c) - target(o, c);
                        num(b) += mask(o, c) * d * d;
                        den(b) += mask(o, c);
                    }
            }
        arma::uword counted = 0;
        T total = T(0);
        for (arma::uword b = 0; b < batch; ++b)
            if (den(b) > T(0)) {
                total += num(b) / den(b);
                ++counted;
            }
        if (counted > 0) {
            const T n = static_cast<T>(counted);
            out(0, 0) = total / n;
            if (grad)
                for (arma::uword t = 0; t < steps; ++t)
                    for (arma::uword b = 0; b < batch; ++b) {
                        if (!(den(b) > T(0)))
                            continue;
                        const arma::uword c = t * batch + b;
                        for (arma::uword o = 0; o < Y.n_rows; ++o)
                            if (mask(o, c) != T(0))
                                dY(o, c) =
                                    T(2) * mask(o, c) * (Y(o, c) - target(o, c)) / (den(b) * n);
                    }
        }
    }
    return tape.record(std::move(out), grad,
                       [y, dY = std::move(dY)](Tape<T>& t, const arma::Mat<T>& g,
                                               const arma::Mat<T>&) { t.grad(y) += g(0, 0) * dY; });
}

// Masked cross-entropy of logits (classes x (batch * T)) against class indices, as a 1 x 1
// scalar: sum_j mask_j ce_j / sum_j mask_j, where ce_j = logsumexp(z_j) - z_j[target_j]
// (0 when sum mask = 0). targets and mask are 1 x (batch * T) rows; a target equal to
// ignore_index contributes 0 and gets no gradient, but its weight still counts in the
// denominator, as in seed 004 (F.cross_entropy(..., ignore_index=-1, reduction='none'),
// then (ce * mask).sum() / mask.sum()). Any other target must be an integer in
// [0, classes): otherwise std::invalid_argument naming the column.
template <typename T>
Var masked_cross_entropy(Tape<T>& tape, Var logits, const arma::Mat<T>& targets,
                         const arma::Mat<T>& mask, T ignore_index = T(-1)) {
    const arma::Mat<T>& Z = tape.value(logits);
    const arma::uword classes = Z.n_rows, n = Z.n_cols;
    if (classes == 0)
        throw std::invalid_argument("masked_cross_entropy: the logits have no classes");
    if (targets.n_rows != 1 || targets.n_cols != n || mask.n_rows != 1 || mask.n_cols != n)
        throw std::invalid_argument(
            "masked_cross_entropy: targets " + detail::shape_text(targets.n_rows, targets.n_cols)
            + " and mask " + detail::shape_text(mask.n_rows, mask.n_cols) + " must be 1 x "
            + std::to_string(n) + ", one entry per column of the logits");
    detail::require_weights(mask, "masked_cross_entropy");
    for (arma::uword j = 0; j < n; ++j) {
        const T k = targets(0, j);
        if (k == ignore_index)
            continue;
        if (!(k >= T(0)) || !(k < static_cast<T>(classes)) || std::floor(k) != k)
            throw std::invalid_argument(fmt::format(
                "masked_cross_entropy: target {} in column {} is neither a class index in "
                "[0, {}) nor the ignore index {}",
                k, j, classes, ignore_index));
    }
    const T den = arma::accu(mask);
    const bool grad = tape.needs_grad(logits);
    arma::Mat<T> dZ;
    if (grad)
        dZ.zeros(classes, n);
    T num = T(0);
    if (den > T(0)) {
        for (arma::uword j = 0; j < n; ++j) {
            if (targets(0, j) == ignore_index || mask(0, j) == T(0))
                continue;
            const auto k = static_cast<arma::uword>(targets(0, j));
            // log-softmax after subtracting the column's max: exp cannot overflow.
            const T top = Z.col(j).max();
            T sum = T(0);
            for (arma::uword c = 0; c < classes; ++c)
                sum += std::exp(Z(c, j) - top);
            const T lse = top + std::log(sum);
            num += mask(0, j) * (lse - Z(k, j));
            if (grad) {
                const T w = mask(0, j) / den;
                for (arma::uword c = 0; c < classes; ++c)
                    dZ(c, j) = w * std::exp(Z(c, j) - lse);
                dZ(k, j) -= w;
            }
        }
    }
    arma::Mat<T> out(1, 1);
    out(0, 0) = den > T(0) ? num / den : T(0);
    return tape.record(
        std::move(out), grad,
        [logits, dZ = std::move(dZ)](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
            t.grad(logits) += g(0, 0) * dZ;
        });
}

// The L1 norm sum |a| of all elements, as a 1 x 1 scalar (a sparsity penalty). The
// gradient is sign(a), taken as 0 at 0.
template <typename T> Var sum_abs(Tape<T>& tape, Var a) {
    arma::Mat<T> out(1, 1);
    out(0, 0) = arma::accu(arma::abs(tape.value(a)));
    return tape.record(std::move(out), tape.needs_grad(a),
                       [a](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           t.grad(a) += g(0, 0) * arma::sign(t.value(a));
                       });
}

}  // namespace rnn::rt
