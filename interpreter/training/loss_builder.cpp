#include "interpreter/training/loss_builder.hpp"

#include <stdexcept>

#include "runtime/losses.hpp"
#include "runtime/ops.hpp"

namespace rnn::interp {

LossBuilder::LossBuilder(rt::Tape<float>& tape, const rt::NetworkVars& vars,
                         const stdlib::TaskInstance& task, const stdlib::TrialBatch& batch,
                         rt::Activation activation)
    : tape_(tape), vars_(vars), task_(task), batch_(batch), activation_(activation) {
    for (const auto& p : stdlib::periods_of(task, batch))
        periods_[p.name] = p;
}

rt::Var LossBuilder::signal(const std::string& name) {
    const auto it = signals_.find(name);
    if (it != signals_.end())
        return it->second;
    const rt::Var v = task_.signal(name, tape_, vars_, batch_);
    signals_[name] = v;
    return v;
}

rt::Var LossBuilder::build(const LossNode& n) {
    using Kind = LossNode::Kind;
    switch (n.kind) {
        case Kind::Constant:
            return rt::scalar_constant(tape_, static_cast<float>(n.value));
        case Kind::Add:
            return rt::add(tape_, build(n.children[0]), build(n.children[1]));
        case Kind::Sub:
            return rt::sub(tape_, build(n.children[0]), build(n.children[1]));
        case Kind::Neg:
            return rt::scale(tape_, build(n.children[0]), -1.0F);
        case Kind::Mul:
            if (n.children[0].kind == Kind::Constant)
                return rt::scale(tape_, build(n.children[1]),
                                 static_cast<float>(n.children[0].value));
            if (n.children[1].kind == Kind::Constant)
                return rt::scale(tape_, build(n.children[0]),
                                 static_cast<float>(n.children[1].value));
            return rt::scalar_mul(tape_, build(n.children[0]), build(n.children[1]));
        case Kind::Div:
            return rt::scale(tape_, build(n.children[0]),
                             static_cast<float>(1.0 / n.children[1].value));
        case Kind::Reduce: {
            if (n.period.empty())  // no `during:`: the whole trial
                return rt::reduce_time(tape_, signal(n.signal), n.reduction, 0, batch_.steps);
            const stdlib::Period& p = periods_.at(n.period);
            arma::uvec begins(batch_.batch), ends(batch_.batch);
            for (arma::uword b = 0; b < batch_.batch; ++b) {
                begins(b) = p.begin_of(b);
                ends(b) = p.end_of(b);
            }
            return rt::reduce_time(tape_, signal(n.signal), n.reduction, begins, ends);
        }
        case Kind::FixedPoint: {
            // mean over (pattern, unit) of (phi(W m) - m)^2
            const rt::Var m = tape_.constant(task_.matrix(n.matrix, &batch_));
            const rt::Var wm = rt::matmul(tape_, vars_.effective.at(n.tensor), m);
            return rt::mean_squares(tape_, rt::sub(tape_, rt::activate(tape_, wm, activation_), m));
        }
        case Kind::L2:
            return rt::sum_squares(tape_,
                                   n.raw ? vars_.raw.at(n.tensor) : vars_.effective.at(n.tensor));
        case Kind::L1:
            return rt::sum_abs(tape_,
                               n.raw ? vars_.raw.at(n.tensor) : vars_.effective.at(n.tensor));
        case Kind::RateL2:
            return rt::mean_squares(tape_, vars_.rates);
        case Kind::MaskedMse: {
            const arma::fmat m = task_.mask(n.mask, batch_);
            // The task's mask is per step; every output of a step shares it.
            const arma::fmat weights = arma::repmat(m, batch_.step_targets.n_rows, 1);
            return rt::masked_mse(
                tape_, vars_.outputs, batch_.step_targets, weights, batch_.batch,
                n.pooled ? rt::MseNormalization::Pooled : rt::MseNormalization::PerTrial);
        }
        case Kind::CrossEntropy: {
            const arma::fmat m = n.mask.empty()
                                     ? arma::fmat(1, batch_.step_targets.n_cols, arma::fill::ones)
                                     : task_.mask(n.mask, batch_);
            return rt::masked_cross_entropy(tape_, vars_.outputs, batch_.step_targets, m,
                                            static_cast<float>(n.ignore));
        }
    }
    throw std::logic_error("unknown loss node");
}

}  // namespace rnn::interp
