// Online learning for the four fused cell kinds (rnn, gru, lstm, ctrnn): an OnlineLearner
// (online.hpp) that steps the network one time step at a time and updates its weights after
// every step, by one of two rules.
//
//   backprop  (every kind) the exact gradient of the step's loss through this one step, the
//             previous state h_{t-1} (and the lstm's c_{t-1}) detached: the readout's
//             gradient, then dL/dh = W_out^T e (ctrnn: through its rates, w e ⊙ phi'(h)),
//             back through the cell's one update to its weights, input weights and biases.
//             Written out by hand for every kind (no tape).
//   dfa       (rnn and ctrnn) direct feedback alignment (Nøkland 2016): the readout gets
//             its true gradient; the recurrent layer gets delta = (B e) ⊙ phi'(.) in place
//             of dL/dh, with B (units x outputs) fixed, Xavier-normal, drawn once from the
//             feedback stream. rnn: phi' at the pre-activation a_t (from h_t = phi(a_t)),
//             dW_self = delta h_{t-1}^T, dW_input = delta x_t^T, db = delta. ctrnn: delta
//             takes the place of dL/dh_t and is chained through the Euler update, as
//             backprop does with its true dL/dh_t: delta = (B e) ⊙ phi'(h_t),
//             dG = alpha gain delta phi(h_{t-1})^T, dI = alpha delta x_t^T, db = alpha delta.
//             gru and lstm have no layer whose activations the error can be sent to (their
//             gates are not layers): the constructor refuses them.
//
// The step loss is the batch mean of step_output_error's per-trial losses, so every
// gradient is averaged over the batch (e is divided by the batch size). Each learning step
// then clips the global gradient norm to clip_norm (when clip_norm > 0, as
// clip_grad_norm_) and calls optimizer.step with the trained tensors in the network's
// order. A learning step at which no trial has a target (no target given, every weight 0
// or every class ignored) updates nothing and does not count as an optimizer step.
//
// What is trained: the network's raw tensors, in place (net.params[...].raw), except fixed
// ones and the initial states h0 and c0, which no step's loss reaches with the previous
// state detached. The caller guarantees what the interpreter checks: no constraint other
// than `fixed` on any tensor, no training noise, and a readout (outputs > 0); the
// constructor throws std::invalid_argument otherwise.
//
// Time steps allocate nothing: begin() sizes every buffer for the batch (the optimizer's
// first step allocates its own moment buffers once).
#pragma once

#include <string>
#include <vector>

#include <armadillo>

#include "runtime/network.hpp"
#include "runtime/online.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/random.hpp"

namespace rnn::rt {

template <typename T> class OnlineCellLearner final : public OnlineLearner<T> {
public:
    // rule: Backprop or Dfa (Bptt is not an online rule). The network and the optimizer
    // must outlive the learner; the feedback stream is used by dfa only, in here.
    OnlineCellLearner(Network<T>& net, UpdateRule rule, Optimizer<T>& optimizer, double clip_norm,
                      RandomStream feedback_stream);

    // Every trial starts at h0 (and the lstm at c0), broadcast over the batch; sizes the
    // buffers for `batch` (allocating only when the batch size changes).
    void begin(arma::uword batch) override;

    void step(const arma::Mat<T>& x, const StepTarget<T>& target, bool learn, arma::Mat<T>& state,
              arma::Mat<T>& outputs) override;

    // Nothing to do: the weights live in the network's tensors and change at every step.
    void end(bool /*learn*/) override {}

    // The trained tensors' names, in the optimizer's order.
    const std::vector<std::string>& trained_names() const { return names_; }

    // The gradients of the last learning step that updated (after clipping), in
    // trained_names() order; zeros before the first.
    const std::vector<const arma::Mat<T>*>& last_gradients() const { return grads_const_; }

    // The batch-mean step loss of the last step (learning or not).
    double last_loss() const { return last_loss_; }

    // DFA's fixed feedback matrix B (units x outputs; empty under backprop). Writable so
    // that a test can set known values.
    arma::Mat<T>& feedback() { return feedback_; }

private:
    void forward_step(const arma::Mat<T>& x);
    void gradients(const arma::Mat<T>& x);
    static bool any_target(const StepTarget<T>& target, arma::uword batch);

    Network<T>& net_;
    CellKind kind_;
    const CellTraits& traits_;
    UpdateRule rule_;
    Optimizer<T>& optimizer_;
    double clip_norm_;
    arma::uword units_ = 0, inputs_ = 0, outputs_ = 0, batch_ = 0;
    T alpha_ = T(1), gain_ = T(1);

    // The network's tensors by role (nullptr: absent): recurrent (W_self, G), input
    // (W_input, I), bias (rnn and ctrnn b), b_input, b_self, readout (W_out, w), readout
    // bias, h0, c0.
    arma::Mat<T>*w_rec_ = nullptr, *w_in_ = nullptr, *bias_ = nullptr, *b_input_ = nullptr,
    *b_self_ = nullptr, *readout_ = nullptr, *readout_bias_ = nullptr, *h0_ = nullptr,
    *c0_ = nullptr;
    // Their gradients (nullptr: not trained).
    arma::Mat<T>*g_rec_ = nullptr, *g_in_ = nullptr, *g_bias_ = nullptr, *g_b_input_ = nullptr,
    *g_b_self_ = nullptr, *g_readout_ = nullptr, *g_readout_bias_ = nullptr;

    std::vector<std::string> names_;
    std::vector<arma::Mat<T>> grads_;  // one per trained tensor, never reallocated
    std::vector<arma::Mat<T>*> params_, grads_mut_;
    std::vector<const arma::Mat<T>*> grads_const_;
    arma::Mat<T> feedback_;

    // Per-batch buffers. h_prev_/h_: the state before and after the step (c likewise for
    // lstm); pre_: rnn and ctrnn drive, gru input projections, lstm pre-activations and then
    // gates; hp_, hn_, bhn_: gru's recurrent projections, W_hn h + b_hn and b_hn; tc_:
    // lstm tanh(c); rate_prev_/rate_: ctrnn phi(h_{t-1}), phi(h_t); y_, e_: outputs and
    // output error; dh_: dL/dh (or DFA's delta); da_, dhp_: gate gradients (gru: input and
    // recurrent sides); zero_h_, carry_: zeros and scratch for the column kernels.
    arma::Mat<T> h_prev_, h_, c_prev_, c_, pre_, hp_, hn_, tc_, rate_prev_, rate_, y_, e_, dh_, da_,
        dhp_, zero_h_, carry_;
    arma::Col<T> bhn_;
    double last_loss_ = 0.0;
};

extern template class OnlineCellLearner<float>;
extern template class OnlineCellLearner<double>;

}  // namespace rnn::rt
