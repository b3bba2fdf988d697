// What each network kind is, in one table: how many gate blocks its weights hold, whether
// it carries a cell state, whether its rates differ from its states, the names of its
// tensors by role, and which updaters can train it. The runtime (tensor layouts, forward
// passes, online learners), the stdlib (analyses of trained networks) and the checker
// read this table instead of switching on the kind, so adding a kind is a row here, its
// cell (runtime/*_cell.hpp) and its stdlib entry (stdlib/network.cpp).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace rnn::rt {

enum class CellKind { Rnn, Gru, Lstm, Ctrnn, Plastic };

// How a training changes the weights (docs/learning_rules.md): backpropagation through
// time over the whole sequence (optionally truncated to windows), or one of the online
// rules that update after every step (online.hpp).
enum class UpdateRule { Bptt, Backprop, Dfa };

// What a tensor is to its cell: decides which constraints make sense on it (symmetric and
// no_self need a square recurrent matrix; Dale's law needs a weight matrix) and how code
// that does not know the kind finds it (tensor_name). Every tensor of a fused kind has a
// role of its own. The plastic network's tensors have roles of their own (its learner
// ignores constraints): PlasticWeight its C matrices, PlasticMask the masks of plastic
// entries, Feedback dfa's fixed feedback matrices; its biases are Bias.
enum class TensorRole {
    Recurrent,
    Input,
    Bias,           // the one bias of rnn and ctrnn (b)
    RecurrentBias,  // gru and lstm: b_self, added to the recurrent projection
    InputBias,      // gru and lstm: b_input, added to the input projection
    Readout,
    ReadoutBias,
    InitialState,      // h0
    InitialCellState,  // lstm: c0
    PlasticWeight,
    PlasticMask,
    Feedback
};

// Whose default initialisers a kind's weights take (runtime/network.hpp, tensor_layout).
enum class InitDefaults {
    PyTorch,  // weights U(+-1/sqrt(units)); a single bias zeros, split biases as the weights
    Seed002,  // recurrent and readout N(0, 1/units), input N(0, 1), bias zeros
};

struct CellTraits {
    CellKind kind;
    std::string_view name;  // as scripts write it
    // Blocks of `units` rows in the recurrent and input weights: 1, 3 (gru: r, z, n) or 4
    // (lstm: i, f, g, o); 0 for the plastic network, which has layers instead.
    unsigned gates;
    bool cell_state;    // a second state c beside h (lstm): [h; c] is the full state
    bool rates_differ;  // the rates are phi(h), not the states (ctrnn)
    // A fused unroll runs it (forward(), bptt on the tape); false: only its own learner
    // runs it, under every updater, step by step (the plastic network).
    bool fused;
    InitDefaults defaults;
    // The readout is units x outputs and reads y = w^T r (seed 002's convention), not
    // outputs x units.
    bool readout_transposed;
    // The names of its tensors by role, as scripts write them ("": it has none).
    std::string_view recurrent, input, bias, recurrent_bias, input_bias, readout, readout_bias,
        initial_state, initial_cell_state;
    // The updaters beyond whole-sequence bptt, which every kind has.
    bool truncated_bptt;  // bptt(truncate: K): the fused unrolls cut the gradient
    bool backprop;        // per-step backprop
    bool dfa;             // direct feedback alignment: needs layers, and gates are not
};

inline constexpr std::array<CellTraits, 5> cell_traits_table = {{
    {.kind = CellKind::Rnn,
     .name = "rnn",
     .gates = 1,
     .cell_state = false,
     .rates_differ = false,
     .fused = true,
     .defaults = InitDefaults::PyTorch,
     .readout_transposed = false,
     .recurrent = "W_self",
     .input = "W_input",
     .bias = "b",
     .recurrent_bias = "",
     .input_bias = "",
     .readout = "W_out",
     .readout_bias = "b_out",
     .initial_state = "h0",
     .initial_cell_state = "",
     .truncated_bptt = true,
     .backprop = true,
     .dfa = true},
    {.kind = CellKind::Gru,
     .name = "gru",
     .gates = 3,
     .cell_state = false,
     .rates_differ = false,
     .fused = true,
     .defaults = InitDefaults::PyTorch,
     .readout_transposed = false,
     .recurrent = "W_self",
     .input = "W_input",
     .bias = "",
     .recurrent_bias = "b_self",
     .input_bias = "b_input",
     .readout = "W_out",
     .readout_bias = "b_out",
     .initial_state = "h0",
     .initial_cell_state = "",
     .truncated_bptt = true,
     .backprop = true,
     .dfa = false},
    {.kind = CellKind::Lstm,
     .name = "lstm",
     .gates = 4,
     .cell_state = true,
     .rates_differ = false,
     .fused = true,
     .defaults = InitDefaults::PyTorch,
     .readout_transposed = false,
     .recurrent = "W_self",
     .input = "W_input",
     .bias = "",
     .recurrent_bias = "b_self",
     .input_bias = "b_input",
     .readout = "W_out",
     .readout_bias = "b_out",
     .initial_state = "h0",
     .initial_cell_state = "c0",
     .truncated_bptt = true,
     .backprop = true,
     .dfa = false},
    {.kind = CellKind::Ctrnn,
     .name = "ctrnn",
     .gates = 1,
     .cell_state = false,
     .rates_differ = true,
     .fused = true,
     .defaults = InitDefaults::Seed002,
     .readout_transposed = true,
     .recurrent = "G",
     .input = "I",
     .bias = "b",
     .recurrent_bias = "",
     .input_bias = "",
     .readout = "w",
     .readout_bias = "b_out",
     .initial_state = "h0",
     .initial_cell_state = "",
     .truncated_bptt = true,
     .backprop = true,
     .dfa = true},
    // Its weights are families (C.NAME, bias.NAME, mask.NAME, feedback.NAME per layer; see
    // tensor_layout); its learner runs bptt, backprop and dfa, with no truncated window.
    {.kind = CellKind::Plastic,
     .name = "plastic",
     .gates = 0,
     .cell_state = false,
     .rates_differ = false,
     .fused = false,
     .defaults = InitDefaults::PyTorch,
     .readout_transposed = false,
     .recurrent = "",
     .input = "",
     .bias = "",
     .recurrent_bias = "",
     .input_bias = "",
     .readout = "",
     .readout_bias = "",
     .initial_state = "h0",
     .initial_cell_state = "",
     .truncated_bptt = false,
     .backprop = true,
     .dfa = true},
}};

constexpr const CellTraits& cell_traits(CellKind kind) {
    return cell_traits_table[static_cast<std::size_t>(kind)];
}

std::optional<CellKind> cell_kind_from_name(std::string_view name);
std::string_view cell_kind_name(CellKind kind);

// Whether the cell carries a second state beside h (an lstm's cell state c), which
// fixed-point analyses need to restart the network from a recorded time step.
constexpr bool has_cell_state(CellKind kind) {
    return cell_traits(kind).cell_state;
}

// The name of the kind's tensor with this role ("" when it has none, or, for the plastic
// network's families, none single).
std::string_view tensor_name(CellKind kind, TensorRole role);

// Whether the updater can train a network of this kind at all (truncated: bptt with a
// window). The checker says why not; the learners refuse what this refuses.
bool supports(const CellTraits& traits, UpdateRule rule, bool truncated = false);

// Whether a training of this kind under this rule learns step by step through an online
// learner: the online rules, and every rule for a kind without a fused unroll.
constexpr bool learns_online(const CellTraits& traits, UpdateRule rule) {
    return rule != UpdateRule::Bptt || !traits.fused;
}

}  // namespace rnn::rt
