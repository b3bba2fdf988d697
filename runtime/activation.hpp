// Pointwise activations and their derivatives. Every derivative is written in terms of the
// activation's *output*, so the fused cells keep only their states for the reverse pass.
#pragma once

#include <cmath>
#include <optional>
#include <string_view>

#include <armadillo>

#include "runtime/vector_math.hpp"

namespace rnn::rt {

enum class Activation { Tanh, Relu, Linear, Sigmoid, Softplus };

std::optional<Activation> activation_from_name(std::string_view name);
std::string_view activation_name(Activation a);

template <typename T> void apply_activation(Activation a, arma::Mat<T>& x) {
    switch (a) {
        case Activation::Tanh:
            tanh_inplace(x.memptr(), x.n_elem);
            break;
        case Activation::Relu:
            x.transform([](T v) { return v > T(0) ? v : T(0); });
            break;
        case Activation::Linear:
            break;
        case Activation::Sigmoid:
            sigmoid_inplace(x.memptr(), x.n_elem);
            break;
        case Activation::Softplus:
            // log(1 + e^v) without overflow for large v.
            x.transform([](T v) { return v > T(20) ? v : std::log1p(std::exp(v)); });
            break;
    }
}

// grad *= phi'(.) evaluated from the activation output y.
template <typename T>
void multiply_by_derivative(Activation a, const arma::Mat<T>& y, arma::Mat<T>& grad) {
    switch (a) {
        case Activation::Tanh:
            grad %= T(1) - y % y;
            break;
        case Activation::Relu:
            for (arma::uword i = 0; i < y.n_elem; ++i)
                if (!(y[i] > T(0)))
                    grad[i] = T(0);
            break;
        case Activation::Linear:
            break;
        case Activation::Sigmoid:
            grad %= y % (T(1) - y);
            break;
        case Activation::Softplus:
            grad %= T(1) - arma::exp(-y);  // sigmoid(v) = 1 - exp(-softplus(v))
            break;
    }
}

}  // namespace rnn::rt
