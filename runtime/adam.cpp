#include "runtime/adam.hpp"

#include <cmath>
#include <stdexcept>

namespace rnn::rt {

template <typename T>
void Adam<T>::step(const std::vector<arma::Mat<T>*>& params,
                   const std::vector<const arma::Mat<T>*>& grads) {
    if (params.size() != grads.size())
        throw std::invalid_argument("Adam: params and grads differ");
    if (m_.empty()) {
        for (const auto* p : params) {
            m_.emplace_back(p->n_rows, p->n_cols, arma::fill::zeros);
            v_.emplace_back(p->n_rows, p->n_cols, arma::fill::zeros);
        }
    }
    if (m_.size() != params.size())
        throw std::invalid_argument("Adam: parameter list changed");
    ++step_;
    const T beta1 = static_cast<T>(config_.beta1);
    const T beta2 = static_cast<T>(config_.beta2);
    const T bias1 = T(1) - static_cast<T>(std::pow(config_.beta1, static_cast<double>(step_)));
    const T bias2 = T(1) - static_cast<T>(std::pow(config_.beta2, static_cast<double>(step_)));
    const T step_size = static_cast<T>(config_.lr) / bias1;
    const T bias2_sqrt = std::sqrt(bias2);
    const T eps = static_cast<T>(config_.eps);
    const T decay = static_cast<T>(config_.weight_decay);
    for (std::size_t i = 0; i < params.size(); ++i) {
        arma::Mat<T>& p = *params[i];
        const arma::Mat<T>& g = *grads[i];
        arma::Mat<T>& m = m_[i];
        arma::Mat<T>& v = v_[i];
        for (arma::uword k = 0; k < p.n_elem; ++k) {
            const T gk = decay != T(0) ? g[k] + decay * p[k] : g[k];
            m[k] = beta1 * m[k] + (T(1) - beta1) * gk;
            v[k] = beta2 * v[k] + (T(1) - beta2) * gk * gk;
            const T denom = std::sqrt(v[k]) / bias2_sqrt + eps;
            p[k] -= step_size * m[k] / denom;
        }
    }
}

template class Adam<float>;
template class Adam<double>;

}  // namespace rnn::rt
