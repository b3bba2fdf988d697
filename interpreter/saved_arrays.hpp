// What an evaluation writes to its folder besides its signals (`save = [...]` in an evaluate
// block, docs/run_directory.md): one typed word per array, whether every evaluation that has
// it writes it (the small ones, as wide as a readout) or only one that asks (as wide as the
// network), and the one test of whether a network and a task have it. The checker, the
// evaluation, the memory estimate and `rnn check`'s size line read this table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cell_traits.hpp"

namespace rnn::interp {

enum class SavedArray { States, Rates, Cells, Outputs, Inputs, Targets, Mask };

struct SavedArrayInfo {
    SavedArray which;
    std::string_view word;  // as `save` writes it, and the file's stem (states.npy)
    bool always;            // written by every evaluation that has it
    std::string_view doc;   // one line
};

// In the order the files are described and written.
const std::vector<SavedArrayInfo>& saved_array_table();
const SavedArrayInfo& saved_array_info(SavedArray which);
std::optional<SavedArray> saved_array_named(std::string_view word);
std::vector<std::string> saved_array_words();

// What decides which arrays an evaluation has.
struct SaveSource {
    rt::CellKind kind = rt::CellKind::Rnn;
    bool readout = false;       // the network has outputs
    bool step_targets = false;  // the task has a target at every step
    bool masks = false;         // the task names masks
};

// "" when the evaluation has the array; otherwise why not and what to save instead, for a
// diagnostic.
std::string why_not_saved(SavedArray which, const SaveSource& source);

// The arrays an evaluation writes: those it has among the always-written ones, and the
// requested ones, in table order, each once.
std::vector<SavedArray> arrays_written(const std::vector<SavedArray>& requested,
                                       const SaveSource& source);

}  // namespace rnn::interp
