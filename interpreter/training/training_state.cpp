#include "interpreter/training/training_state.hpp"

#include "interpreter/training/history.hpp"

namespace rnn::interp {

TrainingState::TrainingState(const Program& program, const TrainDef& def,
                             const stdlib::TaskInstance& task, std::uint64_t seed)
    : optimizer(def.optimizer), noise(rt::stream_key(seed, "train " + def.name + " / noise")) {
    trained.net = build_network(program.networks.at(def.network), task.input_size(), seed);
    trained.history.columns =
        history_columns(def, program.tasks.at(def.task).entry->metrics, validated_levels(task));
    const std::vector<long> levels = task.levels();
    level = levels.empty() ? 0 : levels.front();
}

}  // namespace rnn::interp
