#include "runtime/optimizer.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace rnn::rt {

std::string_view optimizer_name(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd:
            return "sgd";
        case OptimizerKind::Adam:
            return "adam";
        case OptimizerKind::AdamW:
            return "adamw";
    }
    return "?";
}

template <typename T>
void Optimizer<T>::step(const std::vector<arma::Mat<T>*>& params,
                        const std::vector<const arma::Mat<T>*>& grads) {
    if (params.size() != grads.size())
        throw std::invalid_argument("optimizer: params and grads differ");
    if (m_.empty()) {
        for (const auto* p : params) {
            m_.emplace_back(p->n_rows, p->n_cols, arma::fill::zeros);
            v_.emplace_back(p->n_rows, p->n_cols, arma::fill::zeros);
        }
    }
    if (m_.size() != params.size())
        throw std::invalid_argument("optimizer: parameter list changed");
    // A restored state may not fit these parameters; the updates index without checks.
    for (std::size_t i = 0; i < params.size(); ++i)
        if (arma::size(m_[i]) != arma::size(*params[i])
            || arma::size(*grads[i]) != arma::size(*params[i]))
            throw std::invalid_argument("optimizer: a parameter or gradient changed shape");
    ++step_;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (config_.kind == OptimizerKind::Sgd)
            sgd(*params[i], *grads[i], i);
        else
            adam(*params[i], *grads[i], i);
    }
}

template <typename T> void Optimizer<T>::restore(OptimizerState<T> state) {
    if (state.kind != config_.kind)
        throw std::invalid_argument(
            fmt::format("optimizer: the state is of {}, this optimizer is {}",
                        optimizer_name(state.kind), optimizer_name(config_.kind)));
    if (state.steps < 0)
        throw std::invalid_argument("optimizer: negative step count");
    if (state.m.size() != state.v.size())
        throw std::invalid_argument(
            "optimizer: the state has different numbers of m and v buffers");
    for (std::size_t i = 0; i < state.m.size(); ++i)
        if (arma::size(state.m[i]) != arma::size(state.v[i]))
            throw std::invalid_argument(
                fmt::format("optimizer: the state's buffers for parameter {} differ in shape", i));
    step_ = state.steps;
    m_ = std::move(state.m);
    v_ = std::move(state.v);
}

template <typename T>
void Optimizer<T>::sgd(arma::Mat<T>& p, const arma::Mat<T>& g, std::size_t i) {
    const T lr = static_cast<T>(config_.lr);
    const T decay = static_cast<T>(config_.weight_decay);
    const T momentum = static_cast<T>(config_.momentum);
    const T dampening = static_cast<T>(config_.dampening);
    arma::Mat<T>& buf = m_[i];
    for (arma::uword k = 0; k < p.n_elem; ++k) {
        T d = decay != T(0) ? g[k] + decay * p[k] : g[k];
        if (momentum != T(0)) {
            // PyTorch starts the buffer at the first gradient, undamped.
            buf[k] = step_ == 1 ? d : momentum * buf[k] + (T(1) - dampening) * d;
            d = config_.nesterov ? d + momentum * buf[k] : buf[k];
        }
        p[k] -= lr * d;
    }
}

template <typename T>
void Optimizer<T>::adam(arma::Mat<T>& p, const arma::Mat<T>& g, std::size_t i) {
    const T beta1 = static_cast<T>(config_.beta1);
    const T beta2 = static_cast<T>(config_.beta2);
    const T bias1 = T(1) - static_cast<T>(std::pow(config_.beta1, static_cast<double>(step_)));
    const T bias2 = T(1) - static_cast<T>(std::pow(config_.beta2, static_cast<double>(step_)));
    const T step_size = static_cast<T>(config_.lr) / bias1;
    const T bias2_sqrt = std::sqrt(bias2);
    const T eps = static_cast<T>(config_.eps);
    const T decay = static_cast<T>(config_.weight_decay);
    const bool decoupled = config_.kind == OptimizerKind::AdamW;
    if (decoupled && decay != T(0))
        p *= T(1) - static_cast<T>(config_.lr) * decay;
    arma::Mat<T>& m = m_[i];
    arma::Mat<T>& v = v_[i];
    for (arma::uword k = 0; k < p.n_elem; ++k) {
        const T gk = !decoupled && decay != T(0) ? g[k] + decay * p[k] : g[k];
        m[k] = beta1 * m[k] + (T(1) - beta1) * gk;
        v[k] = beta2 * v[k] + (T(1) - beta2) * gk * gk;
        const T denom = std::sqrt(v[k]) / bias2_sqrt + eps;
        p[k] -= step_size * m[k] / denom;
    }
}

template class Optimizer<float>;
template class Optimizer<double>;

template <typename T>
double clip_global_norm(const std::vector<arma::Mat<T>*>& grads, double max_norm) {
    double sum = 0.0;
    for (const auto* g : grads)
        for (const T x : *g)
            sum += static_cast<double>(x) * static_cast<double>(x);
    const double norm = std::sqrt(sum);
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0)
        for (auto* g : grads)
            *g *= static_cast<T>(coef);
    return norm;
}

template double clip_global_norm<float>(const std::vector<arma::Mat<float>*>&, double);
template double clip_global_norm<double>(const std::vector<arma::Mat<double>*>&, double);

}  // namespace rnn::rt
