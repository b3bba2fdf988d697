// Trainable tensors with their constraint and initialiser. The optimizer updates the raw
// value; the network uses the effective value that the constraint makes of it on the tape.
#pragma once

#include <string>

#include <armadillo>

#include "runtime/ops.hpp"
#include "runtime/random.hpp"
#include "runtime/tape.hpp"

namespace rnn::rt {

// What the effective tensor is allowed to be. Applied in the order: symmetric, then the
// fixed flag decides whether the raw value is trained at all.
struct Constraint {
    bool fixed = false;      // never updated; receives no gradient
    bool symmetric = false;  // W = (A + A^T) / 2 of the raw parameter A
};

enum class InitKind { Normal, Uniform, Zeros, Constant };

struct Initializer {
    InitKind kind = InitKind::Zeros;
    double a = 0.0;  // Normal: standard deviation; Uniform: low; Constant: the value
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
    return c.symmetric ? symmetrize(tape, raw) : raw;
}

// The effective value outside any tape (for evaluation and saving).
template <typename T> arma::Mat<T> effective_value(const Parameter<T>& p) {
    if (p.constraint.symmetric)
        return T(0.5) * (p.raw + p.raw.t());
    return p.raw;
}

}  // namespace rnn::rt
