// Optimizers with PyTorch's update rules, so a script ported from PyTorch takes the same
// steps: SGD (torch.optim.SGD: momentum, dampening, Nesterov, weight decay coupled into the
// gradient), Adam (torch.optim.Adam, amsgrad off: bias-corrected moments, eps added after
// the square root, weight decay coupled as L2) and AdamW (torch.optim.AdamW: the same
// moments, weight decay applied to the parameter directly, decoupled from the gradient).
// Global-norm gradient clipping follows torch.nn.utils.clip_grad_norm_.
#pragma once

#include <string_view>
#include <vector>

#include <armadillo>

namespace rnn::rt {

enum class OptimizerKind { Sgd, Adam, AdamW };

std::string_view optimizer_name(OptimizerKind kind);

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Adam;
    double lr = 1e-3;
    double beta1 = 0.9;  // Adam, AdamW
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;  // coupled (SGD, Adam) or decoupled (AdamW)
    double momentum = 0.0;      // SGD
    double dampening = 0.0;     // SGD
    bool nesterov = false;      // SGD
};

// What an optimizer carries from step to step, for checkpoints (checkpoint.hpp stores it):
// restoring it into an optimizer of the same configuration continues training bit for bit.
template <typename T> struct OptimizerState {
    OptimizerKind kind = OptimizerKind::Adam;
    long steps = 0;
    // Per parameter, in step()'s order: Adam's first and second moments; SGD's momentum
    // buffer in m (v unused). Both empty before the first step.
    std::vector<arma::Mat<T>> m, v;
};

template <typename T> class Optimizer {
public:
    explicit Optimizer(OptimizerConfig config) : config_(config) {}

    // One step over parallel lists of parameters and their gradients. The lists must
    // name the same parameters in the same order at every call.
    void step(const std::vector<arma::Mat<T>*>& params,
              const std::vector<const arma::Mat<T>*>& grads);

    long steps_taken() const { return step_; }

    const OptimizerConfig& config() const { return config_; }

    OptimizerState<T> state() const { return {config_.kind, step_, m_, v_}; }

    // Replaces the step count and buffers. Throws std::invalid_argument when the state is
    // of another kind of optimizer, has a negative step count, or its buffers do not pair
    // up (m and v of different counts or shapes); step() then checks them against the
    // parameters it is given.
    void restore(OptimizerState<T> state);

private:
    void sgd(arma::Mat<T>& p, const arma::Mat<T>& g, std::size_t i);
    void adam(arma::Mat<T>& p, const arma::Mat<T>& g, std::size_t i);

    OptimizerConfig config_;
    long step_ = 0;
    std::vector<arma::Mat<T>> m_, v_;  // SGD: m_ is the momentum buffer
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;

// Scales the gradients in place so that their joint L2 norm is at most max_norm (as
// torch.nn.utils.clip_grad_norm_: by max_norm / (norm + 1e-6) when that is below 1).
// Returns the norm before clipping.
template <typename T>
double clip_global_norm(const std::vector<arma::Mat<T>*>& grads, double max_norm);

extern template double clip_global_norm<float>(const std::vector<arma::Mat<float>*>&, double);
extern template double clip_global_norm<double>(const std::vector<arma::Mat<double>*>&, double);

}  // namespace rnn::rt
