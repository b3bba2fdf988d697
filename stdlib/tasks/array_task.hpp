// Tasks whose trials are the user's own arrays (`arrays`, docs/tasks.md "Tasks from your own
// arrays"): inputs (trials x steps x channels), targets (trials x steps x outputs of values,
// or trials x steps of classes, -1 ignored), an optional mask (trials x steps of 0 or 1) and
// optional labels (a CSV, one row per trial). The checker reads the files' headers and the
// labels (interpreter/check/array_task.cpp) and makes the task's entry here from what it
// found; the arrays themselves are read when the task is made, for training.
//
// The trials are split once, by a permutation drawn from the task's setup stream: the
// first round(held_out * trials) of it are held out, in ascending order, the rest train.
// Training batches draw their trials from the training split (trial i of a batch from
// TrialDraws::trial(i), with replacement); validation batches (a training's
// `validate_every`) from the held-out split the same way; an evaluation shows the held-out
// trials in order. Every batch records each trial's index in the arrays (the variable
// `row`, which also says which rows a batch's masks and signals read), then the labels.
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <armadillo>

#include "runtime/random.hpp"
#include "stdlib/task.hpp"

namespace rnn::stdlib {

// What the check of an arrays task's files found: the sizes of its arrays, what its
// targets are, and its labels.
struct ArrayTaskShape {
    arma::uword trials = 0;
    arma::uword steps = 0;
    arma::uword inputs = 0;   // channels
    arma::uword outputs = 0;  // values per step, or the number of classes
    bool classes = false;     // targets are classes per step (trials x steps)
    // One per column of the labels file, with a value per trial (all trials, file order).
    std::vector<TrialVariable> labels;
    std::string doc;  // one line for the entry, naming the files
};

// The trials held out for evaluation out of `trials`: round(fraction * trials).
arma::uword held_out_trials(arma::uword trials, double fraction);

// The split of trials 0..trials-1 (each list ascending), drawn from `setup`.
struct ArraySplit {
    std::vector<arma::uword> training;
    std::vector<arma::uword> evaluation;
};

ArraySplit split_trials(arma::uword trials, double fraction, rt::RandomStream& setup);

// The columns of a labels file: a header row of names, then one row of numbers per trial
// (an empty cell, NaN or nan: none). A column of whole numbers, none negative, is a category
// (none: -1); any other a quantity (none: NaN). Names are letters, digits and _, not
// starting with a digit, distinct, and none of the columns trials.csv has already (trial,
// condition, catch). At most `max_rows` rows (the arrays' trials). Throws
// std::runtime_error naming the line.
std::vector<TrialVariable> parse_label_columns(
    std::string_view csv, std::size_t max_rows = std::numeric_limits<std::size_t>::max());

// The entry of a checked arrays task named `name`: its schema is the `arrays` entry's,
// its variables the label columns, its period `trial`, its masks `all`, its signals and
// metrics those of a choice task (class targets) or of a regression. `make` reads the
// arrays its parameters name and checks them against `shape`.
std::shared_ptr<const TaskEntry> make_array_task_entry(const std::string& name,
                                                       ArrayTaskShape shape);

}  // namespace rnn::stdlib
