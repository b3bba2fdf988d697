// How much memory a training or an evaluation needs at its peak, from its shapes alone, so
// that `rnn check` and `rnn run` can refuse one that cannot fit before it starts (a batch
// of ten million trials used to grow past 6 GB before failing).
//
// The estimate is a sum of terms, each a count of numbers times a factor measured against
// the peak resident memory of `rnn run` (docs/guide.md, "Memory", has the table; the factors
// are the copies the code keeps: the tape's values and gradients, the gates of gru and
// lstm, the optimizer's moments, the copies written to the cache). With N = trials x steps:
//
//   program      the rnn program, its libraries and buffers
//   parameters   every tensor of the network with its raw and effective values on the tape,
//                their gradients, the optimizer's moments and the trained copies saved
//   pass         the pass of the trials through the steps: per column of N the states and
//                what the cell keeps for its reverse pass (per unit, by kind and pass), the
//                inputs and targets, the readout and the loss (per input and output); and
//                the plastic network's per-trial fast weights
//   activity     an evaluation's activity kept for analyses and figures, with its copy in
//                the cache
//   saved        the arrays an evaluation writes (`save`): their copy out of the pass and
//                their .npy bytes, held until the node's files are written
#pragma once

#include <string>

#include "runtime/cell_traits.hpp"

namespace rnn::interp {

// The memory one training or evaluation may use: `--max-memory`, else what the system has
// available when the command starts (MemAvailable in /proc/meminfo).
struct MemoryLimit {
    double bytes = 0;
    std::string origin;   // how messages name it: "allowed by --max-memory 4G", "available now"
    bool option = false;  // given with --max-memory
    // Whether this process runs the whole program and so keeps every result until it ends
    // (not a Slurm driver or task, which each run a part).
    bool whole_run = true;
};

// What a pass through the network keeps for later.
enum class PassKind {
    Bptt,       // a training step by backpropagation through time: the whole tape
    Online,     // a training step of a per-step learner (backprop, dfa): the states only
    Evaluation  // a forward pass without gradients (evaluations, validations)
};

struct MemoryShape {
    rt::CellKind kind = rt::CellKind::Rnn;
    double units = 0, inputs = 0, outputs = 0;
    double parameters = 0;    // numbers in all of the network's tensors
    double fast_weights = 0;  // plastic: numbers in one trial's copy of its fast weights
    double step_values = 0;   // plastic: numbers one trial computes per step in all layers
    bool noise = false;       // state noise while training (kept for the reverse pass)
    PassKind pass = PassKind::Bptt;
    double trials = 0, steps = 0;
    double validation_trials = 0;  // a training's validation batch (a forward pass); 0: none
    bool keep_activity = false;    // an evaluation whose activity analyses or figures read
    double saved = 0;       // an evaluation's numbers per trial and step in the arrays it writes
    double task_bytes = 0;  // what the task itself holds (TaskEntry::held_bytes)
};

// Bytes, by where they go.
struct MemoryEstimate {
    double program = 0;
    double parameters = 0;
    double pass = 0;  // the larger of the training step and the validation
    double activity = 0;
    double saved = 0;
    double task = 0;                 // the task's own data (an arrays task's arrays)
    bool validation_larger = false;  // the validation's pass is the larger

    double total() const { return program + parameters + pass + activity + saved + task; }
};

// Whether the pass trains (Bptt, Online) decides the cost of the parameters; a training's
// validation is a forward pass on its own trials, after the step's tape is cleared.
MemoryEstimate estimate_memory(const MemoryShape& shape);

// What a run keeps of a finished training or evaluation until it ends (the engine holds
// every result for the nodes after it): a training's network; an evaluation's `signals`
// signals per trial and step and, when analyses read it, its activity and inputs.
double retained_bytes(const MemoryShape& shape, double signals);

// The bytes of the .npy files of an evaluation's saved arrays (their headers aside).
double saved_file_bytes(double trials, double steps, double width);

// An estimate in bytes for people, written as every size rnnlab reports
// (rt::describe_size): "512 bytes", "12 MiB", "6.9 GiB".
std::string format_bytes(double bytes);

}  // namespace rnn::interp
