// The loss of a training on the tape: one node of the checked loss expression (LossNode)
// at a time, over the task's signals of one forward pass.
#pragma once

#include <map>
#include <string>

#include "interpreter/program.hpp"
#include "runtime/network.hpp"
#include "runtime/tape.hpp"
#include "stdlib/task.hpp"

namespace rnn::interp {

// Evaluates one loss node on the tape. Signals are computed once per forward pass.
// The builder keeps references to the tape, the pass's variables, the task and the batch:
// all of them outlive it.
class LossBuilder {
public:
    LossBuilder(rt::Tape<float>& tape, const rt::NetworkVars& vars,
                const stdlib::TaskInstance& task, const stdlib::TrialBatch& batch,
                rt::Activation activation);

    rt::Var signal(const std::string& name);

    rt::Var build(const LossNode& n);

private:
    rt::Tape<float>& tape_;
    const rt::NetworkVars& vars_;
    const stdlib::TaskInstance& task_;
    const stdlib::TrialBatch& batch_;
    rt::Activation activation_;
    std::map<std::string, stdlib::Period> periods_;
    std::map<std::string, rt::Var> signals_;
};

}  // namespace rnn::interp
