// Adam with PyTorch's update rule (torch.optim.Adam, amsgrad off): bias-corrected moments,
// eps added after the square root, weight decay coupled into the gradient (L2), so a
// script ported from PyTorch takes the same steps.
#pragma once

#include <vector>

#include <armadillo>

namespace rnn::rt {

struct AdamConfig {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
};

template <typename T> class Adam {
public:
    explicit Adam(AdamConfig config) : config_(config) {}

    // One step over parallel lists of parameters and their gradients. The lists must
    // name the same parameters in the same order at every call.
    void step(const std::vector<arma::Mat<T>*>& params,
              const std::vector<const arma::Mat<T>*>& grads);

    long steps_taken() const { return step_; }

    const AdamConfig& config() const { return config_; }

private:
    AdamConfig config_;
    long step_ = 0;
    std::vector<arma::Mat<T>> m_, v_;
};

extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace rnn::rt
