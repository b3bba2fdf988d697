// The epoch loop of `train`: each epoch takes the planned steps (epoch_plan.hpp) through the
// step runner (step_runner.hpp), records its history row with any validation, tells its
// observers (the curriculum, early stop), and checkpoints when asked.
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "interpreter/training.hpp"
#include "interpreter/training/build.hpp"
#include "interpreter/training/checkpoint_codec.hpp"
#include "interpreter/training/curriculum.hpp"
#include "interpreter/training/early_stop.hpp"
#include "interpreter/training/epoch_plan.hpp"
#include "interpreter/training/history.hpp"
#include "interpreter/training/step_runner.hpp"
#include "interpreter/training/training_state.hpp"
#include "interpreter/training/validation.hpp"
#include "runtime/random.hpp"

namespace rnn::interp {

namespace {

// A checkpoint only shortens a later resume, so one that cannot be written (a full disk, a
// folder that cannot be written) is a warning and the training goes on: hours of epochs
// are worth more than the checkpoint. Memory is not among the reasons: the run stops.
void save_checkpoint(const TrainCheckpoints& checkpoints, const std::string& name,
                     const TrainingState& state, long epochs_done) {
    try {
        checkpoints.save(training_checkpoint(name, state));
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        if (checkpoints.warn)
            checkpoints.warn(fmt::format(
                "train {}: warning: the checkpoint after epoch {} could not be saved ({}); the "
                "training goes on, and a resume after an interruption starts from the last "
                "checkpoint saved",
                name, epochs_done, e.what()));
    }
}

TrainedNetwork run_epochs(const Program& program, const TrainDef& def,
                          const stdlib::TaskInstance& task, const EpochCallback& on_epoch,
                          const TrainCheckpoints& checkpoints) {
    const std::uint64_t seed = training_seed(program, def);
    const std::vector<stdlib::MetricSpec>& metrics = program.tasks.at(def.task).entry->metrics;
    const std::vector<long> levels = task.levels();
    const std::vector<long> validated = validated_levels(task);
    TrainingState state(program, def, task, seed);
    if (checkpoints.resume != nullptr)
        restore_training(*checkpoints.resume, def.name, state);
    TrainedNetwork& out = state.trained;
    PassRunner passes(def, task, metrics, state.noise);
    const std::unique_ptr<StepRunner> steps = make_step_runner(def, seed, out.net, state.optimizer);
    Validator validator(def, task, seed, validated, state.next_validation_trial);
    std::vector<std::unique_ptr<EpochObserver>> observers;
    if (def.curriculum)
        observers.push_back(
            std::make_unique<Curriculum>(*def.curriculum, levels, state.level, state.level_streak));
    if (def.stop)
        observers.push_back(std::make_unique<EarlyStop>(*def.stop, state.stop_streak));
    const std::uint64_t trials_key = rt::stream_key(seed, "train " + def.name + " / trials");
    for (long epoch = out.epochs_run; epoch < def.epochs; ++epoch) {
        const std::vector<PlannedStep> plan = plan_epoch(def, levels, state.level);
        EpochTotals totals(def.loss.size());
        for (std::size_t k = 0; k < plan.size(); ++k) {
            const stdlib::TrialBatch batch =
                task.training_batch(step_request(def, epoch, plan, k),
                                    stdlib::TrialDraws(trials_key, state.next_trial));
            state.next_trial += batch.batch;
            if (!steps->take(passes, batch, {epoch, k, plan.size()}, totals)) {
                ++out.nan_epochs;
                break;
            }
        }
        totals.average(metrics);
        const bool validating = validator.due(epoch);
        const std::vector<LevelValidation> validations =
            validating ? validator.run(epoch, out.net, passes) : std::vector<LevelValidation>{};
        out.history.rows.push_back(history_row(def, metrics, epoch, totals,
                                               validating ? &validations : nullptr,
                                               validated.size(), state.level));
        out.epochs_run = epoch + 1;
        out.final_loss = totals.loss;
        if (on_epoch)
            on_epoch(epoch, def.epochs, totals.loss, totals.metrics);
        bool stop = false;
        for (const auto& observer : observers)
            stop = observer->end_epoch({epoch, totals.loss, totals.metrics, validations}) || stop;
        if (stop) {  // only the early stop asks to
            out.stopped_early = true;
            break;
        }
        if (checkpoints.after_epoch && epoch + 1 < def.epochs) {
            const AfterEpoch next = checkpoints.after_epoch(epoch + 1);
            if (next != AfterEpoch::Continue && checkpoints.save)
                save_checkpoint(checkpoints, def.name, state, epoch + 1);
            if (next == AfterEpoch::CheckpointAndStop) {
                out.interrupted = true;
                break;
            }
        }
    }
    return std::move(out);
}

}  // namespace

TrainedNetwork train(const Program& program, const TrainDef& def, const stdlib::TaskInstance& task,
                     const EpochCallback& on_epoch, const TrainCheckpoints& checkpoints) {
    try {
        return run_epochs(program, def, task, on_epoch, checkpoints);
    } catch (const std::bad_alloc&) {
        // The check's estimate (check/memory_estimate.hpp) let it start; say what to reduce
        // rather than "std::bad_alloc".
        throw RuntimeFailure(fmt::format(
            "out of memory while training on batches of {} trials of up to {} steps through {} "
            "units: reduce 'batch', the trials' length or the network's 'units'",
            def.batch, task.steps(), program.networks.at(def.network).params.integer("units")));
    }
}

}  // namespace rnn::interp
