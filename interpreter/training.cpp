#include "interpreter/training.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "runtime/losses.hpp"
#include "runtime/online_cells.hpp"
#include "runtime/ops.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/plastic.hpp"
#include "runtime/random.hpp"

namespace rnn::interp {

namespace {

// Evaluates one loss node on the tape. Signals are computed once per forward pass.
class LossBuilder {
public:
    LossBuilder(rt::Tape<float>& tape, const rt::NetworkVars& vars,
                const stdlib::TaskInstance& task, const stdlib::TrialBatch& batch,
                rt::Activation activation)
        : tape_(tape), vars_(vars), task_(task), batch_(batch), activation_(activation) {
        for (const auto& p : stdlib::periods_of(task, batch))
            periods_[p.name] = p;
    }

    rt::Var signal(const std::string& name) {
        const auto it = signals_.find(name);
        if (it != signals_.end())
            return it->second;
        const rt::Var v = task_.signal(name, tape_, vars_, batch_);
        signals_[name] = v;
        return v;
    }

    rt::Var build(const LossNode& n) {
        using Kind = LossNode::Kind;
        switch (n.kind) {
            case Kind::Constant:
                return rt::scalar_constant(tape_, static_cast<float>(n.value));
            case Kind::Add:
                return rt::add(tape_, build(n.children[0]), build(n.children[1]));
            case Kind::Sub:
                return rt::sub(tape_, build(n.children[0]), build(n.children[1]));
            case Kind::Neg:
                return rt::scale(tape_, build(n.children[0]), -1.0F);
            case Kind::Mul:
                if (n.children[0].kind == Kind::Constant)
                    return rt::scale(tape_, build(n.children[1]),
                                     static_cast<float>(n.children[0].value));
                if (n.children[1].kind == Kind::Constant)
                    return rt::scale(tape_, build(n.children[0]),
                                     static_cast<float>(n.children[1].value));
                return rt::scalar_mul(tape_, build(n.children[0]), build(n.children[1]));
            case Kind::Div:
                return rt::scale(tape_, build(n.children[0]),
                                 static_cast<float>(1.0 / n.children[1].value));
            case Kind::Reduce: {
                if (n.period.empty())  // no `during:`: the whole trial
                    return rt::reduce_time(tape_, signal(n.signal), n.reduction, 0, batch_.steps);
                const stdlib::Period& p = periods_.at(n.period);
                arma::uvec begins(batch_.batch), ends(batch_.batch);
                for (arma::uword b = 0; b < batch_.batch; ++b) {
                    begins(b) = p.begin_of(b);
                    ends(b) = p.end_of(b);
                }
                return rt::reduce_time(tape_, signal(n.signal), n.reduction, begins, ends);
            }
            case Kind::FixedPoint: {
                // mean over (pattern, unit) of (phi(W m) - m)^2
                const rt::Var m = tape_.constant(task_.matrix(n.matrix, &batch_));
                const rt::Var wm = rt::matmul(tape_, vars_.effective.at(n.tensor), m);
                return rt::mean_squares(tape_,
                                        rt::sub(tape_, rt::activate(tape_, wm, activation_), m));
            }
            case Kind::L2:
                return rt::sum_squares(
                    tape_, n.raw ? vars_.raw.at(n.tensor) : vars_.effective.at(n.tensor));
            case Kind::L1:
                return rt::sum_abs(tape_,
                                   n.raw ? vars_.raw.at(n.tensor) : vars_.effective.at(n.tensor));
            case Kind::RateL2:
                return rt::mean_squares(tape_, vars_.rates);
            case Kind::MaskedMse: {
                const arma::fmat m = task_.mask(n.mask, batch_);
                // The task's mask is per step; every output of a step shares it.
                const arma::fmat weights = arma::repmat(m, batch_.step_targets.n_rows, 1);
                return rt::masked_mse(
                    tape_, vars_.outputs, batch_.step_targets, weights, batch_.batch,
                    n.pooled ? rt::MseNormalization::Pooled : rt::MseNormalization::PerTrial);
            }
            case Kind::CrossEntropy: {
                const arma::fmat m =
                    n.mask.empty() ? arma::fmat(1, batch_.step_targets.n_cols, arma::fill::ones)
                                   : task_.mask(n.mask, batch_);
                return rt::masked_cross_entropy(tape_, vars_.outputs, batch_.step_targets, m,
                                                static_cast<float>(n.ignore));
            }
        }
        throw std::logic_error("unknown loss node");
    }

private:
    rt::Tape<float>& tape_;
    const rt::NetworkVars& vars_;
    const stdlib::TaskInstance& task_;
    const stdlib::TrialBatch& batch_;
    rt::Activation activation_;
    std::map<std::string, stdlib::Period> periods_;
    std::map<std::string, rt::Var> signals_;
};

// Per-trial metric values from a signal matrix (trials x steps).
std::vector<double> metric_per_trial(const stdlib::MetricSpec& m, const arma::fmat& signal,
                                     const stdlib::Period& p) {
    std::vector<double> out;
    for (arma::uword b = 0; b < signal.n_rows; ++b) {
        const arma::frowvec w = signal.row(b).cols(p.begin_of(b), p.end_of(b) - 1);
        double v = 0.0;
        switch (m.reduction) {
            case rt::TimeReduction::Mean:
                v = arma::mean(arma::conv_to<arma::rowvec>::from(w));
                break;
            case rt::TimeReduction::Sum:
                v = arma::accu(arma::conv_to<arma::rowvec>::from(w));
                break;
            case rt::TimeReduction::Max:
                v = w.max();
                break;
            case rt::TimeReduction::Min:
                v = w.min();
                break;
        }
        out.push_back(v);
    }
    return out;
}

bool holds(const Comparison& c, double v) {
    if (c.op == ">=")
        return v >= c.threshold;
    if (c.op == ">")
        return v > c.threshold;
    if (c.op == "<=")
        return v <= c.threshold;
    return v < c.threshold;
}

std::uint64_t training_seed(const Program& program, const TrainDef& def) {
    return def.seed.value_or(program.seed);
}

// Whether a training learns step by step (docs/learning_rules.md): the online rules, and
// every training of a plastic network.
bool learns_online(const TrainDef& def, const rt::Network<float>& net) {
    return def.rule != rt::UpdateRule::Bptt || net.shape.kind == rt::CellKind::Plastic;
}

// The learner of an online training over `net` (which it updates in place).
std::unique_ptr<rt::OnlineLearner<float>> make_learner(const TrainDef& def, std::uint64_t seed,
                                                       rt::Network<float>& net,
                                                       rt::Optimizer<float>& optimizer) {
    if (net.shape.kind == rt::CellKind::Plastic)
        return std::make_unique<rt::PlasticLearner<float>>(net, def.rule, def.optimizer.lr);
    return std::make_unique<rt::OnlineCellLearner<float>>(
        net, def.rule, optimizer, def.clip_norm,
        rt::RandomStream(rt::stream_key(seed, "train " + def.name + " / feedback")));
}

// Runs a learner over a batch, step by step, and puts what it produced on the tape as
// constants, so that the task's signals, the loss and the metrics read it as they read a
// forward pass. The step targets are the batch's readout targets under the loss's mask.
rt::NetworkVars online_pass(rt::Tape<float>& tape, rt::OnlineLearner<float>& learner,
                            const rt::Network<float>& net, const stdlib::TaskInstance& task,
                            const stdlib::TrialBatch& batch, const LossNode& loss, bool learn) {
    const arma::uword B = batch.batch, T = batch.steps;
    const arma::uword outputs = net.shape.outputs;
    arma::fmat states(net.units(), B * T), outs(outputs, B * T);
    const bool ce = loss.kind == LossNode::Kind::CrossEntropy;
    const arma::fmat weights = loss.mask.empty() ? arma::fmat(1, B * T, arma::fill::ones)
                                                 : arma::fmat(task.mask(loss.mask, batch));
    rt::StepTarget<float> target;
    target.kind = ce ? rt::StepLossKind::CrossEntropy : rt::StepLossKind::Mse;
    target.ignore = static_cast<float>(loss.ignore);
    const arma::uword target_rows = batch.step_targets.n_rows;
    learner.begin(B);
    for (arma::uword t = 0; t < T; ++t) {
        const arma::uword c = t * B;
        const arma::fmat x(const_cast<float*>(batch.inputs.colptr(c)), batch.inputs.n_rows, B,
                           false, true);
        const arma::fmat values(const_cast<float*>(batch.step_targets.colptr(c)), target_rows, B,
                                false, true);
        const arma::fmat w(const_cast<float*>(weights.colptr(c)), 1, B, false, true);
        arma::fmat h(states.colptr(c), net.units(), B, false, true);
        arma::fmat y(outs.colptr(c), outputs, B, false, true);
        target.values = &values;
        target.weights = &w;
        learner.step(x, target, learn, h, y);
    }
    learner.end(learn);
    rt::NetworkVars v;
    for (const auto& p : net.params) {
        v.raw[p.name] = tape.constant(p.raw);
        v.effective[p.name] = v.raw[p.name];
    }
    v.states = tape.constant(std::move(states));
    v.rates = net.shape.kind == rt::CellKind::Ctrnn ? rt::activate(tape, v.states, net.activation)
                                                    : v.states;
    v.outputs = tape.constant(std::move(outs));
    return v;
}

}  // namespace

std::uint64_t task_setup_key(const Program& program, const std::string& task_name) {
    return rt::stream_key(program.seed, "task " + task_name + " / setup");
}

std::unique_ptr<stdlib::TaskInstance> make_task(const Program& program, const TaskDef& def) {
    rt::RandomStream setup(task_setup_key(program, def.data_origin));
    return def.entry->make(def.params, setup);
}

namespace {

// The plastic network's options from its checked parameters (docs/learning_rules.md).
rt::PlasticOptions plastic_options(const stdlib::Params& p) {
    using O = rt::PlasticOptions;
    O o;
    o.residual = p.flag("residual");
    o.recurrence = p.flag("recurrence");
    const std::string normalize = p.text("normalize");
    o.normalize = normalize == "all"       ? O::Normalize::All
                  : normalize == "weights" ? O::Normalize::Weights
                                           : O::Normalize::None;
    o.self_grad = p.real("self_grad");
    o.update_clip = p.real("update_clip");
    o.weight_clip = p.real("weight_clip");
    o.plastic_rate = p.real("plastic_rate");
    o.forget_rate = p.real("forget_rate");
    o.forget_order =
        p.text("forget_order") == "after" ? O::ForgetOrder::After : O::ForgetOrder::Before;
    o.dfa_hidden_head = p.text("dfa_hidden_head") == "trained" ? O::DfaHiddenHead::Trained
                                                               : O::DfaHiddenHead::Frozen;
    o.backprop_plasticity = p.text("backprop_plasticity") == "once" ? O::BackpropPlasticity::Once
                                                                    : O::BackpropPlasticity::Twice;
    o.dfa_derivative =
        p.text("dfa_derivative") == "used" ? O::DfaDerivative::Used : O::DfaDerivative::Ignored;
    return o;
}

}  // namespace

rt::Network<float> build_network(const NetworkDef& def, arma::uword inputs, std::uint64_t seed) {
    const rt::NetworkShape shape = stdlib::network_shape(*def.entry, def.params, inputs);
    // The script's lines for a tensor: its own, or its family's (the plastic network's
    // C.1, C.2, ... are the family C).
    auto tensor_def = [&](const std::string& name) -> const TensorDef* {
        auto it = def.tensors.find(name);
        if (it == def.tensors.end())
            it = def.tensors.find(name.substr(0, name.find('.')));
        return it == def.tensors.end() ? nullptr : &it->second;
    };
    auto stream_for = [&](const std::string& name) {
        const TensorDef* t = tensor_def(name);
        const std::string path = fmt::format("network {} / {}", def.name, name);
        if (t && t->pinned_seed)
            return rt::RandomStream(rt::stream_key(*t->pinned_seed, path));
        if (t && !t->stream.empty())  // a shared stream, re-seeded for every tensor (seed 002)
            return rt::RandomStream(rt::stream_key(seed, "stream " + t->stream));
        return rt::RandomStream(rt::stream_key(seed, path));
    };
    rt::Network<float> net = rt::default_network<float>(shape, stream_for);
    if (def.params.has("activation"))
        net.activation = *rt::activation_from_name(def.params.text("activation"));
    if (shape.kind == rt::CellKind::Ctrnn) {
        net.alpha = def.params.real("dt") / def.params.real("tau");
        net.gain = def.params.real("gain");
    }
    if (def.params.has("noise"))
        net.noise = def.params.real("noise");
    if (shape.kind == rt::CellKind::Plastic)
        net.plastic = plastic_options(def.params);
    for (auto& p : net.params) {
        const TensorDef* found = tensor_def(p.name);
        if (found == nullptr)
            continue;
        const TensorDef& t = *found;
        const arma::uword rows = p.raw.n_rows, cols = p.raw.n_cols;
        if (t.init_values) {
            if (t.init_values->n_rows != rows || t.init_values->n_cols != cols)
                throw RuntimeFailure(fmt::format(
                    "network '{}': the array loaded for {} is {}x{}, the tensor is {}x{}", def.name,
                    p.name, t.init_values->n_rows, t.init_values->n_cols, rows, cols));
            p.raw = arma::conv_to<arma::fmat>::from(*t.init_values);
        } else if (t.init) {
            rt::RandomStream stream = stream_for(p.name);
            rt::initialize(p.raw, *t.init, stream);
        }
        if (!t.constraint.mask.empty()
            && (t.constraint.mask.n_rows != rows || t.constraint.mask.n_cols != cols))
            throw RuntimeFailure(fmt::format(
                "network '{}': the mask of {} is {}x{}, the tensor is {}x{}", def.name, p.name,
                t.constraint.mask.n_rows, t.constraint.mask.n_cols, rows, cols));
        p.constraint = t.constraint;
    }
    return net;
}

TrainedNetwork train(const Program& program, const TrainDef& def, const stdlib::TaskInstance& task,
                     const EpochCallback& on_epoch, const TrainCheckpoints& checkpoints) {
    const std::uint64_t seed = training_seed(program, def);
    const NetworkDef& net_def = program.networks.at(def.network);
    const TaskDef& task_def = program.tasks.at(def.task);
    TrainedNetwork out;
    out.net = build_network(net_def, task.input_size(), seed);
    rt::Optimizer<float> optimizer(def.optimizer);
    // Training trials are numbered over the whole training (and validation trials over all
    // validations): trial i is the same whatever the batch sizes before it.
    const std::uint64_t trials_key = rt::stream_key(seed, "train " + def.name + " / trials");
    std::uint64_t next_trial = 0;
    auto period = [&](const stdlib::TrialBatch& batch, const std::string& name) {
        for (const auto& p : stdlib::periods_of(task, batch))
            if (p.name == name)
                return p;
        throw std::logic_error("no period " + name);
    };

    out.history.columns = {"epoch", "loss"};
    for (const auto& t : def.loss)
        out.history.columns.push_back(t.name);
    for (const auto& m : task_def.entry->metrics)
        out.history.columns.push_back(m.name);
    // Validation: the loss and metrics on fresh trials at every level (one set of columns
    // for tasks without levels); NaN in the epochs without a validation.
    const std::vector<long> levels = task.levels();
    const std::vector<long> validated = levels.empty() ? std::vector<long>{0} : levels;
    auto val_prefix = [&](long level) {
        return level > 0 ? fmt::format("val{}_", level) : std::string("val_");
    };
    if (def.validate_every > 0)
        for (const long level : validated) {
            out.history.columns.push_back(val_prefix(level) + "loss");
            for (const auto& m : task_def.entry->metrics)
                out.history.columns.push_back(val_prefix(level) + m.name);
        }
    if (def.curriculum)
        out.history.columns.push_back("level");
    const std::uint64_t validation_key =
        rt::stream_key(seed, "train " + def.name + " / validation");
    std::uint64_t next_validation_trial = 0;
    long level = levels.empty() ? 0 : levels.front();  // the curriculum's current level
    long level_streak = 0;

    rt::RandomStream noise_stream(rt::stream_key(seed, "train " + def.name + " / noise"));
    arma::fmat noise;
    rt::Tape<float> tape;
    long streak = 0;
    long first_epoch = 0;
    if (checkpoints.resume != nullptr) {
        const rt::Checkpoint& c = *checkpoints.resume;
        if (c.get_string("training") != def.name)
            throw RuntimeFailure(fmt::format("train '{}': the checkpoint is of the training '{}'",
                                             def.name, c.get_string("training")));
        for (auto& p : out.net.params) {
            const arma::fmat& raw = c.get_array<float>("param." + p.name);
            if (arma::size(raw) != arma::size(p.raw))
                throw RuntimeFailure(fmt::format(
                    "train '{}': the checkpoint's {} is {}x{}, the network's {}x{}", def.name,
                    p.name, raw.n_rows, raw.n_cols, p.raw.n_rows, p.raw.n_cols));
            p.raw = raw;
        }
        rt::restore_optimizer(c, "optimizer", optimizer);
        next_trial = static_cast<std::uint64_t>(c.get_int("trials.next"));
        noise_stream.restore(rt::load_random_state(c, "stream.noise"));
        next_validation_trial = static_cast<std::uint64_t>(c.get_int("validation.next"));
        level = c.get_int("curriculum.level");
        level_streak = c.get_int("curriculum.streak");
        first_epoch = c.get_int("epochs_done");
        streak = c.get_int("stop_streak");
        const arma::mat& rows = c.get_array<double>("history");
        for (arma::uword r = 0; r < rows.n_rows; ++r)
            out.history.rows.push_back(arma::conv_to<std::vector<double>>::from(rows.row(r)));
        out.epochs_run = first_epoch;
        out.final_loss = c.get_double("final_loss");
    }
    auto checkpoint = [&](long epochs_done) {
        rt::Checkpoint c;
        c.set_string("training", def.name);
        for (const auto& p : out.net.params)
            c.set_array("param." + p.name, p.raw);
        rt::save_optimizer(c, "optimizer", optimizer);
        c.set_int("trials.next", static_cast<long>(next_trial));
        rt::save_random_state(c, "stream.noise", noise_stream.state());
        c.set_int("validation.next", static_cast<long>(next_validation_trial));
        c.set_int("curriculum.level", level);
        c.set_int("curriculum.streak", level_streak);
        c.set_int("epochs_done", epochs_done);
        c.set_int("stop_streak", streak);
        arma::mat rows(out.history.rows.size(), out.history.columns.size());
        for (arma::uword r = 0; r < rows.n_rows; ++r)
            rows.row(r) = arma::rowvec(out.history.rows[r]);
        c.set_array("history", std::move(rows));
        c.set_double("final_loss", out.final_loss);
        return c;
    };

    // One forward pass of a batch with the loss terms on the tape.
    struct Pass {
        rt::NetworkVars vars;
        std::vector<rt::Var> terms;
        rt::Var total;
    };

    // The builder keeps a reference to pass.vars: both live in the caller.
    // With a learner, the batch runs through it (learning when `learn`) instead of a
    // forward pass on the tape.
    auto run_pass = [&](const rt::Network<float>& net, const stdlib::TrialBatch& batch,
                        bool with_noise, Pass& pass, std::unique_ptr<LossBuilder>& builder,
                        rt::OnlineLearner<float>* learner = nullptr, bool learn = false) {
        tape.clear();
        if (with_noise && net.noise > 0.0) {
            noise.set_size(net.units(), batch.inputs.n_cols);
            noise_stream.fill_normal(noise, 0.0, net.noise);
        }
        pass = Pass{};
        pass.vars =
            learner != nullptr
                ? online_pass(tape, *learner, net, task, batch, def.loss.front().node, learn)
                : rt::forward(tape, net, batch.inputs, batch.batch,
                              with_noise && net.noise > 0.0 ? &noise : nullptr, batch.initial_state,
                              def.truncate);
        builder = std::make_unique<LossBuilder>(tape, pass.vars, task, batch, net.activation);
        for (const auto& t : def.loss) {
            const rt::Var v = builder->build(t.node);
            pass.terms.push_back(v);
            const rt::Var signed_term = t.sign < 0 ? rt::scale(tape, v, -1.0F) : v;
            pass.total = pass.total.valid() ? rt::add(tape, pass.total, signed_term) : signed_term;
        }
    };
    auto batch_metrics = [&](LossBuilder& builder, const stdlib::TrialBatch& batch) {
        std::map<std::string, double> values;
        for (const auto& m : task_def.entry->metrics) {
            const arma::fmat sig = tape.value(builder.signal(m.signal));
            const auto per = metric_per_trial(m, sig, period(batch, m.period));
            double mean = 0.0;
            for (const double v : per)
                mean += v / static_cast<double>(per.size());
            values[m.name] = mean;
        }
        return values;
    };
    // An online training: the learner updates out.net in place, step by step.
    const bool online = learns_online(def, out.net);
    std::unique_ptr<rt::OnlineLearner<float>> learner =
        online ? make_learner(def, seed, out.net, optimizer) : nullptr;
    const bool plastic = out.net.shape.kind == rt::CellKind::Plastic;
    const auto batch_size = static_cast<arma::uword>(def.batch);
    for (long epoch = first_epoch; epoch < def.epochs; ++epoch) {
        // The steps of the epoch: `batches` steps of `batch` trials, or the curriculum's
        // step at the current level followed by its replay of earlier levels, as separate
        // steps (seed 004) or inside the same batch (replay = mixed).
        struct PlannedStep {
            long level = 0;
            arma::uword trials = 0;
            std::vector<long> trial_levels;  // mixed replay: the level of each trial
        };

        std::vector<PlannedStep> plan;
        for (long k = 0; k < def.batches; ++k) {
            if (!def.curriculum) {
                plan.push_back({0, batch_size, {}});
                continue;
            }
            std::vector<long> earlier;
            for (const long l : levels)
                if (l < level)
                    earlier.push_back(l);
            if (earlier.empty() || def.curriculum->mix <= 0.0) {
                plan.push_back({level, batch_size, {}});
                continue;
            }
            const auto current = std::max<arma::uword>(
                1, static_cast<arma::uword>(
                       std::floor(static_cast<double>(batch_size) * (1.0 - def.curriculum->mix))));
            const arma::uword rest = batch_size > current ? batch_size - current : 0;
            const arma::uword each = std::max<arma::uword>(1, rest / earlier.size());
            if (def.curriculum->mixed_replay) {
                PlannedStep step{level, 0, std::vector<long>(current, level)};
                for (const long l : earlier)
                    step.trial_levels.insert(step.trial_levels.end(), each, l);
                step.trials = step.trial_levels.size();
                plan.push_back(std::move(step));
                continue;
            }
            plan.push_back({level, current, {}});
            for (const long l : earlier)
                plan.push_back({l, each, {}});
        }
        // The epoch's history row holds the means over its steps.
        std::vector<double> term_sums(def.loss.size(), 0.0);
        std::map<std::string, double> metrics;
        double loss = 0.0;
        std::size_t done = 0;  // steps taken (fewer when a NaN ends the epoch)
        for (std::size_t k = 0; k < plan.size(); ++k) {
            const stdlib::BatchRequest request{
                epoch,          epoch * static_cast<long>(plan.size()) + static_cast<long>(k),
                plan[k].trials, def.schedule,
                plan[k].level,  plan[k].trial_levels};
            const stdlib::TrialBatch batch =
                task.training_batch(request, stdlib::TrialDraws(trials_key, next_trial));
            next_trial += batch.batch;
            std::unique_ptr<LossBuilder> builder;
            Pass pass;
            // An online learner has changed the weights by the time the loss is known: with
            // on_nan = end_epoch a non-finite batch is undone from this copy.
            std::optional<std::pair<std::vector<arma::fmat>, rt::OptimizerState<float>>> undo;
            if (online && def.nan_ends_epoch) {
                undo.emplace();
                for (const auto& p : out.net.params)
                    undo->first.push_back(p.raw);
                undo->second = optimizer.state();
            }
            run_pass(out.net, batch, true, pass, builder, learner.get(), true);
            const rt::NetworkVars& vars = pass.vars;
            const std::vector<rt::Var>& terms = pass.terms;
            const rt::Var total = pass.total;
            std::vector<double> values;
            bool finite = true;
            for (std::size_t i = 0; i < terms.size(); ++i) {
                const double v = def.loss[i].sign * tape.value(terms[i])(0, 0);
                if (!std::isfinite(v) && !def.nan_ends_epoch)
                    throw RuntimeFailure(fmt::format(
                        "train '{}': the loss term {} became {} at epoch {}{}", def.name,
                        def.loss[i].name, v, epoch + 1,
                        plan.size() > 1 ? fmt::format(", step {}", k + 1) : std::string()));
                finite = finite && std::isfinite(v);
                values.push_back(v);
            }
            if (online && !finite) {
                for (std::size_t i = 0; i < out.net.params.size(); ++i)
                    out.net.params[i].raw = undo->first[i];
                optimizer.restore(undo->second);
            }
            if (!finite) {  // on_nan = end_epoch: no step, the rest of the epoch is skipped
                ++out.nan_epochs;
                break;
            }
            if (online) {  // the learner has taken its steps
                loss += tape.value(total)(0, 0);
                for (std::size_t i = 0; i < values.size(); ++i)
                    term_sums[i] += values[i];
                for (const auto& [name, value] : batch_metrics(*builder, batch))
                    metrics[name] += value;
                ++done;
                continue;
            }
            tape.backward(total);
            std::vector<arma::fmat*> params;
            std::vector<arma::fmat*> grads;
            for (auto& p : out.net.params) {
                if (!p.trainable())
                    continue;
                const rt::Var raw = vars.raw.at(p.name);
                arma::fmat& g = tape.grad(raw);
                if (!g.is_finite() && !def.nan_ends_epoch)
                    throw RuntimeFailure(
                        fmt::format("train '{}': the gradient of {} is not finite at epoch {}",
                                    def.name, p.name, epoch + 1));
                finite = finite && g.is_finite();
                params.push_back(&p.raw);
                grads.push_back(&g);
            }
            if (!finite) {
                ++out.nan_epochs;
                break;
            }
            if (def.clip_norm > 0.0)
                rt::clip_global_norm(grads, def.clip_norm);
            optimizer.step(params, {grads.begin(), grads.end()});
            // Recorded only for steps taken; the row holds their means.
            loss += tape.value(total)(0, 0);
            for (std::size_t i = 0; i < values.size(); ++i)
                term_sums[i] += values[i];
            for (const auto& [name, value] : batch_metrics(*builder, batch))
                metrics[name] += value;
            ++done;
        }
        const double scale =
            done > 0 ? 1.0 / static_cast<double>(done) : std::numeric_limits<double>::quiet_NaN();
        loss *= scale;
        for (double& v : term_sums)
            v *= scale;
        for (const auto& m : task_def.entry->metrics)
            metrics[m.name] *= scale;  // NaN when no step was taken
        std::vector<double> row = {static_cast<double>(epoch + 1), loss};
        row.insert(row.end(), term_sums.begin(), term_sums.end());
        for (const auto& m : task_def.entry->metrics)
            row.push_back(metrics[m.name]);
        const long level_trained = level;
        if (def.validate_every > 0) {
            const bool now = (epoch + 1) % def.validate_every == 0;
            rt::Network<float> frozen;  // the trained network without gradients, when validating
            // A plastic network is validated as it runs: its fast weights learn within each
            // sequence, on a copy.
            std::unique_ptr<rt::OnlineLearner<float>> validator;
            rt::Optimizer<float> unused(def.optimizer);
            if (now) {
                frozen = out.net;
                for (auto& p : frozen.params)
                    p.constraint.fixed = !plastic;
                if (plastic)
                    validator = make_learner(def, seed, frozen, unused);
            }
            const auto trials_per =
                static_cast<arma::uword>(def.validate_trials > 0 ? def.validate_trials : def.batch);
            for (const long l : validated) {
                if (!now) {
                    row.insert(row.end(), 1 + task_def.entry->metrics.size(),
                               std::numeric_limits<double>::quiet_NaN());
                    continue;
                }
                const stdlib::TrialBatch batch =
                    task.training_batch({epoch, -1, trials_per, def.schedule, l},
                                        stdlib::TrialDraws(validation_key, next_validation_trial));
                next_validation_trial += batch.batch;
                std::unique_ptr<LossBuilder> builder;
                Pass pass;
                run_pass(frozen, batch, false, pass, builder, validator.get(), true);
                if (validator)  // every validation batch starts from the trained weights
                    frozen = out.net;
                row.push_back(tape.value(pass.total)(0, 0));
                const auto values = batch_metrics(*builder, batch);
                for (const auto& m : task_def.entry->metrics)
                    row.push_back(values.at(m.name));
                // The curriculum judges the current level (seed 004's scheduler.update).
                if (def.curriculum && l == level) {
                    if (values.at(def.curriculum->metric) >= def.curriculum->threshold) {
                        if (++level_streak >= def.curriculum->patience && l < levels.back()) {
                            level = *std::upper_bound(levels.begin(), levels.end(), l);
                            level_streak = 0;
                        }
                    } else {
                        level_streak = 0;
                    }
                }
            }
        }
        if (def.curriculum)
            row.push_back(static_cast<double>(level_trained));
        out.history.rows.push_back(row);
        out.epochs_run = epoch + 1;
        out.final_loss = loss;
        if (on_epoch)
            on_epoch(epoch, def.epochs, loss, metrics);
        if (def.stop) {
            // Stop conditions may also read the loss and the epoch number.
            metrics["loss"] = loss;
            metrics["epoch"] = static_cast<double>(epoch + 1);
            bool all = true;
            for (const auto& c : def.stop->all)
                all = all && holds(c, metrics.at(c.metric));
            streak = all ? streak + 1 : 0;
            if (streak >= def.stop->epochs) {
                out.stopped_early = true;
                break;
            }
        }
        if (checkpoints.after_epoch && epoch + 1 < def.epochs) {
            const AfterEpoch next = checkpoints.after_epoch(epoch + 1);
            if (next != AfterEpoch::Continue && checkpoints.save)
                checkpoints.save(checkpoint(epoch + 1));
            if (next == AfterEpoch::CheckpointAndStop) {
                out.interrupted = true;
                break;
            }
        }
    }
    return out;
}

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

}  // namespace

Evaluation evaluate(const Program& program, const EvaluateDef& def, const TrainedNetwork& trained,
                    const stdlib::TaskInstance& task, const TaskDef& task_def) {
    const stdlib::TrialDraws draws(
        rt::stream_key(program.seed, "evaluate " + def.name + " / trials"), 0);
    const stdlib::TrialBatch batch =
        task.evaluation_batch(draws, static_cast<arma::uword>(def.trials));
    rt::Tape<float> tape;
    rt::Network<float> net = trained.net;
    rt::NetworkVars vars;
    const auto [inputs, perturbation] = probe_inputs(program, def, task, batch, net.units());
    if (net.shape.kind == rt::CellKind::Plastic) {
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
            0, def.keep_activity);
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

void alter_constraints(const AlterDef& def, rt::Network<float>& net) {
    const arma::uword n = net.units();
    std::map<std::string, rt::TensorRole> roles;
    for (const auto& l : rt::tensor_layout(net.shape))
        roles[l.name] = l.role;
    for (auto& p : net.params) {
        p.constraint = rt::Constraint{};
        p.constraint.fixed = true;
        if (def.lesion.empty())
            continue;
        const rt::TensorRole role = roles.count(p.name) ? roles.at(p.name) : rt::TensorRole::Bias;
        arma::mat mask(p.raw.n_rows, p.raw.n_cols, arma::fill::ones);
        bool masked = false;
        for (const long unit : def.lesion) {
            const auto u = static_cast<arma::uword>(unit);
            if (role == rt::TensorRole::Recurrent && p.raw.n_cols == n) {
                // Outgoing: the unit's column; incoming: its row in every gate block.
                mask.col(u).zeros();
                for (arma::uword r = u; r < p.raw.n_rows; r += n)
                    mask.row(r).zeros();
                masked = true;
            } else if (role == rt::TensorRole::Readout) {
                // W_out (outputs x units) reads columns; ctrnn's w (units x outputs) rows.
                if (net.shape.kind == rt::CellKind::Ctrnn)
                    mask.row(u).zeros();
                else
                    mask.col(u).zeros();
                masked = true;
            }
        }
        if (masked)
            p.constraint.mask = std::move(mask);
    }
}

TrainedNetwork alter(const AlterDef& def, const TrainedNetwork& base) {
    TrainedNetwork out = base;
    for (auto& p : out.net.params)
        p.raw = rt::effective_value(p);
    for (const auto& op : def.ops) {
        auto& p = *out.net.find(op.tensor);
        if (op.kind == AlterOp::Kind::Scale) {
            p.raw *= static_cast<float>(op.value);
            continue;
        }
        if (static_cast<arma::uword>(op.row) >= p.raw.n_rows
            || static_cast<arma::uword>(op.column) >= p.raw.n_cols)
            throw RuntimeFailure(fmt::format(
                "alter {}: {} is {} x {}, so it has no entry [{}, {}] (indices count from 0)",
                def.name, op.tensor, p.raw.n_rows, p.raw.n_cols, op.row, op.column));
        p.raw(static_cast<arma::uword>(op.row), static_cast<arma::uword>(op.column)) =
            static_cast<float>(op.value);
    }
    alter_constraints(def, out.net);
    return out;
}

arma::fmat trained_tensor(const TrainedNetwork& trained, const std::string& name) {
    return rt::effective_value(trained.net.at(name));
}

}  // namespace rnn::interp
