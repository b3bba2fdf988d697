// Validation during training (`validate_every`): the loss and the task's metrics of the
// network as trained so far, on fresh trials at every level, without learning from them.
#pragma once

#include <cstdint>
#include <vector>

#include "interpreter/program.hpp"
#include "interpreter/training/epoch_record.hpp"
#include "interpreter/training/pass.hpp"
#include "runtime/network.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

class Validator {
public:
    // `next_trial` is the training's validation cursor (validation trials are numbered over
    // all validations); `validated` the levels validated, in order.
    Validator(const TrainDef& def, const stdlib::TaskInstance& task, std::uint64_t seed,
              std::vector<long> validated, std::uint64_t& next_trial);

    // Whether epoch `epoch` (from 0) ends with a validation.
    bool due(long epoch) const;

    // One batch per level, in order, on a frozen copy of `trained`.
    std::vector<LevelValidation> run(long epoch, const rt::Network<float>& trained,
                                     PassRunner& passes);

private:
    const TrainDef& def_;
    const stdlib::TaskInstance& task_;
    std::uint64_t seed_;
    std::uint64_t key_;
    std::vector<long> validated_;
    std::uint64_t& next_trial_;
};

}  // namespace rnn::interp
