// Generic tape ops over whole matrices, each with its hand-written backward beside its
// forward. Losses, regularisers and constraint parametrisations compose from these; the
// hot recurrences are fused ops of their own (rnn_cell.hpp).
//
// Every op here has a finite-difference check in tests/gradcheck/.
#pragma once

#include <cmath>
#include <stdexcept>

#include <armadillo>

#include "runtime/activation.hpp"
#include "runtime/tape.hpp"

namespace rnn::rt {

// A * B.
template <typename T> Var matmul(Tape<T>& tape, Var a, Var b) {
    arma::Mat<T> out = tape.value(a) * tape.value(b);
    return tape.record(std::move(out), tape.needs_grad(a) || tape.needs_grad(b),
                       [a, b](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           if (t.needs_grad(a))
                               t.grad(a) += g * t.value(b).t();
                           if (t.needs_grad(b))
                               t.grad(b) += t.value(a).t() * g;
                       });
}

// A^T * B, without forming A^T (seed 002's readout w^T r with w units x outputs).
template <typename T> Var matmul_transposed(Tape<T>& tape, Var a, Var b) {
    if (tape.value(a).n_rows != tape.value(b).n_rows)
        throw std::invalid_argument("matmul_transposed: A and B need the same number of rows");
    arma::Mat<T> out = tape.value(a).t() * tape.value(b);
    return tape.record(std::move(out), tape.needs_grad(a) || tape.needs_grad(b),
                       [a, b](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           if (t.needs_grad(a))
                               t.grad(a) += t.value(b) * g.t();
                           if (t.needs_grad(b))
                               t.grad(b) += t.value(a) * g;
                       });
}

// A + c 1^T: the column c added to every column of A (a bias over a batch of steps).
template <typename T> Var add_column(Tape<T>& tape, Var a, Var c) {
    const arma::Mat<T>& cv = tape.value(c);
    if (cv.n_cols != 1 || cv.n_rows != tape.value(a).n_rows)
        throw std::invalid_argument("add_column: the column must be rows(A) x 1");
    arma::Mat<T> out = tape.value(a);
    out.each_col() += arma::Col<T>(const_cast<T*>(cv.memptr()), cv.n_rows, false, true);
    return tape.record(std::move(out), tape.needs_grad(a) || tape.needs_grad(c),
                       [a, c](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           if (t.needs_grad(a))
                               t.grad(a) += g;
                           if (t.needs_grad(c))
                               t.grad(c) += arma::sum(g, 1);
                       });
}

// The column c repeated `copies` times (an initial state shared by every trial of a batch).
template <typename T> Var repeat_columns(Tape<T>& tape, Var c, arma::uword copies) {
    const arma::Mat<T>& cv = tape.value(c);
    if (cv.n_cols != 1)
        throw std::invalid_argument("repeat_columns: expected a column");
    arma::Mat<T> out = arma::repmat(cv, 1, copies);
    return tape.record(std::move(out), tape.needs_grad(c),
                       [c](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           t.grad(c) += arma::sum(g, 1);
                       });
}

// alpha * A + beta * B (same shapes).
template <typename T> Var linear_combination(Tape<T>& tape, T alpha, Var a, T beta, Var b) {
    if (arma::size(tape.value(a)) != arma::size(tape.value(b)))
        throw std::invalid_argument("linear_combination: shapes differ");
    arma::Mat<T> out = alpha * tape.value(a) + beta * tape.value(b);
    return tape.record(std::move(out), tape.needs_grad(a) || tape.needs_grad(b),
                       [a, b, alpha, beta](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           if (t.needs_grad(a))
                               t.grad(a) += alpha * g;
                           if (t.needs_grad(b))
                               t.grad(b) += beta * g;
                       });
}

template <typename T> Var add(Tape<T>& tape, Var a, Var b) {
    return linear_combination(tape, T(1), a, T(1), b);
}

template <typename T> Var sub(Tape<T>& tape, Var a, Var b) {
    return linear_combination(tape, T(1), a, T(-1), b);
}

// c * A for a constant c.
template <typename T> Var scale(Tape<T>& tape, Var a, T c) {
    arma::Mat<T> out = c * tape.value(a);
    return tape.record(
        std::move(out), tape.needs_grad(a),
        [a, c](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) { t.grad(a) += c * g; });
}

// Product of two scalars (1 x 1).
template <typename T> Var scalar_mul(Tape<T>& tape, Var a, Var b) {
    if (tape.value(a).n_elem != 1 || tape.value(b).n_elem != 1)
        throw std::invalid_argument("scalar_mul: both operands must be scalars");
    arma::Mat<T> out(1, 1);
    out(0, 0) = tape.value(a)(0, 0) * tape.value(b)(0, 0);
    return tape.record(std::move(out), tape.needs_grad(a) || tape.needs_grad(b),
                       [a, b](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           if (t.needs_grad(a))
                               t.grad(a)(0, 0) += g(0, 0) * t.value(b)(0, 0);
                           if (t.needs_grad(b))
                               t.grad(b)(0, 0) += g(0, 0) * t.value(a)(0, 0);
                       });
}

// (A + A^T) / 2: the symmetric parametrisation of a square matrix.
template <typename T> Var symmetrize(Tape<T>& tape, Var a) {
    const arma::Mat<T>& v = tape.value(a);
    if (!v.is_square())
        throw std::invalid_argument("symmetrize: the matrix must be square");
    arma::Mat<T> out = T(0.5) * (v + v.t());
    return tape.record(std::move(out), tape.needs_grad(a),
                       [a](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           t.grad(a) += T(0.5) * (g + g.t());
                       });
}

// |A| elementwise (the gradient at 0 is taken as 0).
template <typename T> Var absolute(Tape<T>& tape, Var a) {
    arma::Mat<T> out = arma::abs(tape.value(a));
    return tape.record(std::move(out), tape.needs_grad(a),
                       [a](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           t.grad(a) += g % arma::sign(t.value(a));
                       });
}

// A ⊙ M for a constant matrix M of the same shape (masks, fixed signs).
template <typename T> Var multiply_constant(Tape<T>& tape, Var a, const arma::Mat<T>& m) {
    const arma::Mat<T>& v = tape.value(a);
    if (v.n_rows != m.n_rows || v.n_cols != m.n_cols)
        throw std::invalid_argument("multiply_constant: shapes differ");
    arma::Mat<T> out = v % m;
    return tape.record(
        std::move(out), tape.needs_grad(a),
        [a, m](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) { t.grad(a) += g % m; });
}

// phi(A) pointwise.
template <typename T> Var activate(Tape<T>& tape, Var a, Activation kind) {
    arma::Mat<T> out = tape.value(a);
    apply_activation(kind, out);
    const Var result = tape.record(std::move(out), tape.needs_grad(a), {});
    if (!tape.needs_grad(a))
        return result;
    // The backward reads the op's own output, so it is attached after recording.
    Tape<T>& tp = tape;
    return tp.record(arma::Mat<T>(tape.value(result)), true,
                     [a, result, kind](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                         arma::Mat<T> d = g;
                         multiply_by_derivative(kind, t.value(result), d);
                         t.grad(a) += d;
                     });
}

// sum of squares of all elements: ||A||_F^2, as a 1 x 1 scalar.
template <typename T> Var sum_squares(Tape<T>& tape, Var a) {
    arma::Mat<T> out(1, 1);
    out(0, 0) = arma::accu(arma::square(tape.value(a)));
    return tape.record(std::move(out), tape.needs_grad(a),
                       [a](Tape<T>& t, const arma::Mat<T>& g, const arma::Mat<T>&) {
                           t.grad(a) += (T(2) * g(0, 0)) * t.value(a);
                       });
}

// mean of squares of all elements.
template <typename T> Var mean_squares(Tape<T>& tape, Var a) {
    const T n = static_cast<T>(tape.value(a).n_elem);
    return scale(tape, sum_squares(tape, a), T(1) / n);
}

// The constant c as a 1 x 1 value without gradient.
template <typename T> Var scalar_constant(Tape<T>& tape, T c) {
    arma::Mat<T> out(1, 1);
    out(0, 0) = c;
    return tape.constant(std::move(out));
}

}  // namespace rnn::rt
