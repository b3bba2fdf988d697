// A paradigm: a task written in the language (docs/tasks.md, "Writing your own task"). The
// checker (interpreter/check/paradigm*.cpp) compiles a script's declaration into the
// `ParadigmSpec` below: trial variables, periods, input channels and a target, each an
// expression over the trial's variables. This file knows nothing of the language: the
// spec is numbers and indices, and `paradigm_entry` makes the task's entry from it.
//
// One trial draws, in this order (so a paradigm written like a built-in task draws the same
// numbers from the same stream, tests/unit/paradigm_classics_test.cpp): the catch draw, the
// durations of the periods that draw their own (m +- s, a list), the variables in the order
// declared (each draw as its expression reaches it: `if` draws only in the branch taken),
// then the input noise, step by step and, within a step, input by input.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <armadillo>

#include "runtime/random.hpp"
#include "stdlib/task.hpp"
#include "stdlib/tasks/period_trials.hpp"

namespace rnn::stdlib {

// What a node of a paradigm's expressions computes. Values are vectors of doubles of the
// node's width (a scalar is width 1; a scalar operand of a wider operation is repeated).
enum class ParadigmOp : std::uint8_t {
    Constant,  // `values`
    Variable,  // the trial's variable `index`
    List,      // the scalar `args`, side by side
    Negate,
    Not,
    Add,
    Subtract,
    Multiply,
    Divide,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
    And,
    Or,
    If,  // args: condition, then, else; only the branch taken is evaluated (and draws)
    Abs,
    Sign,
    Floor,
    Round,
    Exp,
    Log,
    Sqrt,
    Min,
    Max,
    Mod,        // a - b * floor(a / b): the sign of b, as Python's %
    OneHot,     // args: the index; width: the classes (an index outside them: all 0)
    During,     // per period p: args[p] (-1: `index`, the `all` arm; -1 there too: 0)
    Uniform,    // args: low, high; low when high <= low (no draw)
    Normal,     // args: mean, sd
    Choice,     // one of `values`, uniformly
    Bernoulli,  // args: p; 1 with probability p
};

struct ParadigmNode {
    ParadigmOp op = ParadigmOp::Constant;
    std::vector<int> args;
    std::vector<double> values;
    int index = -1;
    arma::uword width = 1;
    std::size_t slot = 0;  // where its value lives in a trial's scratch space
};

struct ParadigmVariable {
    std::string name;
    int node = -1;
    bool category = false;  // whole numbers from -1: a label by value, else by rank
    std::string unit;       // "" or "steps"
    std::string doc;        // the expression as written
};

struct ParadigmPeriod {
    std::string name;
    std::string doc;  // its duration as written ("300 ms +- 100 ms", "wait")
    // Drawn by itself before the variables (a fixed duration draws nothing), or, when
    // `node` >= 0, the value of an expression of the variables (in steps, rounded to the
    // nearest whole step, at least 0), evaluated after them.
    Duration duration;
    int node = -1;
    long longest = 0;  // the most steps it can last (the checker's bound)
};

struct ParadigmChannel {
    std::string name;
    arma::uword first = 0;  // its first input row
    arma::uword width = 1;
    int node = -1;  // its value in each period (a During node picks the period's arm)
    // Per period: the node of the standard deviation of the Gaussian noise added at each
    // of its steps to each of its inputs (-1: none).
    std::vector<int> noise;
};

struct ParadigmSpec {
    std::vector<ParadigmNode> nodes;
    std::size_t scratch = 0;  // doubles of scratch space a trial needs
    std::vector<ParadigmVariable> variables;
    std::vector<ParadigmPeriod> periods;
    std::vector<ParadigmChannel> channels;
    arma::uword inputs = 0;
    bool classes = true;       // a class per step (cross_entropy), else values (masked_mse)
    arma::uword outputs = 0;   // classes, or values per step
    int target = -1;           // node: the target in each period
    std::size_t response = 0;  // the period whose steps (after the grace) are scored

    // A canonical text of everything above, for the task's node key.
    std::string key_text() const;
};

// The entry of a paradigm named `name`: schema dt, catch and grace; its periods, variables
// (its own, then catch and each period's onset and duration), the signals, metrics and
// masks of a period task (masks: `all`, `response` and one per period).
std::shared_ptr<const TaskEntry> make_paradigm_entry(const std::string& name,
                                                     const std::string& doc,
                                                     std::shared_ptr<const ParadigmSpec> spec);

// One trial's evaluation of a spec's nodes: no allocation once made.
class ParadigmEvaluator {
public:
    explicit ParadigmEvaluator(const ParadigmSpec& spec);

    // Starts a trial drawing from `s`.
    void begin_trial(rt::RandomStream& s);

    // Evaluates variable `v` (each once, in order) and stores its value.
    double draw_variable(std::size_t v);

    // The value of node `n` during period `period` (for During nodes): its width's values.
    const double* value(int n, std::size_t period);

    double variable(std::size_t v) const { return variables_[v]; }

private:
    const double* eval(int n);
    const double* widened(int n, double* out, arma::uword w);

    const ParadigmSpec& spec_;
    std::vector<double> scratch_;
    std::vector<double> variables_;
    rt::RandomStream* stream_ = nullptr;
    std::size_t period_ = 0;
};

}  // namespace rnn::stdlib
