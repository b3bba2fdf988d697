// The learner of seed 001's plastic network ("EtherealRNN", docs/provenance.md §2.1-2.3): every
// trial of a batch has its own copy C_b of each layer's weights, which the learning rule changes
// after every step (dfa, backprop) or at the end of the sequence (bptt). The network's tensors
// (network.hpp, tensor_layout) hold the slow part: C.NAME is the batch mean of the copies
// with the plastic (masked) entries at 0, written back by end(); begin() copies it into
// every trial, which is the seed's wipe (batch mean, then C_b[M] = 0).
//
// One step, with z0 = [x_t; h_{t-1}] (S = inputs + units) and every product per trial b:
//   z <- GELU(C_l,b z + bias_l)          for the layers l = 1..L (GELU with erf, as torch's)
//   z <- z + z0                           when residual
//   h_t = tanh(C_i2h,b z + bias_i2h)      (0 when recurrence is off)
//   logits = C_i2o,b z + bias_i2o,  sg = C_self_grad,b z + bias_self_grad
//
// Per layer, P (plasticity) is plastic_rate on the mask and 1 elsewhere, and 1 everywhere
// for the "last" layers i2o and self_grad; F (forgetting) is forget_rate on the mask. The
// seed also forgets the entries with u < 0.01 of the uniform draw behind the mask, a subset
// of the mask whenever plastic_fraction >= 0.01, so F = forget_rate M here. The forget step
// is C_b <- C_b (1 - F), before the update (forget_order = before, the seed's code) or after.
//
// The unified update of a layer from per-trial gradients G_b (docs/provenance.md §2.1):
//   U = -G (times P unless the layer is last; then, when update_clip > 0, clamped to
//   +-update_clip on the masked entries only); C_b += lr U; the bias as the rule says; then
//   normalize (none | weights: C / (|C| + 1e-6) over all trials | all: also the bias, P, F
//   and the feedback matrix, as the seed's code); then C clamped to +-weight_clip if > 0.
//
//   dfa       e = softmax - onehot (or y - target) per trial without 1/B, plus
//             clamp(sg, -s, s) when self_grad s > 0; delta = e B_l for the layers and i2h
//             (times GELU' / tanh' when dfa_derivative = used), e for i2o and self_grad;
//             G_b = delta_b x input_b; bias -= lr mean_b(delta). Updates the layers, i2o and
//             self_grad, and i2h only when dfa_hidden_head = trained.
//   backprop  G = the gradient of the batch-mean step loss through this step (h_{t-1}
//             detached), times plastic_rate on the masked entries of non-last layers
//             (scale_gradients), then the unified update, which multiplies by P again
//             (backprop_plasticity = twice, the seed's bug) or not (once); bias -= lr dL/db.
//             Updates the layers and i2o (i2h gets no gradient from a step whose h_{t-1} is
//             detached, and the seed then skips it; self_grad is not in the loss).
//   bptt      h not detached; the steps are kept and end() takes the gradient of the sum
//             over steps of the batch-mean step losses through time, forgets once, scales
//             the masked entries of non-last layers by plastic_rate and does plain SGD on
//             every C_b and bias with a gradient. No P, clamp or normalization.
//
// h_0 is the network's h0 (zeros and fixed by default, the seed's h_0 = 0). The self_grad
// term is added to every trial's error, also where the trial has no target at this step
// (its e is 0 there otherwise), as the seed adds it to the whole batch.
//
// A forget step on a layer the rule does not update is skipped: F is 0 off the mask and
// the masked entries of such a layer are 0 since the wipe, so it would change nothing.
//
// P and F belong to the learner (normalize = all changes them from step to step, as the
// seed); a new learner starts them again from the masks. Time steps allocate nothing once a
// batch of this size and a sequence this long have been seen.
#pragma once

#include <string>
#include <vector>

#include <armadillo>

#include "runtime/network.hpp"
#include "runtime/online.hpp"

namespace rnn::rt {

template <typename T> class PlasticLearner final : public OnlineLearner<T> {
public:
    // net must be a plastic network (CellKind::Plastic) and outlive the learner, its
    // params never added to or removed (the learner keeps pointers to them).
    PlasticLearner(Network<T>& net, UpdateRule rule, double lr);

    void begin(arma::uword batch) override;
    void step(const arma::Mat<T>& x, const StepTarget<T>& target, bool learn, arma::Mat<T>& state,
              arma::Mat<T>& outputs) override;
    void end(bool learn) override;

    // For tests and diagnostics. Layers are numbered 0..L-1, then i2h, i2o, self_grad.
    arma::uword layer_count() const { return static_cast<arma::uword>(layers_.size()); }

    arma::uword layer_index(const std::string& name) const;

    // The per-trial copies (out x in x batch); tests may change them between steps.
    arma::Cube<T>& fast_weights(arma::uword layer) { return layers_.at(layer).C; }

    const arma::Cube<T>& fast_weights(arma::uword layer) const { return layers_.at(layer).C; }

    arma::Col<T>& bias(arma::uword layer) { return layers_.at(layer).bias; }

    const arma::Mat<T>& plasticity(arma::uword layer) const { return layers_.at(layer).P; }

    const arma::Mat<T>& forgetting(arma::uword layer) const { return layers_.at(layer).F; }

    const arma::Mat<T>& feedback(arma::uword layer) const { return layers_.at(layer).feedback; }

    // The gradient of the last learning step (backprop, dfa: the per-trial G_b = delta_b x
    // input_b before any plasticity scaling; bptt: after end(true), the gradient through
    // time, before scaling), and of the bias (dfa: the batch mean of delta).
    arma::Cube<T> gradient(arma::uword layer) const;

    arma::Col<T> bias_gradient(arma::uword layer) const { return layers_.at(layer).gbias; }

    // The batch-mean loss the next step would have on x against target (sum over trials of
    // weight x loss, over the batch size), computed without changing anything.
    double evaluate(const arma::Mat<T>& x, const StepTarget<T>& target);

private:
    enum class Head { Hidden, I2h, I2o, SelfGrad };

    struct Layer {
        std::string name;
        Head head = Head::Hidden;
        bool last = false;
        arma::uword n_in = 0, n_out = 0;
        Parameter<T>* C_param = nullptr;
        Parameter<T>* bias_param = nullptr;
        Parameter<T>* mask_param = nullptr;
        Parameter<T>* feedback_param = nullptr;

        arma::Cube<T> C;  // n_out x n_in x batch
        arma::Col<T> bias;
        arma::Mat<T> mask, P, F, feedback;
        arma::Mat<T> scale;  // backprop, bptt: plastic_rate on the mask of a non-last layer
        // The factor the unified update multiplies -G by, 1 - F, and the clamp bounds (-inf,
        // +inf off the mask); recomputed when P or F change.
        arma::Mat<T> mult, keep, lo, hi;
        arma::Mat<T> delta;  // n_out x batch: this step's delta (G_b = delta_b x input_b)
        arma::Mat<T> back;   // n_in x batch: C_b^T delta_b (backprop, bptt)
        arma::Cube<T> G;     // bptt: the accumulated gradient
        arma::Col<T> gbias;
        const arma::Mat<T>* input = nullptr;  // this step's input (n_in x batch)
    };

    // The activations of one step (bptt keeps one per step; the online rules use one).
    struct Acts {
        arma::Mat<T> z0, top, err;    // err: this step's e / batch (bptt)
        std::vector<arma::Mat<T>> a;  // per layer: pre-activation
        std::vector<arma::Mat<T>> z;  // per layer: output (GELU, tanh for i2h, logits)
    };

    Layer& i2h() { return layers_[hidden_]; }

    Layer& i2o() { return layers_[hidden_ + 1]; }

    Layer& self_grad() { return layers_[hidden_ + 2]; }

    void size_acts(Acts& acts) const;
    void forward(Acts& acts, const arma::Mat<T>& x, bool need_sg);
    void derive(Layer& l) const;
    void update(Layer& l, bool clip, bool scaled);
    void normalize(Layer& l);
    void forget_only(Layer& l);
    void bptt_backward();

    Network<T>& net_;
    UpdateRule rule_;
    T lr_;
    arma::uword inputs_ = 0, units_ = 0, outputs_ = 0, S_ = 0, hidden_ = 0;
    arma::uword batch_ = 0, t_ = 0;
    std::vector<Layer> layers_;
    std::vector<Acts> acts_;                 // [0] for the online rules; one per step for bptt
    arma::Mat<T> h_;                         // units x batch: h_{t-1}
    arma::Mat<T> e_;                         // outputs x batch
    arma::Mat<T> dz_, dz2_, dz0_, dh_, du_;  // backward scratch
    Acts probe_;                             // evaluate()
};

extern template class PlasticLearner<float>;
extern template class PlasticLearner<double>;

}  // namespace rnn::rt
