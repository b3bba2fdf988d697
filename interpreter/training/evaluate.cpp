// evaluate: a network (trained, or a definition's initial one) on fresh trials of a task,
// with the evaluation's clamps and perturbations; the task's signals and metrics per trial,
// with keep_activity the activity the analyses read, and the arrays it saves.
#include <algorithm>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "interpreter/training.hpp"
#include "interpreter/training/build.hpp"
#include "interpreter/training/learner.hpp"
#include "interpreter/training/metrics.hpp"
#include "runtime/cell_traits.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/random.hpp"

namespace rnn::interp {

namespace {

// features x (batch * steps), column t * batch + b, as trials x features x steps.
arma::fcube trials_cube(const arma::fmat& m, arma::uword batch) {
    const arma::uword steps = m.n_cols / batch;
    arma::fcube out(batch, m.n_rows, steps);
    for (arma::uword t = 0; t < steps; ++t)
        out.slice(t) = m.cols(t * batch, (t + 1) * batch - 1).t();
    return out;
}

// An evaluation's inputs with its clamps applied, and its state perturbation (units x
// (batch * steps); empty without `perturb`).
std::pair<arma::fmat, arma::fmat> probe_inputs(const Program& program, const EvaluateDef& def,
                                               const stdlib::TaskInstance& task,
                                               const stdlib::TrialBatch& batch, arma::uword units) {
    arma::fmat inputs = batch.inputs;
    const arma::uword trials = batch.batch;
    const arma::uword steps = inputs.n_cols / std::max<arma::uword>(trials, 1);
    if (!def.clamps.empty()) {
        const std::vector<stdlib::Period> periods = stdlib::periods_of(task, batch);
        for (const auto& c : def.clamps) {
            const stdlib::Period* p = nullptr;
            for (const auto& q : periods)
                if (q.name == c.period)
                    p = &q;
            const auto channel = static_cast<arma::uword>(c.channel);
            if (channel >= inputs.n_rows)
                throw RuntimeFailure(
                    fmt::format("evaluate {}: the task has {} input channels, so "
                                "channel {} cannot be clamped",
                                def.name, inputs.n_rows, c.channel));
            for (arma::uword b = 0; b < trials; ++b) {
                const arma::uword from = p ? p->begin_of(b) : 0;
                const arma::uword to = p ? std::min(p->end_of(b), steps) : steps;
                for (arma::uword t = from; t < to; ++t)
                    inputs(channel, t * trials + b) = static_cast<float>(c.value);
            }
        }
    }
    arma::fmat perturbation;
    if (!def.perturbs.empty()) {
        perturbation.zeros(units, inputs.n_cols);
        rt::RandomStream stream(
            rt::stream_key(program.seed, "evaluate " + def.name + " / perturb"));
        for (const auto& p : def.perturbs) {
            const auto t = static_cast<arma::uword>(p.step);
            if (t >= steps)
                throw RuntimeFailure(fmt::format(
                    "evaluate {}: the trials have {} steps, so there is no step {} to perturb",
                    def.name, steps, p.step));
            arma::fmat kick(units, trials);
            stream.fill_normal(kick, 0.0, p.size);
            perturbation.cols(t * trials, (t + 1) * trials - 1) += kick;
        }
    }
    return {std::move(inputs), std::move(perturbation)};
}

// The arrays an evaluation saves (EvaluateDef::arrays), features x (trials * steps) each.
std::vector<std::pair<SavedArray, arma::fmat>> saved_arrays(
    const EvaluateDef& def, const TaskDef& task_def, const stdlib::TaskInstance& task,
    const stdlib::TrialBatch& batch, const arma::fmat& inputs, const rt::Tape<float>& tape,
    const rt::NetworkVars& vars) {
    std::vector<std::pair<SavedArray, arma::fmat>> out;
    auto value = [&](const rt::Var& v, SavedArray a) {
        if (!v.valid())
            throw RuntimeFailure(fmt::format("evaluate {}: the network computed no {} to save",
                                             def.name, saved_array_info(a).word));
        return tape.value(v);
    };
    for (const SavedArray a : def.arrays) {
        switch (a) {
            case SavedArray::States:
                out.emplace_back(a, value(vars.states, a));
                break;
            case SavedArray::Rates:
                out.emplace_back(a, value(vars.rates, a));
                break;
            case SavedArray::Cells:
                out.emplace_back(a, value(vars.cells, a));
                break;
            case SavedArray::Outputs:
                out.emplace_back(a, value(vars.outputs, a));
                break;
            case SavedArray::Inputs:
                out.emplace_back(a, inputs);  // with its clamps, as the network saw them
                break;
            case SavedArray::Targets:
                out.emplace_back(a, batch.step_targets);
                break;
            case SavedArray::Mask: {
                arma::fmat masks(task_def.entry->masks.size(), inputs.n_cols);
                for (arma::uword m = 0; m < masks.n_rows; ++m)
                    masks.row(m) = task.mask(task_def.entry->masks[m].name, batch);
                out.emplace_back(a, std::move(masks));
                break;
            }
        }
    }
    return out;
}

bool saves(const EvaluateDef& def, SavedArray a) {
    return std::find(def.arrays.begin(), def.arrays.end(), a) != def.arrays.end();
}

Evaluation evaluate_trials(const Program& program, const EvaluateDef& def,
                           const rt::Network<float>& network, const stdlib::TaskInstance& task,
                           const TaskDef& task_def) {
    const stdlib::TrialDraws draws(
        rt::stream_key(program.seed, "evaluate " + def.name + " / trials"), 0);
    const stdlib::TrialBatch batch =
        task.evaluation_batch(draws, static_cast<arma::uword>(def.trials));
    rt::Tape<float> tape;
    rt::Network<float> net = network;
    rt::NetworkVars vars;
    const auto [inputs, perturbation] = probe_inputs(program, def, task, batch, net.units());
    if (!rt::cell_traits(net.shape.kind).fused) {
        // A plastic network runs as it does in training, its fast weights learning within
        // each sequence from the targets, on this copy of the trained weights.
        const TrainDef& train_def = program.training_of(def.train);
        rt::Optimizer<float> unused(train_def.optimizer);
        const auto learner =
            make_learner(train_def, training_seed(program, train_def), net, unused);
        stdlib::TrialBatch clamped;
        if (!def.clamps.empty()) {
            clamped = batch;
            clamped.inputs = inputs;
        }
        vars = online_pass(tape, *learner, net, task, def.clamps.empty() ? batch : clamped,
                           train_def.loss.front().node, true);
    } else {
        for (auto& p : net.params)
            p.constraint.fixed = true;  // no gradients wanted
        // Keep symmetric parametrisation: fixed only stops training, constrain still applies.
        vars = rt::forward(
            tape, net, inputs, batch.batch, perturbation.empty() ? nullptr : &perturbation,
            def.start ? std::optional<float>(static_cast<float>(*def.start)) : batch.initial_state,
            0, def.keep_activity || saves(def, SavedArray::Cells));
    }
    Evaluation ev;
    ev.condition = batch.condition;
    ev.periods = stdlib::periods_of(task, batch);
    if (def.keep_activity) {
        const rt::Var source = vars.rates.valid() ? vars.rates : vars.states;
        ev.activity = trials_cube(tape.value(source), batch.batch);
        ev.inputs = trials_cube(inputs, batch.batch);  // with its clamps, as the network saw it
        ev.labels = batch.labels;
        ev.labels["condition"] = batch.condition;
        if (vars.cells.valid())
            ev.cells = trials_cube(tape.value(vars.cells), batch.batch);
    }
    ev.saved = saved_arrays(def, task_def, task, batch, inputs, tape, vars);
    ev.catch_trial = batch.catch_trial;
    ev.variables = batch.variables;
    for (const auto& s : task_def.entry->signals)
        ev.signals[s.name] = tape.value(task.signal(s.name, tape, vars, batch));
    for (const auto& m : task_def.entry->metrics) {
        ev.metric_names.push_back(m.name);
        for (const auto& p : ev.periods)
            if (p.name == m.period)
                ev.per_trial[m.name] = metric_per_trial(m, ev.signals.at(m.signal), p);
    }
    return ev;
}

}  // namespace

Evaluation evaluate(const Program& program, const EvaluateDef& def, const rt::Network<float>& net,
                    const stdlib::TaskInstance& task, const TaskDef& task_def) {
    try {
        return evaluate_trials(program, def, net, task, task_def);
    } catch (const std::bad_alloc&) {
        // As train's: what to reduce rather than "std::bad_alloc".
        throw RuntimeFailure(fmt::format(
            "out of memory while evaluating {} trials of up to {} steps through {} units{}: "
            "reduce 'trials', the trials' length or the network's 'units'",
            def.trials > 0 ? std::to_string(def.trials) : "the task's default number of",
            task.steps(), net.units(),
            def.keep_activity ? ", keeping their activity for analyses" : ""));
    }
}

}  // namespace rnn::interp
