// Ops that turn a sequence of states into per-trial, per-step signals and reduce signals
// over a window of time steps. A signal is a matrix batch x T (row = trial, column = step).
#pragma once

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <armadillo>

#include "runtime/tape.hpp"

namespace rnn::rt {

// Overlap of each state with its trial's pattern:  q[b, t] = | m_b . h_{t, b} | / N
// (absolute value, as seed 000 measures it) or the signed value when signed_overlap.
// H is units x (batch * T), patterns is units x batch (a constant).
template <typename T>
Var overlap(Tape<T>& tape, Var states, const arma::Mat<T>& patterns, bool signed_overlap) {
    const arma::Mat<T>& H = tape.value(states);
    const arma::uword n = H.n_rows;
    const arma::uword batch = patterns.n_cols;
    if (patterns.n_rows != n || batch == 0 || H.n_cols % batch != 0)
        throw std::invalid_argument("overlap: the patterns do not match the states");
    const arma::uword steps = H.n_cols / batch;
    arma::Mat<T> raw(batch, steps);
    for (arma::uword t = 0; t < steps; ++t)
        for (arma::uword b = 0; b < batch; ++b)
            raw(b, t) = arma::dot(patterns.col(b), H.col(t * batch + b)) / static_cast<T>(n);
    arma::Mat<T> out = signed_overlap ? raw : arma::Mat<T>(arma::abs(raw));
    return tape.record(std::move(out), tape.needs_grad(states),
                       [states, patterns, signed_overlap, raw = std::move(raw)](
                           Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           arma::Mat<T>& dH = t.grad(states);
                           const arma::uword units = patterns.n_rows;
                           const arma::uword nb = patterns.n_cols;
                           for (arma::uword s = 0; s < g.n_cols; ++s)
                               for (arma::uword b = 0; b < nb; ++b) {
                                   T sign = T(1);
                                   if (!signed_overlap)
                                       sign = raw(b, s) < T(0) ? T(-1) : T(1);
                                   dH.col(s * nb + b) +=
                                       (sign * g(b, s) / static_cast<T>(units)) * patterns.col(b);
                               }
                       });
}

// One row of a readout as a signal: s[b, t] = Y(row, t * batch + b).
template <typename T>
Var output_signal(Tape<T>& tape, Var outputs, arma::uword row, arma::uword batch) {
    const arma::Mat<T>& Y = tape.value(outputs);
    if (row >= Y.n_rows || batch == 0 || Y.n_cols % batch != 0)
        throw std::invalid_argument("output_signal: no such row, or a partial batch");
    const arma::uword steps = Y.n_cols / batch;
    arma::Mat<T> out(batch, steps, arma::fill::none);
    for (arma::uword t = 0; t < steps; ++t)
        for (arma::uword b = 0; b < batch; ++b)
            out(b, t) = Y(row, t * batch + b);
    return tape.record(
        std::move(out), tape.needs_grad(outputs),
        [outputs, row, batch](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
            arma::Mat<T>& dY = t.grad(outputs);
            for (arma::uword s = 0; s < g.n_cols; ++s)
                for (arma::uword b = 0; b < batch; ++b)
                    dY(row, s * batch + b) += g(b, s);
        });
}

// The squared error of a readout per trial and step, summed over outputs:
// s[b, t] = sum_o (Y(o, c) - target(o, c))^2 with c = t * batch + b.
template <typename T>
Var squared_error_signal(Tape<T>& tape, Var outputs, const arma::Mat<T>& target,
                         arma::uword batch) {
    const arma::Mat<T>& Y = tape.value(outputs);
    if (arma::size(Y) != arma::size(target) || batch == 0 || Y.n_cols % batch != 0)
        throw std::invalid_argument("squared_error_signal: the targets do not match the outputs");
    const arma::uword steps = Y.n_cols / batch;
    arma::Mat<T> out(batch, steps, arma::fill::zeros);
    for (arma::uword t = 0; t < steps; ++t)
        for (arma::uword b = 0; b < batch; ++b)
            for (arma::uword o = 0; o < Y.n_rows; ++o) {
                const T d = Y(o, t * batch + b) - target(o, t * batch + b);
                out(b, t) += d * d;
            }
    return tape.record(
        std::move(out), tape.needs_grad(outputs),
        [outputs, target, batch](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
            arma::Mat<T>& dY = t.grad(outputs);
            const arma::Mat<T>& Yv = t.value(outputs);
            for (arma::uword s = 0; s < g.n_cols; ++s)
                for (arma::uword b = 0; b < batch; ++b)
                    for (arma::uword o = 0; o < Yv.n_rows; ++o) {
                        const arma::uword c = s * batch + b;
                        dY(o, c) += T(2) * (Yv(o, c) - target(o, c)) * g(b, s);
                    }
        });
}

enum class TimeReduction { Mean, Max, Min, Sum };

// The name scripts use for each reduction (`mean(overlap, during: retain)`).
inline constexpr std::string_view time_reduction_name(TimeReduction r) {
    switch (r) {
        case TimeReduction::Mean:
            return "mean";
        case TimeReduction::Max:
            return "max";
        case TimeReduction::Min:
            return "min";
        case TimeReduction::Sum:
            return "sum";
    }
    return "?";
}

inline std::optional<TimeReduction> time_reduction_from_name(std::string_view name) {
    for (const auto r :
         {TimeReduction::Mean, TimeReduction::Max, TimeReduction::Min, TimeReduction::Sum})
        if (time_reduction_name(r) == name)
            return r;
    return std::nullopt;
}

// Reduces a signal over steps [begins(b), ends(b)) within each trial b, then averages over
// trials: the batch mean of the per-trial reduction, as a 1 x 1 scalar. Max/min pass the
// gradient to the first step that attains the extreme.
template <typename T>
Var reduce_time(Tape<T>& tape, Var signal, TimeReduction kind, const arma::uvec& begins,
                const arma::uvec& ends) {
    const arma::Mat<T>& S = tape.value(signal);
    const arma::uword batch = S.n_rows;
    if (batch == 0 || begins.n_elem != batch || ends.n_elem != batch)
        throw std::invalid_argument("reduce_time: one window per trial is needed");
    for (arma::uword b = 0; b < batch; ++b)
        if (begins(b) >= ends(b) || ends(b) > S.n_cols)
            throw std::invalid_argument("reduce_time: the window is empty or outside the trial");
    arma::uvec where(batch, arma::fill::zeros);  // arg of the extreme, per trial
    T total = T(0);
    for (arma::uword b = 0; b < batch; ++b) {
        const arma::uword begin = begins(b), end = ends(b);
        T acc = S(b, begin);
        arma::uword arg = begin;
        for (arma::uword s = begin + 1; s < end; ++s) {
            const T v = S(b, s);
            switch (kind) {
                case TimeReduction::Mean:
                case TimeReduction::Sum:
                    acc += v;
                    break;
                case TimeReduction::Max:
                    if (v > acc)
                        acc = v, arg = s;
                    break;
                case TimeReduction::Min:
                    if (v < acc)
                        acc = v, arg = s;
                    break;
            }
        }
        if (kind == TimeReduction::Mean)
            acc /= static_cast<T>(end - begin);
        where(b) = arg;
        total += acc;
    }
    arma::Mat<T> out(1, 1);
    out(0, 0) = total / static_cast<T>(batch);
    return tape.record(std::move(out), tape.needs_grad(signal),
                       [signal, kind, begins, ends, where](Tape<T>& t, const arma::Mat<T>& g,
                                                           const arma::Mat<T>&) {
                           arma::Mat<T>& dS = t.grad(signal);
                           const arma::uword nb = dS.n_rows;
                           const T per_trial = g(0, 0) / static_cast<T>(nb);
                           for (arma::uword b = 0; b < nb; ++b) {
                               const arma::uword begin = begins(b), end = ends(b);
                               switch (kind) {
                                   case TimeReduction::Mean:
                                       dS.row(b).cols(begin, end - 1) +=
                                           per_trial / static_cast<T>(end - begin);
                                       break;
                                   case TimeReduction::Sum:
                                       dS.row(b).cols(begin, end - 1) += per_trial;
                                       break;
                                   case TimeReduction::Max:
                                   case TimeReduction::Min:
                                       dS(b, where(b)) += per_trial;
                                       break;
                               }
                           }
                       });
}

// The same window [begin, end) in every trial.
template <typename T>
Var reduce_time(Tape<T>& tape, Var signal, TimeReduction kind, arma::uword begin, arma::uword end) {
    const arma::uword batch = tape.value(signal).n_rows;
    return reduce_time(tape, signal, kind, arma::uvec(batch, arma::fill::value(begin)),
                       arma::uvec(batch, arma::fill::value(end)));
}

}  // namespace rnn::rt
