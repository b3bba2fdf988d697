// The options of seed 001's plastic network ("EtherealRNN", docs/provenance.md §2.1-2.3) that are
// not tensor shapes: how its learner (plastic.hpp) runs it. The shapes (layers, the plastic
// fraction of the masks) are in NetworkShape, since they decide the tensors.
#pragma once

#include <cstdint>

namespace rnn::rt {

struct PlasticOptions {
    // What normalize does after each unified update of a layer: nothing; C alone divided by
    // its Frobenius norm + 1e-6 (over every trial's copy together); or, as the seed's code,
    // every floating-point tensor of the layer: C, the bias, the feedback matrix, and also
    // the plasticity P and the forget factor F (docs/provenance.md §2.10 item 2, reproduced).
    enum class Normalize : std::uint8_t { None, Weights, All };
    // Forgetting C <- C (1 - F) before each update, as the seed's code, or after it, as
    // its paper says (docs/provenance.md §2.1).
    enum class ForgetOrder : std::uint8_t { Before, After };
    // Whether dfa updates the hidden head i2h: the seed's code never does
    // (docs/provenance.md §2.2).
    enum class DfaHiddenHead : std::uint8_t { Frozen, Trained };
    // Under backprop the seed multiplies the plastic entries' gradient by plastic_rate
    // twice (scale_gradients, then the unified update: docs/provenance.md §2.10 item 3), or once.
    enum class BackpropPlasticity : std::uint8_t { Twice, Once };
    // Whether dfa's projected error is multiplied by the derivative of the layer's
    // activation (GELU', tanh' for i2h); the seed ignores it (docs/provenance.md §2.10 item 8).
    enum class DfaDerivative : std::uint8_t { Ignored, Used };

    bool residual = false;   // z <- z + [x, h_prev] after the GELU layers
    bool recurrence = true;  // false: h_t = 0
    Normalize normalize = Normalize::None;
    double self_grad = 0.0;     // s > 0: e += clamp(self_grad head, -s, s) under dfa
    double update_clip = 0.0;   // > 0: clamp the update of the plastic entries elementwise
    double weight_clip = 0.0;   // > 0: clamp C elementwise after each unified update
    double plastic_rate = 1.0;  // alpha: the plasticity P of the masked entries
    double forget_rate = 0.01;  // F on the masked entries
    ForgetOrder forget_order = ForgetOrder::Before;
    DfaHiddenHead dfa_hidden_head = DfaHiddenHead::Frozen;
    BackpropPlasticity backprop_plasticity = BackpropPlasticity::Twice;
    DfaDerivative dfa_derivative = DfaDerivative::Ignored;
};

}  // namespace rnn::rt
