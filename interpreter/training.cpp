#include "interpreter/training.hpp"

#include <cmath>

#include <fmt/format.h>

#include "runtime/ops.hpp"
#include "runtime/optimizer.hpp"
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
        for (const auto& p : task.periods())
            periods_[p.name] = p;
    }

    rt::Var signal(const std::string& name) {
        const auto it = signals_.find(name);
        if (it != signals_.end())
            return it->second;
        const rt::Var v = task_.signal(name, tape_, vars_.states, batch_);
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
                    return rt::reduce_time(tape_, signal(n.signal), n.reduction, 0, task_.steps());
                const stdlib::Period& p = periods_.at(n.period);
                return rt::reduce_time(tape_, signal(n.signal), n.reduction, p.begin, p.end);
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
        const arma::frowvec w = signal.row(b).cols(p.begin, p.end - 1);
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

}  // namespace

std::uint64_t task_setup_key(const Program& program, const std::string& task_name) {
    return rt::stream_key(program.seed, "task " + task_name + " / setup");
}

rt::RnnNetwork<float> build_network(const NetworkDef& def, arma::uword inputs, std::uint64_t seed) {
    rt::RnnNetwork<float> net;
    const auto units = static_cast<arma::uword>(def.params.integer("units"));
    const long declared_inputs = def.params.integer("inputs");
    if (declared_inputs != 0)
        inputs = static_cast<arma::uword>(declared_inputs);
    net.activation = *rt::activation_from_name(def.params.text("activation"));
    const double bound = 1.0 / std::sqrt(static_cast<double>(units));
    auto make = [&](const std::string& name, arma::uword rows, arma::uword cols,
                    rt::Initializer fallback) {
        rt::Parameter<float> p;
        p.name = name;
        p.raw.set_size(rows, cols);
        const auto it = def.tensors.find(name);
        const TensorDef* t = it == def.tensors.end() ? nullptr : &it->second;
        const std::string path = fmt::format("network {} / {}", def.name, name);
        std::uint64_t key = rt::stream_key(seed, path);
        if (t && t->pinned_seed)
            key = rt::stream_key(*t->pinned_seed, path);
        else if (t && !t->stream.empty())
            key = rt::stream_key(seed, "stream " + t->stream);
        rt::RandomStream stream(key);
        if (t && t->init_values) {
            if (t->init_values->n_rows != rows || t->init_values->n_cols != cols)
                throw RuntimeFailure(fmt::format(
                    "network '{}': the array loaded for {} is {}x{}, the tensor is {}x{}", def.name,
                    name, t->init_values->n_rows, t->init_values->n_cols, rows, cols));
            p.raw = arma::conv_to<arma::fmat>::from(*t->init_values);
        } else {
            rt::initialize(p.raw, t && t->init ? *t->init : fallback, stream);
        }
        if (t && !t->constraint.mask.empty()
            && (t->constraint.mask.n_rows != rows || t->constraint.mask.n_cols != cols))
            throw RuntimeFailure(fmt::format(
                "network '{}': the mask of {} is {}x{}, the tensor is {}x{}", def.name, name,
                t->constraint.mask.n_rows, t->constraint.mask.n_cols, rows, cols));
        if (t)
            p.constraint = t->constraint;
        return p;
    };
    const rt::Initializer pytorch{rt::InitKind::Uniform, -bound, bound};
    net.w_self = make("W_self", units, units, pytorch);
    net.w_input = make("W_input", units, inputs, pytorch);
    if (def.params.flag("bias"))
        net.bias = make("b", units, 1, rt::Initializer{rt::InitKind::Zeros, 0, 0});
    else
        net.bias.name = "b";
    return net;
}

TrainedNetwork train(const Program& program, const TrainDef& def, const stdlib::TaskInstance& task,
                     const EpochCallback& on_epoch) {
    const std::uint64_t seed = training_seed(program, def);
    const NetworkDef& net_def = program.networks.at(def.network);
    const TaskDef& task_def = program.tasks.at(def.task);
    TrainedNetwork out;
    out.net = build_network(net_def, task.input_size(), seed);
    rt::Optimizer<float> optimizer(def.optimizer);
    rt::RandomStream trials(rt::stream_key(seed, "train " + def.name + " / trials"));
    const auto periods = task.periods();
    auto period = [&](const std::string& name) {
        for (const auto& p : periods)
            if (p.name == name)
                return p;
        throw std::logic_error("no period " + name);
    };

    out.history.columns = {"epoch", "loss"};
    for (const auto& t : def.loss)
        out.history.columns.push_back(t.name);
    for (const auto& m : task_def.entry->metrics)
        out.history.columns.push_back(m.name);

    rt::Tape<float> tape;
    long streak = 0;
    for (long epoch = 0; epoch < def.epochs; ++epoch) {
        const stdlib::TrialBatch batch = task.training_batch(epoch, def.schedule, trials);
        tape.clear();
        const rt::NetworkVars vars = rt::forward(tape, out.net, batch.inputs, batch.batch);
        LossBuilder builder(tape, vars, task, batch, out.net.activation);
        std::vector<rt::Var> terms;
        rt::Var total;
        for (const auto& t : def.loss) {
            const rt::Var v = builder.build(t.node);
            terms.push_back(v);
            const rt::Var signed_term = t.sign < 0 ? rt::scale(tape, v, -1.0F) : v;
            total = total.valid() ? rt::add(tape, total, signed_term) : signed_term;
        }
        const double loss = tape.value(total)(0, 0);
        std::vector<double> row = {static_cast<double>(epoch + 1), loss};
        for (std::size_t i = 0; i < terms.size(); ++i) {
            const double v = def.loss[i].sign * tape.value(terms[i])(0, 0);
            if (!std::isfinite(v))
                throw RuntimeFailure(
                    fmt::format("train '{}': the loss term {} became {} at epoch {}", def.name,
                                def.loss[i].name, v, epoch + 1));
            row.push_back(v);
        }
        std::map<std::string, double> metrics;
        for (const auto& m : task_def.entry->metrics) {
            const arma::fmat sig = tape.value(builder.signal(m.signal));
            const auto per = metric_per_trial(m, sig, period(m.period));
            double mean = 0.0;
            for (const double v : per)
                mean += v / static_cast<double>(per.size());
            metrics[m.name] = mean;
            row.push_back(mean);
        }
        tape.backward(total);
        std::vector<arma::fmat*> params;
        std::vector<arma::fmat*> grads;
        for (auto* p : out.net.parameters()) {
            if (!p->trainable())
                continue;
            const rt::Var raw = vars.raw.at(p->name);
            arma::fmat& g = tape.grad(raw);
            if (!g.is_finite())
                throw RuntimeFailure(
                    fmt::format("train '{}': the gradient of {} is not finite at epoch {}",
                                def.name, p->name, epoch + 1));
            params.push_back(&p->raw);
            grads.push_back(&g);
        }
        if (def.clip_norm > 0.0)
            rt::clip_global_norm(grads, def.clip_norm);
        optimizer.step(params, {grads.begin(), grads.end()});
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
    }
    return out;
}

Evaluation evaluate(const Program& program, const EvaluateDef& def, const TrainedNetwork& trained,
                    const stdlib::TaskInstance& task, const TaskDef& task_def) {
    rt::RandomStream trials(rt::stream_key(program.seed, "evaluate " + def.name + " / trials"));
    const stdlib::TrialBatch batch = task.evaluation_batch(trials);
    rt::Tape<float> tape;
    rt::RnnNetwork<float> net = trained.net;
    for (auto* p : net.parameters())
        p->constraint.fixed = true;  // no gradients wanted
    // Keep symmetric parametrisation: fixed only stops training, constrain still applies.
    const rt::NetworkVars vars = rt::forward(tape, net, batch.inputs, batch.batch);
    Evaluation ev;
    ev.condition = batch.condition;
    ev.periods = task.periods();
    for (const auto& s : task_def.entry->signals)
        ev.signals[s.name] = tape.value(task.signal(s.name, tape, vars.states, batch));
    for (const auto& m : task_def.entry->metrics) {
        ev.metric_names.push_back(m.name);
        for (const auto& p : ev.periods)
            if (p.name == m.period)
                ev.per_trial[m.name] = metric_per_trial(m, ev.signals.at(m.signal), p);
    }
    return ev;
}

arma::fmat trained_tensor(const TrainedNetwork& trained, const std::string& name) {
    auto& net = const_cast<rt::RnnNetwork<float>&>(trained.net);
    for (auto* p : net.parameters())
        if (p->name == name)
            return rt::effective_value(*p);
    throw std::logic_error("no tensor " + name);
}

}  // namespace rnn::interp
