#include "runtime/activation.hpp"

namespace rnn::rt {

std::optional<Activation> activation_from_name(std::string_view name) {
    if (name == "tanh")
        return Activation::Tanh;
    if (name == "relu")
        return Activation::Relu;
    if (name == "linear")
        return Activation::Linear;
    if (name == "sigmoid")
        return Activation::Sigmoid;
    if (name == "softplus")
        return Activation::Softplus;
    return std::nullopt;
}

std::string_view activation_name(Activation a) {
    switch (a) {
        case Activation::Tanh:
            return "tanh";
        case Activation::Relu:
            return "relu";
        case Activation::Linear:
            return "linear";
        case Activation::Sigmoid:
            return "sigmoid";
        case Activation::Softplus:
            return "softplus";
    }
    return "?";
}

}  // namespace rnn::rt
