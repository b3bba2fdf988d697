// One pass of a batch through a training's network with its loss terms on the tape: a
// forward pass, or a run through an online learner. Training steps and validations share
// the runner, its tape and its noise buffer.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "interpreter/program.hpp"
#include "interpreter/training/loss_builder.hpp"
#include "runtime/network.hpp"
#include "runtime/online.hpp"
#include "runtime/random.hpp"
#include "runtime/tape.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// One forward pass of a batch with the loss terms on the tape. The builder keeps a
// reference to vars, so a Pass stays where it was made.
struct Pass {
    Pass() = default;
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

    rt::NetworkVars vars;
    std::vector<rt::Var> terms;  // each loss term, without its sign
    rt::Var total;               // the signed sum of the terms
    std::unique_ptr<LossBuilder> builder;
};

class PassRunner {
public:
    // `noise` is the training's noise stream, drawn from by passes with noise.
    PassRunner(const TrainDef& def, const stdlib::TaskInstance& task,
               const std::vector<stdlib::MetricSpec>& metrics, rt::RandomStream& noise);

    // Runs `batch` through `net` into the empty `pass`. With a learner, the batch runs
    // through it (learning when `learn`) instead of a forward pass on the tape. The pass
    // lives until the next run: each run clears the tape.
    void run(const rt::Network<float>& net, const stdlib::TrialBatch& batch, bool with_noise,
             Pass& pass, rt::OnlineLearner<float>* learner = nullptr, bool learn = false);

    // The value of a variable of the last pass.
    const arma::fmat& value(rt::Var v) const { return tape_.value(v); }

    rt::Tape<float>& tape() { return tape_; }

    // The batch mean of each of the task's metrics over the last pass.
    std::map<std::string, double> metrics(Pass& pass, const stdlib::TrialBatch& batch) const;

private:
    const TrainDef& def_;
    const stdlib::TaskInstance& task_;
    const std::vector<stdlib::MetricSpec>& metrics_;
    rt::RandomStream& noise_stream_;
    arma::fmat noise_;
    rt::Tape<float> tape_;
};

}  // namespace rnn::interp
