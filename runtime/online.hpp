// Online (per-step) learning: the weights change after every time step, from that step's
// output error, instead of once per batch after a backward pass through the whole
// sequence. Two rules are online:
//
//   backprop  the gradient of the step's loss with the previous state detached (the
//             error goes back through one step of the network, never into the past);
//   dfa       direct feedback alignment: each layer receives the output error through a
//             fixed random matrix, delta = e B, and its update is the outer product of
//             delta with the layer's input (no transport of weights backwards).
//
// The plastic network of seed 001 (plastic.hpp) learns only through a learner of this
// kind, also under bptt, where it keeps its steps and updates once, at the end.
//
// A learner owns nothing of the training loop: the trainer cuts a batch into steps, hands
// each step's inputs and targets over, and collects the states and outputs it writes (the
// loss and metrics are computed afterwards from them). Time steps allocate nothing.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include <armadillo>

#include "runtime/cell_traits.hpp"

namespace rnn::rt {

enum class StepLossKind { CrossEntropy, Mse };

// What one step is trained against.
//   cross-entropy: values is 1 x batch of class indices; a value equal to `ignore` marks a
//                  trial without a target at this step (padding);
//   mse:           values is outputs x batch.
// weights is 1 x batch, >= 0: the weight of each trial's loss at this step (the task's
// mask; 0: no target).
template <typename T> struct StepTarget {
    StepLossKind kind = StepLossKind::CrossEntropy;
    const arma::Mat<T>* values = nullptr;
    const arma::Mat<T>* weights = nullptr;
    T ignore = T(-1);
};

// The derivative of each trial's step loss with respect to its outputs, times the trial's
// weight, into e (outputs x batch, allocated by the caller):
//   cross-entropy  loss_b = logsumexp(y_b) - y_b[target_b],  e_b = softmax(y_b) - onehot
//   mse            loss_b = 1/2 |y_b - target_b|^2,          e_b = y_b - target_b
// No 1/batch factor: rules that average over the batch divide themselves. A trial with
// weight 0 or an ignored target gets e_b = 0. Returns sum_b weight_b loss_b.
template <typename T>
double step_output_error(const arma::Mat<T>& y, const StepTarget<T>& target, arma::Mat<T>& e) {
    const arma::uword outputs = y.n_rows, batch = y.n_cols;
    if (e.n_rows != outputs || e.n_cols != batch)
        throw std::invalid_argument("step_output_error: e must be outputs x batch");
    if (target.values == nullptr || target.weights == nullptr || target.weights->n_elem != batch)
        throw std::invalid_argument("step_output_error: targets and weights are 1 x batch");
    double total = 0.0;
    for (arma::uword b = 0; b < batch; ++b) {
        const T w = (*target.weights)(b);
        const T* yb = y.colptr(b);
        T* eb = e.colptr(b);
        if (target.kind == StepLossKind::CrossEntropy) {
            const T cls = (*target.values)(b);
            if (w == T(0) || cls == target.ignore) {
                for (arma::uword o = 0; o < outputs; ++o)
                    eb[o] = T(0);
                continue;
            }
            if (!(cls >= T(0)) || cls >= static_cast<T>(outputs) || cls != std::floor(cls))
                throw std::invalid_argument("step_output_error: target " + std::to_string(cls)
                                            + " is not a class index");
            const auto k = static_cast<arma::uword>(cls);
            T top = yb[0];
            for (arma::uword o = 1; o < outputs; ++o)
                top = std::max(top, yb[o]);
            T sum = T(0);
            for (arma::uword o = 0; o < outputs; ++o) {
                eb[o] = std::exp(yb[o] - top);
                sum += eb[o];
            }
            for (arma::uword o = 0; o < outputs; ++o)
                eb[o] = w * (eb[o] / sum - (o == k ? T(1) : T(0)));
            total += static_cast<double>(w)
                     * (static_cast<double>(top) + std::log(static_cast<double>(sum))
                        - static_cast<double>(yb[k]));
        } else {
            if (target.values->n_rows != outputs)
                throw std::invalid_argument("step_output_error: mse targets are outputs x batch");
            const T* tb = target.values->colptr(b);
            double sq = 0.0;
            for (arma::uword o = 0; o < outputs; ++o) {
                const T d = yb[o] - tb[o];
                eb[o] = w == T(0) ? T(0) : w * d;
                sq += static_cast<double>(d) * static_cast<double>(d);
            }
            if (w != T(0))
                total += 0.5 * static_cast<double>(w) * sq;
        }
    }
    return total;
}

// A network that learns step by step. The trainer calls begin() once per batch of
// sequences, step() for t = 0..T-1, then end().
template <typename T> class OnlineLearner {
public:
    virtual ~OnlineLearner() = default;

    // Starts `batch` sequences: every state goes back to the initial state (a plastic
    // network also wipes its fast weights, docs/provenance.md §2.1).
    virtual void begin(arma::uword batch) = 0;

    // One time step on x (inputs x batch): writes the new state (units x batch) and the
    // outputs (outputs x batch) into the caller's matrices, which may be views into larger
    // ones (set_size is never called on them). When `learn`, an online rule then updates
    // the weights from the step's error against `target` (ignored when not learning).
    virtual void step(const arma::Mat<T>& x, const StepTarget<T>& target, bool learn,
                      arma::Mat<T>& state, arma::Mat<T>& outputs) = 0;

    // Ends the sequences: a learner that updates once per sequence (bptt) does it here;
    // persistent weights are written back to the network's tensors.
    virtual void end(bool learn) = 0;
};

}  // namespace rnn::rt
