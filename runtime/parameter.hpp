// Trainable tensors with their constraint and initialiser. The optimizer updates the raw
// value; the network uses the effective value that the constraint makes of it on the tape.
#pragma once

#include <cmath>
#include <string>

#include <armadillo>

#include "runtime/ops.hpp"
#include "runtime/random.hpp"
#include "runtime/tape.hpp"

namespace rnn::rt {

// What the effective tensor is allowed to be, made of the raw parameter A in this order:
// symmetric, then Dale's law, then the mask, then no self-connections. `fixed` decides whether the
// raw value is trained at all.
struct Constraint {
    bool fixed = false;      // never updated; receives no gradient
    bool symmetric = false;  // W = (A + A^T) / 2 of the raw parameter A
    // Dale's law with this fraction of excitatory presynaptic units (0: none): column j
    // (unit j's outgoing weights) is +|A_j| for the first round(dale * n) columns, -|A_j|
    // for the rest, so each unit keeps one sign whatever the optimizer does.
    double dale = 0.0;
    arma::mat mask;  // effective = W ⊙ mask for a 0/1 array of the tensor's shape (empty: none)
    bool no_self = false;  // the diagonal of the effective value is 0

    bool any() const { return symmetric || dale > 0.0 || !mask.empty() || no_self; }
};

// The sign of each column under Dale's law, as a matrix of the tensor's shape.
template <typename T> arma::Mat<T> dale_signs(arma::uword rows, arma::uword cols, double fraction) {
    const auto excitatory =
        static_cast<arma::uword>(std::llround(fraction * static_cast<double>(cols)));
    arma::Mat<T> s(rows, cols, arma::fill::ones);
    if (excitatory < cols)
        s.cols(excitatory, cols - 1).fill(T(-1));
    return s;
}

// Ones with a zero diagonal.
template <typename T> arma::Mat<T> off_diagonal(arma::uword rows, arma::uword cols) {
    arma::Mat<T> m(rows, cols, arma::fill::ones);
    m.diag().zeros();
    return m;
}

// Initialisers with PyTorch's definitions (torch.nn.init); fan_in is a matrix's number of
// columns (a column vector's length), fan_out its number of rows.
enum class InitKind {
    Normal,   // N(0, a^2)
    Uniform,  // U(a, b)
    Zeros,
    Constant,       // a
    XavierUniform,  // U(+-a sqrt(6 / (fan_in + fan_out))), a the gain
    XavierNormal,   // N(0, (a sqrt(2 / (fan_in + fan_out)))^2)
    Orthogonal,     // a Q, Q from the QR of a normal matrix with sign(diag R) folded in
    Identity,       // a I (ones on the diagonal of a rectangular matrix too)
    FanInUniform,   // U(+-1 / sqrt(fan_in)): PyTorch's default for linear layers and cells
    Bernoulli,      // 1 with probability a, else 0 (a mask)
};

struct Initializer {
    InitKind kind = InitKind::Zeros;
    double a = 0.0;  // Normal: standard deviation; Uniform: low; Constant: the value; gain
    double b = 0.0;  // Uniform: high
};

template <typename T>
void initialize(arma::Mat<T>& m, const Initializer& init, RandomStream& stream) {
    switch (init.kind) {
        case InitKind::Normal:
            stream.fill_normal(m, 0.0, init.a);
            break;
        case InitKind::Uniform:
            stream.fill_uniform(m, init.a, init.b);
            break;
        case InitKind::Zeros:
            m.zeros();
            break;
        case InitKind::Constant:
            m.fill(static_cast<T>(init.a));
            break;
        case InitKind::XavierUniform: {
            const double bound = init.a * std::sqrt(6.0 / static_cast<double>(m.n_rows + m.n_cols));
            stream.fill_uniform(m, -bound, bound);
            break;
        }
        case InitKind::XavierNormal:
            stream.fill_normal(m, 0.0,
                               init.a * std::sqrt(2.0 / static_cast<double>(m.n_rows + m.n_cols)));
            break;
        case InitKind::Orthogonal: {
            // As torch.nn.init.orthogonal_: QR of the taller orientation, signs of R's
            // diagonal folded into Q so the result is uniformly distributed.
            const bool wide = m.n_rows < m.n_cols;
            arma::mat draw(wide ? m.n_cols : m.n_rows, wide ? m.n_rows : m.n_cols);
            stream.fill_normal(draw, 0.0, 1.0);
            arma::mat q, r;
            arma::qr_econ(q, r, draw);
            arma::vec signs = arma::sign(r.diag());
            signs.replace(0.0, 1.0);
            q.each_row() %= signs.t();
            m = arma::conv_to<arma::Mat<T>>::from(init.a * (wide ? arma::mat(q.t()) : q));
            break;
        }
        case InitKind::Identity:
            m.eye();
            m *= static_cast<T>(init.a);
            break;
        case InitKind::FanInUniform: {
            const double fan_in = static_cast<double>(m.n_cols > 1 ? m.n_cols : m.n_rows);
            const double bound = 1.0 / std::sqrt(fan_in);
            stream.fill_uniform(m, -bound, bound);
            break;
        }
        case InitKind::Bernoulli:
            stream.fill_uniform(m, 0.0, 1.0);
            m.transform([&](T u) { return u < static_cast<T>(init.a) ? T(1) : T(0); });
            break;
    }
}

template <typename T> struct Parameter {
    std::string name;
    arma::Mat<T> raw;
    Constraint constraint;

    bool trainable() const { return !constraint.fixed; }
};

// The raw leaf of a parameter on the tape (a constant if it is fixed).
template <typename T> Var raw_leaf(Tape<T>& tape, const Parameter<T>& p) {
    return p.trainable() ? tape.leaf(p.raw) : tape.constant(p.raw);
}

// The effective value the network uses, from the raw leaf.
template <typename T> Var constrain(Tape<T>& tape, Var raw, const Constraint& c) {
    Var w = c.symmetric ? symmetrize(tape, raw) : raw;
    const arma::uword rows = tape.value(w).n_rows, cols = tape.value(w).n_cols;
    if (c.dale > 0.0)
        w = multiply_constant(tape, absolute(tape, w), dale_signs<T>(rows, cols, c.dale));
    if (!c.mask.empty())
        w = multiply_constant(tape, w, arma::conv_to<arma::Mat<T>>::from(c.mask));
    if (c.no_self)
        w = multiply_constant(tape, w, off_diagonal<T>(rows, cols));
    return w;
}

// The effective value outside any tape (for evaluation and saving).
template <typename T> arma::Mat<T> effective_value(const Parameter<T>& p) {
    arma::Mat<T> w = p.constraint.symmetric ? arma::Mat<T>(T(0.5) * (p.raw + p.raw.t())) : p.raw;
    if (p.constraint.dale > 0.0)
        w = arma::abs(w) % dale_signs<T>(w.n_rows, w.n_cols, p.constraint.dale);
    if (!p.constraint.mask.empty())
        w %= arma::conv_to<arma::Mat<T>>::from(p.constraint.mask);
    if (p.constraint.no_self)
        w.diag().zeros();
    return w;
}

}  // namespace rnn::rt
