#include "runtime/cell_traits.hpp"

namespace rnn::rt {

std::optional<CellKind> cell_kind_from_name(std::string_view name) {
    for (const CellTraits& t : cell_traits_table)
        if (t.name == name)
            return t.kind;
    return std::nullopt;
}

std::string_view cell_kind_name(CellKind kind) {
    return cell_traits(kind).name;
}

std::string_view tensor_name(CellKind kind, TensorRole role) {
    const CellTraits& t = cell_traits(kind);
    switch (role) {
        case TensorRole::Recurrent:
            return t.recurrent;
        case TensorRole::Input:
            return t.input;
        case TensorRole::Bias:
            return t.bias;
        case TensorRole::RecurrentBias:
            return t.recurrent_bias;
        case TensorRole::InputBias:
            return t.input_bias;
        case TensorRole::Readout:
            return t.readout;
        case TensorRole::ReadoutBias:
            return t.readout_bias;
        case TensorRole::InitialState:
            return t.initial_state;
        case TensorRole::InitialCellState:
            return t.initial_cell_state;
        case TensorRole::PlasticWeight:
        case TensorRole::PlasticMask:
        case TensorRole::Feedback:
            break;
    }
    return "";
}

bool supports(const CellTraits& traits, UpdateRule rule, bool truncated) {
    switch (rule) {
        case UpdateRule::Bptt:
            return !truncated || traits.truncated_bptt;
        case UpdateRule::Backprop:
            return traits.backprop;
        case UpdateRule::Dfa:
            return traits.dfa;
    }
    return false;
}

}  // namespace rnn::rt
