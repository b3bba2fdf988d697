// A paradigm's trials and entry, on the period builder (period_trials.hpp): the spec's
// periods lay out each trial, its channels write the inputs period by period, its target
// the step targets; the signals, metrics and masks are those of every period task.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"
#include "stdlib/tasks/paradigm.hpp"

namespace rnn::stdlib {

namespace {

PeriodTaskShape shape_of(const ParadigmSpec& spec) {
    PeriodTaskShape shape;
    for (const auto& p : spec.periods)
        shape.periods.push_back(p.name);
    shape.response = spec.periods.at(spec.response).name;
    shape.inputs = spec.inputs;
    shape.outputs = spec.outputs;
    shape.fixation_input = false;  // the paradigm's channels say everything
    shape.response_alone = true;   // periods may follow the response (an interval)
    shape.choice = spec.classes;
    return shape;
}

long longest_trial(const ParadigmSpec& spec) {
    long total = 0;
    for (const auto& p : spec.periods)
        total += p.longest;
    return total;
}

// A value computed for a trial must be finite: the checker bounds durations and classes, but
// an expression such as 1 / x or sqrt(x) can still give NaN or infinity for one trial, which
// no step count, class or input can be.
void require_finite(double v, const char* what, const std::string& name) {
    if (!std::isfinite(v))
        throw std::runtime_error(
            fmt::format("{} '{}' of a trial is {}: a paradigm's values must "
                        "be finite numbers (look for a division by 0, or "
                        "log or sqrt of a value that can be 0 or below)",
                        what, name, v));
}

long whole_value(double v, const char* what, const std::string& name) {
    require_finite(v, what, name);
    if (std::abs(v) > 1e12)
        throw std::runtime_error(fmt::format("{} '{}' of a trial is {}", what, name, v));
    return std::lround(v);
}

class ParadigmTask final : public TaskWithSignals<ParadigmTask> {
    friend class TaskWithSignals<ParadigmTask>;

public:
    ParadigmTask(std::shared_ptr<const ParadigmSpec> spec, const Params& p)
        : spec_(std::move(spec))
        , shape_(shape_of(*spec_))
        , catch_fraction_(p.real("catch"))
        , grace_(static_cast<arma::uword>(p.integer("grace")))
        , steps_(static_cast<arma::uword>(longest_trial(*spec_))) {}

    arma::uword input_size() const override { return spec_->inputs; }

    arma::uword output_size() const override { return spec_->outputs; }

    arma::uword steps() const override { return steps_; }

    std::vector<Period> periods() const override {
        TrialLayout layout;
        for (const auto& p : spec_->periods)
            layout.append(p.name, p.longest);
        return layout.periods();
    }

    arma::uword conditions() const override { return spec_->classes ? spec_->outputs : 1; }

    arma::fmat mask(std::string_view name, const TrialBatch& trials) const override {
        if (name == "response" || name == "all")
            return period_mask(shape_, name, trials, grace_);
        const auto it = std::find(shape_.periods.begin(), shape_.periods.end(), name);
        if (it == shape_.periods.end())
            return TaskInstance::mask(name, trials);
        const auto index = static_cast<std::size_t>(it - shape_.periods.begin());
        if (index == spec_->response)
            return period_mask(shape_, "response", trials, grace_);
        const BatchLayouts layouts(shape_, trials);
        arma::fmat m(1, trials.batch * trials.steps, arma::fill::zeros);
        for (arma::uword b = 0; b < trials.batch; ++b) {
            const arma::uword end =
                index + 1 < shape_.periods.size() ? layouts.begin(b, index + 1) : layouts.end(b);
            for (arma::uword t = layouts.begin(b, index); t < end; ++t)
                m(0, t * trials.batch + b) = 1.0F;
        }
        return m;
    }

protected:
    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        return make_batch(request.batch_size, draws);
    }

    TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const override {
        return make_batch(count > 0 ? count : kEvaluationTrials, draws);
    }

private:
    TrialBatch make_batch(arma::uword count, const TrialDraws& draws) const;
    void write_trial(PeriodBatchWriter& out, ParadigmEvaluator& ev, arma::uword b,
                     rt::RandomStream& s) const;

    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        if (spec_->classes && (name == "correct" || name == "choice" || name == "chose_1"))
            return tape.constant(arma::conv_to<arma::Mat<T>>::from(
                choice_signal(name, shape_, arma::conv_to<arma::mat>::from(tape.value(net.outputs)),
                              trials, grace_)));
        if (!spec_->classes && name == "squared_error")
            return rt::squared_error_signal(tape, net.outputs,
                                            arma::conv_to<arma::Mat<T>>::from(trials.step_targets),
                                            trials.batch);
        if (!spec_->classes && name == "error")
            return tape.constant(arma::conv_to<arma::Mat<T>>::from(
                trial_mean_error(shape_, arma::conv_to<arma::mat>::from(tape.value(net.outputs)),
                                 trials, shape_.response, grace_)));
        throw std::logic_error("the task has no signal '" + std::string(name) + "'");
    }

    std::shared_ptr<const ParadigmSpec> spec_;
    PeriodTaskShape shape_;
    double catch_fraction_;
    arma::uword grace_;
    arma::uword steps_;
};

TrialBatch ParadigmTask::make_batch(arma::uword count, const TrialDraws& draws) const {
    PeriodBatchWriter out(shape_, count, steps_);
    ParadigmEvaluator ev(*spec_);
    for (arma::uword b = 0; b < count; ++b) {
        rt::RandomStream s = draws.trial(b);
        write_trial(out, ev, b, s);
    }
    return out.finish();
}

// One trial, drawn in the order paradigm.hpp gives. A catch trial shows the first period's
// inputs and target at every step.
void ParadigmTask::write_trial(PeriodBatchWriter& out, ParadigmEvaluator& ev, arma::uword b,
                               rt::RandomStream& s) const {
    const ParadigmSpec& spec = *spec_;
    const bool catch_trial = s.uniform_double() < catch_fraction_;
    std::vector<long> lengths(spec.periods.size(), 0);
    for (std::size_t p = 0; p < spec.periods.size(); ++p)
        if (spec.periods[p].node < 0)
            lengths[p] = spec.periods[p].duration.draw(s);
    ev.begin_trial(s);
    for (std::size_t v = 0; v < spec.variables.size(); ++v)
        ev.draw_variable(v);
    TrialLayout layout;
    for (std::size_t p = 0; p < spec.periods.size(); ++p) {
        if (spec.periods[p].node >= 0)
            lengths[p] = std::clamp(
                whole_value(*ev.value(spec.periods[p].node, p), "period", spec.periods[p].name), 0L,
                spec.periods[p].longest);
        layout.append(spec.periods[p].name, lengths[p]);
    }
    const auto shown = [&](std::size_t p) {
        return catch_trial ? std::size_t{0} : p;
    };
    const long condition =
        spec.classes ? whole_value(*ev.value(spec.target, shown(spec.response)), "the", "target")
                     : 0;
    out.begin_trial(b, layout, catch_trial, condition);
    for (std::size_t v = 0; v < spec.variables.size(); ++v) {
        const ParadigmVariable& var = spec.variables[v];
        if (var.category)
            out.category(var.name, std::lround(ev.variable(v)));
        else
            out.variable(var.name, ev.variable(v));
    }
    // Inputs and targets, period by period; then the noise, step by step.
    std::vector<double> sigma(spec.periods.size() * spec.channels.size(), 0.0);
    for (std::size_t p = 0; p < spec.periods.size(); ++p) {
        const Period& period = layout.periods()[p];
        for (std::size_t c = 0; c < spec.channels.size(); ++c) {
            const ParadigmChannel& ch = spec.channels[c];
            const double* v = ev.value(ch.node, shown(p));
            for (arma::uword i = 0; i < ch.width; ++i)
                require_finite(v[i], "input", ch.name);
            for (arma::uword t = period.begin; t < period.end; ++t)
                for (arma::uword i = 0; i < ch.width; ++i)
                    out.input_at(ch.first + i, t, static_cast<float>(v[i]));
            const int noise = ch.noise[shown(p)];
            sigma[p * spec.channels.size() + c] = noise >= 0 ? *ev.value(noise, shown(p)) : 0.0;
        }
        const double* target = ev.value(spec.target, shown(p));
        const arma::uword rows = spec.classes ? 1 : spec.outputs;
        if (spec.classes && (!(target[0] >= 0.0) || target[0] >= static_cast<double>(spec.outputs)))
            throw std::runtime_error(fmt::format(
                "the target of a trial is class {}, outside 0 .. {}", target[0], spec.outputs - 1));
        for (arma::uword r = 0; r < rows; ++r)
            require_finite(target[r], "the", "target");
        for (arma::uword t = period.begin; t < period.end; ++t)
            for (arma::uword r = 0; r < rows; ++r)
                out.target_at(r, t, static_cast<float>(target[r]));
    }
    std::size_t p = 0;
    for (arma::uword t = 0; t < layout.length(); ++t) {
        while (t >= layout.periods()[p].end)
            ++p;
        for (std::size_t c = 0; c < spec.channels.size(); ++c) {
            const double sd = sigma[p * spec.channels.size() + c];
            if (sd <= 0.0)
                continue;
            const ParadigmChannel& ch = spec.channels[c];
            for (arma::uword i = 0; i < ch.width; ++i)
                out.add_input_at(ch.first + i, t, static_cast<float>(sd * s.normal()));
        }
    }
}

}  // namespace

std::string ParadigmSpec::key_text() const {
    std::string out = "nodes:";
    for (const auto& n : nodes) {
        out += fmt::format("({},{},{}", static_cast<int>(n.op), n.index, n.width);
        for (int a : n.args)
            out += fmt::format(",a{}", a);
        for (double v : n.values)
            out += fmt::format(",v{:.17g}", v);
        out += ")";
    }
    out += ";variables:";
    for (const auto& v : variables)
        out += fmt::format("({},{},{},{})", v.name, v.node, v.category ? 1 : 0, v.unit);
    out += ";periods:";
    for (const auto& p : periods) {
        out += fmt::format("({},{},{:.17g},{:.17g}", p.name, p.node, p.duration.range.low,
                           p.duration.range.high);
        for (long c : p.duration.choices)
            out += fmt::format(",{}", c);
        out += fmt::format(",{})", p.longest);
    }
    out += ";channels:";
    for (const auto& c : channels) {
        out += fmt::format("({},{},{},{}", c.name, c.first, c.width, c.node);
        for (int n : c.noise)
            out += fmt::format(",{}", n);
        out += ")";
    }
    return out
           + fmt::format(";inputs={};classes={};outputs={};target={};response={}", inputs,
                         classes ? 1 : 0, outputs, target, response);
}

std::shared_ptr<const TaskEntry> make_paradigm_entry(const std::string& name,
                                                     const std::string& doc,
                                                     std::shared_ptr<const ParadigmSpec> spec) {
    auto e = std::make_shared<TaskEntry>();
    const TaskEntry& registered = paradigm_entry();
    e->origin = TaskOrigin::Paradigm;
    e->name = name;
    e->doc = doc;
    e->reference = registered.reference;
    for (const auto& p : registered.schema.params)
        if (p.type != ParamType::Declaration && p.name != "outputs")
            e->schema.params.push_back(p);
    for (const auto& p : spec->periods)
        e->periods.push_back(
            {p.name, p.doc.empty() ? "a period of the paradigm" : "lasts " + p.doc});
    for (const auto& v : spec->variables)
        e->variables.push_back({v.name, v.unit, v.doc});
    add_period_task_fields(*e, spec->classes, spec->periods.at(spec->response).name);
    for (const auto& p : spec->periods)
        if (p.name != "response" && p.name != "all")
            e->masks.push_back({p.name, "the steps of each trial's " + p.name + " period"});
    for (const auto& ch : spec->channels)
        for (arma::uword i = 0; i < ch.width; ++i)
            e->input_names.push_back(ch.width == 1 ? ch.name
                                                   : fmt::format("{} {}", ch.name, i + 1));
    set_fixed_sizes(*e, static_cast<long>(spec->inputs), static_cast<long>(spec->outputs),
                    longest_trial(*spec));
    e->make = [spec](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
        return std::make_unique<ParadigmTask>(spec, p);
    };
    return e;
}

}  // namespace rnn::stdlib
