#include "interpreter/check/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "runtime/files.hpp"

namespace rnn::interp {

namespace {

constexpr double kFloat = 4.0;  // training and evaluation compute in float32
// `rnn run` of a tiny script peaks at 12 MB resident (2026-12, Release build).
constexpr double kProgram = 16.0 * 1024 * 1024;

// Numbers per unit and column (trial x step) that a pass keeps at its peak. Measured: a
// bptt step of rnn keeps the states, their gradient and the pre-activation gradient (3); gru
// and lstm add their gates, the input projections and those gradients (12); ctrnn its rates
// and their gradient (7). A forward pass keeps the states and, for gru and lstm, the gates
// and projections until the step ends. A per-step learner writes the states and a copy.
double per_unit(rt::CellKind kind, PassKind pass) {
    if (pass == PassKind::Online)
        return 2.0;
    const bool bptt = pass == PassKind::Bptt;
    switch (kind) {
        case rt::CellKind::Rnn:
            return bptt ? 3.0 : 1.0;
        case rt::CellKind::Gru:
            return bptt ? 12.0 : 8.0;
        case rt::CellKind::Lstm:
            return bptt ? 12.0 : 7.0;
        case rt::CellKind::Ctrnn:
            return bptt ? 7.0 : 4.0;
        case rt::CellKind::Plastic:
            return 2.0;  // its learner writes states and outputs; the rest is per layer
    }
    return 12.0;
}

// The pass of `trials` trials: per column the states and what the cell keeps, the inputs
// (the batch's and the tape's copy), the readout, its target and the loss's intermediates;
// and the plastic network's fast weights, one copy per trial (bptt: and their gradient).
double pass_bytes(const MemoryShape& s, PassKind pass, double trials) {
    const bool training = pass != PassKind::Evaluation;
    const double columns = trials * s.steps;
    double per_column =
        per_unit(s.kind, pass) * s.units
        + (training ? 10.0 + 4.5 * (s.inputs + s.outputs) : 2.0 + 4.0 * (s.inputs + s.outputs));
    if (training && s.noise)
        per_column += 2.0 * s.units;  // the noise and the reverse pass's copy of it
    if (pass == PassKind::Bptt)
        per_column += 2.0 * s.step_values;  // plastic bptt keeps every step's layers
    const double fast = (pass == PassKind::Bptt ? 2.3 : 1.2) * s.fast_weights * trials;
    return kFloat * (per_column * columns + fast);
}

}  // namespace

MemoryEstimate estimate_memory(const MemoryShape& s) {
    MemoryEstimate e;
    e.program = kProgram;
    e.task = s.task_bytes;
    const bool training = s.pass != PassKind::Evaluation;
    // Training: raw and effective values on the tape and their gradients, the optimizer's
    // moments and step temporaries, the checkpoint's and the cache's copies (measured 15
    // copies for rnn and gru of 1000 to 4000 units). Evaluation: the trained network, its
    // copy and the tape's.
    e.parameters = kFloat * (training ? 16.0 : 6.0) * s.parameters;
    e.pass = pass_bytes(s, s.pass, s.trials);
    if (training && s.validation_trials > 0) {
        // The validation runs the plastic network through its learner, others forward.
        const PassKind validation =
            s.kind == rt::CellKind::Plastic ? PassKind::Online : PassKind::Evaluation;
        const double v = pass_bytes(s, validation, s.validation_trials);
        e.validation_larger = v > e.pass;
        e.pass = std::max(e.pass, v);
    }
    if (!training && s.keep_activity) {
        // The activity (and the lstm's cell states) as trials x units x steps, plus the
        // copy the cache writes, and the inputs as the network saw them.
        const double cells = s.kind == rt::CellKind::Lstm ? 2.0 : 0.0;
        e.activity = kFloat * s.trials * s.steps * ((2.0 + cells) * s.units + s.inputs);
    }
    if (!training)
        e.saved = 2.0 * saved_file_bytes(s.trials, s.steps, s.saved);
    return e;
}

double saved_file_bytes(double trials, double steps, double width) {
    return kFloat * trials * steps * width;
}

double retained_bytes(const MemoryShape& s, double signals) {
    if (s.pass != PassKind::Evaluation)
        return kFloat * s.parameters;
    const double cells = s.kind == rt::CellKind::Lstm ? 1.0 : 0.0;
    const double kept = s.keep_activity ? (1.0 + cells) * s.units + s.inputs : 0.0;
    return kFloat * s.trials * s.steps * (signals + kept);
}

std::string format_bytes(double bytes) {
    return rt::describe_size(static_cast<std::uint64_t>(std::llround(std::max(bytes, 0.0))));
}

}  // namespace rnn::interp
