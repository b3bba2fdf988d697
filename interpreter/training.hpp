// Training and evaluation of one network on one task: builds the runtime network from its
// checked definition, runs the epochs (schedule, loss terms, optimizer and clipping, early
// stopping), and evaluates trained weights on fresh trials. The random streams are named by entity
// path (docs/architecture.md), so results depend only on the script and its seed.
// This header is the public API; its parts live in interpreter/training/, one job per file
// (docs/architecture.md, "Training").
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "interpreter/program.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/network.hpp"
#include "stdlib/results.hpp"

namespace rnn::interp {

// A failure while running (not a script error): the message names the node and epoch.
class RuntimeFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct TrainedNetwork {
    rt::Network<float> net;
    stdlib::History history;
    long epochs_run = 0;
    bool stopped_early = false;
    bool interrupted = false;  // stopped by TrainCheckpoints::after_epoch, with a checkpoint
    long nan_epochs = 0;       // epochs cut short by a non-finite loss (on_nan = end_epoch)
    double final_loss = 0.0;
};

struct Evaluation {
    std::vector<std::string> metric_names;
    std::map<std::string, std::vector<double>> per_trial;  // metric -> value per trial
    std::map<std::string, arma::fmat> signals;             // signal -> trials x steps
    std::vector<long> condition;
    std::vector<stdlib::Period> periods;
    // With EvaluateDef::keep_activity: the activity (rates; the hidden state for kinds
    // without a separate rate) and the inputs, trials x features x steps, and the trials'
    // labels ("condition" and the task's own).
    arma::fcube activity;
    arma::fcube inputs;
    std::map<std::string, std::vector<long>> labels;
    arma::fcube cells;  // the lstm's cell states, as activity (empty for other kinds)
    // What the evaluation writes to its folder and no later node reads (so not in its cache
    // state): each of EvaluateDef::arrays as features x (trials * steps), column
    // t * trials + b, and for trials.csv the catch flags and the variables the task drew.
    std::vector<std::pair<SavedArray, arma::fmat>> saved;
    std::vector<std::uint8_t> catch_trial;
    std::vector<stdlib::TrialVariable> variables;
};

// Called after each epoch with (epoch index, total epochs, loss, metrics of the epoch).
using EpochCallback = std::function<void(long, long, double, const std::map<std::string, double>&)>;

// The initial network of a definition, for a task's input size, drawn from the streams of
// (seed, "network NAME / TENSOR"), a pinned seed or a shared named stream.
rt::Network<float> build_network(const NetworkDef& def, arma::uword inputs, std::uint64_t seed);

// Checkpointing of one training. A checkpoint holds everything the next epoch depends on
// (raw parameters, optimizer moments and step count, the trial and noise streams, the
// epoch counter, the early-stop streak, the history so far), so a training resumed from
// it ends bit-identical to one never interrupted. The data cursor of a task is its epoch
// index plus the trial stream. (Fast weights join it with the plastic network.)
enum class AfterEpoch { Continue, Checkpoint, CheckpointAndStop };

struct TrainCheckpoints {
    const rt::Checkpoint* resume = nullptr;  // go on from this checkpoint of the same training
    // Asked after each epoch with the number of epochs done (not after the last one).
    std::function<AfterEpoch(long)> after_epoch;
    std::function<void(const rt::Checkpoint&)> save;  // called for Checkpoint*
    // Told, with the reason, when `save` fails (a full disk, a folder that cannot be
    // written): the training goes on without that checkpoint (docs/run_directory.md).
    std::function<void(const std::string&)> warn;
};

TrainedNetwork train(const Program& program, const TrainDef& def, const stdlib::TaskInstance& task,
                     const EpochCallback& on_epoch, const TrainCheckpoints& checkpoints = {});

Evaluation evaluate(const Program& program, const EvaluateDef& def, const rt::Network<float>& net,
                    const stdlib::TaskInstance& task, const TaskDef& task_def);

// The network of an `alter` from the trained network it changes: every tensor's effective
// value, scaled and set as the alter says, becomes a fixed raw value; the lesion is a mask
// on the effective values (alter_constraints), so it holds in anything run on the result.
// Throws RuntimeFailure for an entry outside its tensor.
TrainedNetwork alter(const AlterDef& def, const TrainedNetwork& base);

// The constraints of an altered network (fixed, and the lesion's masks), for a network
// restored from the raw values alter() made.
void alter_constraints(const AlterDef& def, rt::Network<float>& net);

// The effective value of a named tensor of a trained network.
arma::fmat trained_tensor(const TrainedNetwork& trained, const std::string& name);

// The stream key of a task's setup draws (fixed patterns and the like).
std::uint64_t task_setup_key(const Program& program, const std::string& task_name);

// The task of a definition, its fixed data drawn from the root of its variant chain.
std::unique_ptr<stdlib::TaskInstance> make_task(const Program& program, const TaskDef& def);

}  // namespace rnn::interp
