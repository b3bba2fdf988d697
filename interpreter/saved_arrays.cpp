#include "interpreter/saved_arrays.hpp"

#include <algorithm>

namespace rnn::interp {

const std::vector<SavedArrayInfo>& saved_array_table() {
    using A = SavedArray;
    static const std::vector<SavedArrayInfo> table = {
        {A::States, "states", false, "the hidden state h after each input step (units wide)"},
        {A::Rates, "rates", false, "the rates phi(h) of a ctrnn, which differ from its states"},
        {A::Cells, "cells", false, "an lstm's cell state c (units wide)"},
        {A::Outputs, "outputs", true, "the readout y = W_out r + b_out, logits unnormalised"},
        {A::Inputs, "inputs", false, "the inputs as the network saw them, clamps applied"},
        {A::Targets, "targets", true,
         "the task's target at every step (class numbers for a choice task)"},
        {A::Mask, "mask", false, "the task's masks, one channel per mask in its order"},
    };
    return table;
}

const SavedArrayInfo& saved_array_info(SavedArray which) {
    for (const auto& row : saved_array_table())
        if (row.which == which)
            return row;
    return saved_array_table().front();
}

std::optional<SavedArray> saved_array_named(std::string_view word) {
    for (const auto& row : saved_array_table())
        if (row.word == word)
            return row.which;
    return std::nullopt;
}

std::vector<std::string> saved_array_words() {
    std::vector<std::string> out;
    for (const auto& row : saved_array_table())
        out.emplace_back(row.word);
    return out;
}

std::string why_not_saved(SavedArray which, const SaveSource& source) {
    const rt::CellTraits& traits = rt::cell_traits(source.kind);
    switch (which) {
        case SavedArray::States:
        case SavedArray::Inputs:
            return "";
        case SavedArray::Rates:
            return traits.rates_differ ? ""
                                       : "the rates of '" + std::string(traits.name)
                                             + "' networks are their states: save 'states'";
        case SavedArray::Cells:
            return traits.cell_state ? ""
                                     : "only an lstm has a cell state; the whole state of '"
                                           + std::string(traits.name) + "' networks is 'states'";
        case SavedArray::Outputs:
            return source.readout ? ""
                                  : "the network has no readout ('outputs = N'): the task reads "
                                    "its states, so save 'states'";
        case SavedArray::Targets:
            return source.step_targets ? ""
                                       : "the task has no target at every step (its signals "
                                         "are written anyway)";
        case SavedArray::Mask:
            return source.masks ? "" : "the task names no mask";
    }
    return "";
}

std::vector<SavedArray> arrays_written(const std::vector<SavedArray>& requested,
                                       const SaveSource& source) {
    std::vector<SavedArray> out;
    for (const auto& row : saved_array_table()) {
        const bool asked =
            std::find(requested.begin(), requested.end(), row.which) != requested.end();
        if ((asked || row.always) && why_not_saved(row.which, source).empty())
            out.push_back(row.which);
    }
    return out;
}

}  // namespace rnn::interp
