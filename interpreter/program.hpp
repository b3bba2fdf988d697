// A checked program: every name resolved, every value typed and converted, ready to be
// lowered to the execution graph. Produced by check(); nothing here refers to syntax
// except the spans kept for runtime error messages.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/saved_arrays.hpp"
#include "runtime/online.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/parameter.hpp"
#include "runtime/signals.hpp"
#include "stdlib/registry.hpp"

namespace rnn::interp {

struct TaskDef {
    std::string name;
    const stdlib::TaskEntry* entry = nullptr;
    stdlib::Params params;  // complete: defaults filled in
    ast::Span span;
    // Whose fixed data (patterns, pool) the task draws: the root of its variant chain, so
    // that a model can be evaluated on a variant (noisier input) of the task it learned.
    std::string data_origin;
    // Content hashes of the files its File parameters name, for the node key: a changed
    // corpus re-runs the task and everything downstream.
    std::string files_key;
    // A task the script declares (paradigm, arrays: TaskOrigin) has an entry of its own,
    // made by the checker; `entry` points at it. Its definition beyond `params` (the
    // paradigm's variables, periods, inputs and target) is `definition_key`, a canonical
    // text that enters the node key.
    std::shared_ptr<const stdlib::TaskEntry> own_entry;
    std::string definition_key;
};

struct TensorDef {
    std::string name;
    rt::Constraint constraint;
    std::optional<rt::Initializer> init;  // none: the kind's default
    std::optional<std::uint64_t> pinned_seed;
    std::string stream;                    // shared named stream, or ""
    std::string init_text;                 // as written, for the manifest
    std::optional<arma::mat> init_values;  // `init load("file.npy")`: the raw value itself
    std::string arrays_key;  // content hashes of loaded arrays (init, mask), for node keys
};

struct NetworkDef {
    std::string name;
    const stdlib::NetworkEntry* entry = nullptr;
    stdlib::Params params;
    std::map<std::string, TensorDef> tensors;  // only those given modifiers
    ast::Span span;
};

// A loss expression, typed: every node is a scalar.
struct LossNode {
    enum class Kind {
        Constant,
        Add,
        Sub,
        Mul,
        Div,
        Neg,
        Reduce,
        FixedPoint,
        L2,
        L1,
        RateL2,
        MaskedMse,     // masked_mse(output, target, mask: M [, per: trial | pooled])
        CrossEntropy,  // cross_entropy(logits, target [, mask: M] [, ignore: -1])
    };
    Kind kind = Kind::Constant;
    double value = 0.0;              // Constant
    std::vector<LossNode> children;  // Add/Sub/Mul/Div: 2, Neg: 1
    std::string signal, period;      // Reduce
    rt::TimeReduction reduction = rt::TimeReduction::Mean;
    std::string tensor;    // FixedPoint, L2, L1
    bool raw = false;      // L2, L1 of the raw (unconstrained) parameter
    std::string matrix;    // FixedPoint: the task matrix of patterns
    std::string mask;      // MaskedMse, CrossEntropy: the task's mask ("" for CrossEntropy: all)
    bool pooled = false;   // MaskedMse: one mean over all masked steps instead of per trial
    double ignore = -1.0;  // CrossEntropy: the target value that is not evaluated
    ast::Span span;
};

// One additive term of the loss, recorded separately in the history.
struct LossTerm {
    std::string name;  // history column, "loss_..."
    double sign = 1.0;
    LossNode node;
    std::string text;  // as written
};

struct Comparison {
    enum class Op { AtLeast, Above, AtMost, Below };  // >=, >, <=, <
    std::string metric;
    Op op = Op::AtLeast;
    double threshold = 0.0;
};

// The comparison operators as scripts write them, in one table: the checker reads them,
// node keys print them.
inline constexpr std::array<std::pair<Comparison::Op, std::string_view>, 4> comparison_ops = {{
    {Comparison::Op::AtLeast, ">="},
    {Comparison::Op::Above, ">"},
    {Comparison::Op::AtMost, "<="},
    {Comparison::Op::Below, "<"},
}};

constexpr std::string_view comparison_text(Comparison::Op op) {
    for (const auto& [o, text] : comparison_ops)
        if (o == op)
            return text;
    return "?";
}

constexpr std::optional<Comparison::Op> comparison_op(std::string_view text) {
    for (const auto& [op, t] : comparison_ops)
        if (t == text)
            return op;
    return std::nullopt;
}

// Stop once every comparison has held on `epochs` consecutive epochs.
struct StopRule {
    std::vector<Comparison> all;
    long epochs = 1;
};

// Seed 004's curriculum (docs/provenance.md §4.4): training starts at the shortest length; after
// `patience` validations in a row with `metric` >= `threshold` at the current length, the
// next length is added. With earlier lengths active, an epoch is one step on
// floor(batch (1 - mix)) trials of the current length, then one step per earlier length on
// max(1, floor(rest / (#active - 1))) trials (replay as separate steps).
struct CurriculumDef {
    double threshold = 0.9;
    long patience = 5;
    double mix = 0.3;
    std::string metric;         // a metric of the task, validated at the current length
    bool mixed_replay = false;  // replay earlier levels inside the batch, not as own steps
};

struct TrainDef {
    std::string name;
    std::string network;
    std::string task;
    std::string updater = "bptt";  // as written, canonical: "bptt(truncate: 50)"
    rt::UpdateRule rule = rt::UpdateRule::Bptt;
    long truncate = 0;  // bptt: steps per window of the backward pass; 0: the whole trial
    rt::OptimizerConfig optimizer;
    double clip_norm = 0.0;  // global gradient norm limit; 0: no clipping
    std::vector<LossTerm> loss;
    std::string schedule;
    long epochs = 100;
    long batch = 1;    // trials per optimizer step (tasks whose schedule fixes it ignore it)
    long batches = 1;  // optimizer steps per epoch
    std::optional<CurriculumDef> curriculum;  // with schedule "curriculum"
    long validate_every = 0;                  // epochs between validations; 0: never
    long validate_trials = 0;                 // trials per validation batch; 0: batch
    // on_nan = end_epoch: a non-finite loss or gradient ends the epoch without a step
    // (seed 002); otherwise (on_nan = stop) it ends the run with an error.
    bool nan_ends_epoch = false;
    std::optional<StopRule> stop;
    std::optional<std::uint64_t> seed;  // replaces the script seed for this training's draws
    ast::Span span;
};

// One change of `alter`: `W_self : scale 0.5` multiplies the tensor's effective value,
// `W_self : set [0, 1, 0.5]` sets one entry (row, column, value; indices from 0).
struct AlterOp {
    enum class Kind { Scale, Set };
    Kind kind = Kind::Scale;
    std::string tensor;
    double value = 0.0;        // the factor, or the entry's new value
    long row = 0, column = 0;  // Set
    std::string text;          // as written, for :show and the manifest
    ast::Span span;
};

// `alter NAME = TRAIN { lesion = [...], TENSOR : scale X, set [...] }`: the trained network
// of TRAIN with changed weights, usable wherever a training is (evaluate, analyses,
// figures). A lesioned unit's recurrent weights in and out and its readout are zero, by a
// mask on the effective values, so nothing run on the altered network revives them.
struct AlterDef {
    std::string name;
    std::string train;         // the training it changes
    std::vector<long> lesion;  // units, from 0, sorted, each once
    std::vector<AlterOp> ops;  // applied in order, before the lesion
    ast::Span span;
};

// `clamp = input(CHANNEL, VALUE, during: PERIOD)`: the input channel holds VALUE at the
// steps of PERIOD ("": every step) of every evaluation trial.
struct ClampDef {
    long channel = 0;
    double value = 0.0;
    std::string period;
};

// `perturb = state(SIZE, at: N steps)`: SIZE * N(0, 1) per unit and trial added to the
// state after step N, feeding the next step (drawn from "evaluate NAME / perturb").
struct PerturbDef {
    double size = 0.0;
    long step = 0;
};

struct EvaluateDef {
    std::string name;
    std::string train;  // the trained network evaluated; "" for a network definition's
    std::string task;
    long trials = 0;  // fresh trials; 0: the task's own number
    // Whether an analysis or figure reads the network's activity from this evaluation
    // (set by the checker from the entries' ArgSpecs); only then is it kept, in memory and
    // in the cache, since it is trials x units x steps.
    bool keep_activity = false;
    ast::Span span;
    std::vector<ClampDef> clamps;
    std::vector<PerturbDef> perturbs;
    // `start = 0.5`: every unit of every trial starts at this state instead of h0.
    std::optional<double> start;
    // `evaluate x = NET on TASK`: the network definition at the values it starts a
    // training with (loaded, fixed, or drawn from the script seed), without a training.
    std::string network;
    // The arrays written to its folder beyond the signals and trials.csv (the always
    // written ones it has, and those `save` asks for), in saved_array_table() order.
    std::vector<SavedArray> arrays;
};

// A reference used as an analysis or figure argument.
struct ArgRef {
    // Analysis: an earlier analysis's results. Results: one number (`member`) from each of
    // `members` (a sweep family's evaluations or analyses, or one of them).
    enum class Kind { TrainedTensor, TaskMatrix, Training, Evaluation, Task, Analysis, Results };
    Kind kind = Kind::Training;
    std::string definition;  // the train / task / evaluate / analyze name (Results: the family)
    std::string member;      // tensor, matrix or quantity name
    std::string label;       // as written, e.g. "fit.W_self"
    std::vector<std::string> members;      // Results: the definitions, in the sweep's order
    std::vector<bool> member_is_analysis;  // Results: per member, analysis or evaluation
    // The loop values each of `members` was made with (Results), or the definition's own
    // (one entry: a training given as a member of its family); empty outside sweeps.
    std::vector<std::vector<stdlib::LoopValue>> loops;
};

struct AnalyzeDef {
    std::string name;
    const stdlib::AnalysisEntry* entry = nullptr;
    std::vector<ArgRef> args;
    stdlib::Params options;
    ast::Span span;
    std::string files_key;  // content hashes of the files its options name (TaskDef's)
};

struct PlotDef {
    const stdlib::FigureEntry* entry = nullptr;
    std::vector<ArgRef> args;
    stdlib::Params options;
    std::string file;  // relative path inside the run directory, ends in .png
    ast::Span span;
};

struct Program {
    std::uint64_t seed = 0;
    std::string output;  // as written in the script ("" if none)
    std::map<std::string, TaskDef> tasks;
    std::map<std::string, NetworkDef> networks;
    std::map<std::string, TrainDef> trains;
    std::map<std::string, AlterDef> alters;
    std::map<std::string, EvaluateDef> evaluates;
    std::map<std::string, AnalyzeDef> analyses;
    std::vector<std::string> analysis_order;  // as written: an analysis reads earlier ones
    std::vector<PlotDef> plots;

    bool trained(const std::string& name) const {
        return trains.count(name) != 0 || alters.count(name) != 0;
    }

    // The training behind a trained network: NAME's own, or the one an alter changes.
    const TrainDef& training_of(const std::string& name) const {
        const auto a = alters.find(name);
        return trains.at(a != alters.end() ? a->second.train : name);
    }

    // The network definition an evaluation runs: its own, or its training's.
    const NetworkDef& network_of(const EvaluateDef& e) const {
        return networks.at(e.network.empty() ? training_of(e.train).network : e.network);
    }
};

}  // namespace rnn::interp
