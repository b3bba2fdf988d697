// The values stdlib analyses and figures take as arguments. The interpreter turns script
// references (`fit`, `fit.W_self`, `test`) into these; stdlib never sees the language.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <armadillo>

#include "runtime/network.hpp"
#include "stdlib/task.hpp"

namespace rnn::stdlib {

// A table with named columns, one row per epoch.
struct History {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows;
};

// The value a loop variable of a sweep took for one instance: `n = 64`, `act = tanh`.
struct LoopValue {
    std::string variable;          // "n"
    std::string text;              // as in the instance's name: "64", "0.001", "tanh"
    std::optional<double> number;  // numeric values; names and strings (tanh) have none
};

// The loop values of an instance as people read them: "n = 64, act = tanh".
inline std::string loop_values_text(const std::vector<LoopValue>& loops) {
    std::string out;
    for (const auto& l : loops)
        out += (out.empty() ? "" : ", ") + l.variable + " = " + l.text;
    return out;
}

struct MatrixArg {
    std::string label;  // e.g. "fit.W_self"
    arma::fmat value;
};

struct TrainingArg {
    std::string label;
    History history;
    const rt::Network<float>* network = nullptr;  // the trained network (fixed points)
    // A member of a sweep family given whole (history(fit) overlays them): the loop values
    // it was trained with, for its legend; empty otherwise.
    std::vector<LoopValue> loops = {};
};

// Signals recorded by an evaluation: one row per trial, one column per step.
struct EvaluationArg {
    std::string label;
    std::string signal;                     // e.g. "overlap"
    std::vector<std::string> trial_labels;  // e.g. "memory 1"
    arma::fmat values;                      // trials x steps
    std::vector<Period> periods;
    // For entries whose ArgSpec asks for activity: the network's activity, trials x units x
    // steps (rates phi(h) for the ctrnn, the hidden state h for the others); slice t is the
    // activity after the network has read input step t (no h0 slice). The inputs likewise,
    // trials x input channels x steps.
    arma::fcube activity;
    arma::fcube inputs;
    // Categorical labels of each trial, by name: "condition" always, and what the task
    // adds (sequence_wm: "item1", "item2", ... the item at each position, -1 where the
    // sequence is shorter). One value per trial.
    std::map<std::string, std::vector<long>> labels;
    // With the activity of an lstm: its cell states c, laid out as activity (the full state
    // is [h; c]); empty for other kinds.
    arma::fcube cells;
    // Every variable the task drew for each trial (TrialBatch::variables), and each
    // metric's value per trial by name: what a figure plots a metric against.
    std::vector<TrialVariable> variables = {};
    std::map<std::string, std::vector<double>> per_trial = {};
};

// The results of an earlier analysis: its scalars and arrays, as it wrote them.
struct AnalysisArg {
    std::string label;  // e.g. "geometry"
    std::string entry;  // the analysis that made it, e.g. "rdm"
    std::map<std::string, double> scalars;
    std::map<std::string, arma::fmat> arrays;
};

// One number collected over a sweep: a family of evaluations or analyses (`precision`
// for precision[1] .. precision[20]) or a single one, with the quantity taken from each
// (an analysis scalar, or an evaluation metric's mean). One entry per member, in the
// sweep's order; `index` is the member's index text ("1", "0.5, tanh"), `loops` the
// values every loop variable of its sweep took for it (empty outside sweeps).
struct ResultsArg {
    std::string label;     // as written, e.g. "precision.error_mean"
    std::string quantity;  // e.g. "error_mean"
    std::vector<std::string> members;
    std::vector<std::string> index;
    std::vector<double> values;
    std::vector<std::vector<LoopValue>> loops = {};
};

// One trial of a task, as the network sees it: inputs (channels x steps), the readout's
// targets (rows x steps; empty for tasks without) and the mask of the task's first masked
// loss (1 x steps; empty without), with its periods, and the name of each input row where
// the task names them (TaskEntry::input_names; empty: "input N").
struct TaskTrialArg {
    std::string label;
    arma::fmat inputs;
    arma::fmat targets;
    arma::fmat mask;
    std::vector<Period> periods;
    std::vector<std::string> input_names = {};
};

using ArgValue =
    std::variant<MatrixArg, TrainingArg, EvaluationArg, TaskTrialArg, AnalysisArg, ResultsArg>;

enum class ArgKind { Matrix, Training, Evaluation, Task, Analysis, Results };

constexpr std::string_view arg_kind_name(ArgKind k) {
    switch (k) {
        case ArgKind::Matrix:
            return "matrix";
        case ArgKind::Training:
            return "training";
        case ArgKind::Evaluation:
            return "evaluation";
        case ArgKind::Task:
            return "task";
        case ArgKind::Analysis:
            return "analysis";
        case ArgKind::Results:
            return "results";
    }
    return "?";
}

struct ArgSpec {
    std::string name;
    ArgKind kind = ArgKind::Matrix;
    std::string doc;
    bool variadic = false;  // one or more of this kind (only the last argument)
    // Evaluation arguments: whether the entry reads the network's activity and inputs
    // (EvaluationArg::activity), which the evaluation then keeps.
    bool activity = false;
    // Analysis arguments: the analyses whose results it reads, by entry name (empty: any).
    std::vector<std::string> analyses = {};
    // Training arguments: a sweep family is taken too, as one argument per member in the
    // sweep's order, each with its loop values (history overlays them).
    bool family = false;

    bool accepts(std::string_view analysis) const {
        return analyses.empty()
               || std::find(analyses.begin(), analyses.end(), analysis) != analyses.end();
    }
};

}  // namespace rnn::stdlib
