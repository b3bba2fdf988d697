// The values stdlib analyses and figures take as arguments. The interpreter turns script
// references (`fit`, `fit.W_self`, `test`) into these; stdlib never sees the language.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <armadillo>

#include "stdlib/task.hpp"

namespace rnn::stdlib {

// A table with named columns, one row per epoch.
struct History {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows;
};

struct MatrixArg {
    std::string label;  // e.g. "fit.W_self"
    arma::fmat value;
};

struct TrainingArg {
    std::string label;
    History history;
};

// Signals recorded by an evaluation: one row per trial, one column per step.
struct EvaluationArg {
    std::string label;
    std::string signal;                     // e.g. "overlap"
    std::vector<std::string> trial_labels;  // e.g. "memory 1"
    arma::fmat values;                      // trials x steps
    std::vector<Period> periods;
};

// One trial of a task, as the network sees it: inputs (channels x steps), the readout's
// targets (rows x steps; empty for tasks without) and the mask of the task's first masked
// loss (1 x steps; empty without), with its periods.
struct TaskTrialArg {
    std::string label;
    arma::fmat inputs;
    arma::fmat targets;
    arma::fmat mask;
    std::vector<Period> periods;
};

using ArgValue = std::variant<MatrixArg, TrainingArg, EvaluationArg, TaskTrialArg>;

enum class ArgKind { Matrix, Training, Evaluation, Task };

std::string_view arg_kind_name(ArgKind k);

struct ArgSpec {
    std::string name;
    ArgKind kind = ArgKind::Matrix;
    std::string doc;
    bool variadic = false;  // one or more of this kind (only the last argument)
};

}  // namespace rnn::stdlib
