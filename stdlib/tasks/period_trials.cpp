#include "stdlib/tasks/period_trials.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

namespace rnn::stdlib {

Duration Duration::from(const Params& p, const std::string& name) {
    Duration d;
    if (std::holds_alternative<std::vector<double>>(p.get(name)))
        d.choices = p.integers(name);
    else
        d.range = p.draw(name);
    return d;
}

long Duration::draw(rt::RandomStream& s) const {
    if (!choices.empty())
        return choices[static_cast<std::size_t>(
            s.uniform_int(0, static_cast<std::int64_t>(choices.size()) - 1))];
    const auto low = static_cast<long>(range.low), high = static_cast<long>(range.high);
    return high > low ? static_cast<long>(s.uniform_int(low, high - 1)) : low;
}

long Duration::longest() const {
    if (!choices.empty())
        return *std::max_element(choices.begin(), choices.end());
    const auto low = static_cast<long>(range.low), high = static_cast<long>(range.high);
    return high > low ? high - 1 : low;
}

long Duration::shortest() const {
    if (!choices.empty())
        return *std::min_element(choices.begin(), choices.end());
    return static_cast<long>(range.low);
}

std::vector<ParamSpec> shared_trial_params(const SharedDefaults& defaults) {
    std::vector<ParamSpec> out = {
        {"dt", ParamType::Time, Value{20.0}, 1e-6, 1e6, "ms",
         "the length of one step; durations in ms or s convert through it, and the default "
         "durations are times: at another dt they become as many steps as keep the time"},
    };
    for (const auto& d : defaults.durations) {
        // The default in ms too, as a script would write it at the default dt.
        const std::string ms = d.jitter > 0.0
                                   ? fmt::format("{} ms +- {} ms", d.steps * 20.0, d.jitter * 20.0)
                                   : fmt::format("{} ms", d.steps * 20.0);
        out.emplace_back(d.name, ParamType::JitteredSteps,
                         d.jitter > 0.0
                             ? Value{UniformDraw{d.steps - d.jitter, d.steps + d.jitter}}
                             : Value{d.steps},
                         d.min, 1e7, "steps",
                         d.doc + " (default " + ms + ")"
                             + "; m +- s draws whole steps m - s .. m + s - 1 per trial, a list "
                               "one of its durations");
        out.back().default_at_dt = 20.0;
    }
    out.emplace_back("catch", ParamType::Real, Value{0.0}, 0.0, 1.0, "",
                     "fraction of catch trials: no stimulus, the fixation input stays on and "
                     "the target is to fixate (0) throughout");
    out.emplace_back("noise", ParamType::Real, Value{defaults.noise}, 0.0, 1e6, "",
                     "standard deviation of Gaussian noise added per step to every input but "
                     "the fixation input (plain sigma per step, not rescaled with dt)");
    if (defaults.grace)
        out.emplace_back("grace", ParamType::Steps, Value{0.0}, 0.0, 1e7, "steps",
                         "steps at the start of the response left out of the masks and the "
                         "metrics, the time to switch");
    return out;
}

SharedSettings::SharedSettings(const Params& p)
    : catch_fraction(p.real("catch"))
    , noise(p.real("noise"))
    , grace(p.has("grace") ? static_cast<arma::uword>(p.integer("grace")) : 0) {}

void TrialLayout::append(const std::string& name, long steps) {
    if (steps < 0)
        throw std::invalid_argument("period '" + name + "' has a negative duration");
    const arma::uword begin = length();
    periods_.push_back({name, begin, begin + static_cast<arma::uword>(steps)});
}

const Period& TrialLayout::at(const std::string& name) const {
    for (const auto& p : periods_)
        if (p.name == name)
            return p;
    throw std::logic_error("the trial has no period '" + name + "'");
}

namespace {

std::size_t period_index(const PeriodTaskShape& shape, const std::string& name) {
    const auto it = std::find(shape.periods.begin(), shape.periods.end(), name);
    if (it == shape.periods.end())
        throw std::logic_error("the task has no period '" + name + "'");
    return static_cast<std::size_t>(it - shape.periods.begin());
}

}  // namespace

// --- layouts recovered from a batch ------------------------------------------------------
// Every trial's periods are in TrialBatch::periods (one window per trial, back to back, the
// last ending the trial) and its catch flag in TrialBatch::catch_trial.

BatchLayouts::BatchLayouts(const PeriodTaskShape& shape_, const TrialBatch& batch_)
    : shape(shape_), batch(batch_), response_index(period_index(shape_, shape_.response)) {
    bool ours =
        batch.periods.size() == shape.periods.size() && batch.catch_trial.size() == batch.batch;
    for (std::size_t i = 0; ours && i < shape.periods.size(); ++i)
        ours = batch.periods[i].name == shape.periods[i]
               && batch.periods[i].trial_begin.size() == batch.batch;
    if (!ours)
        throw std::invalid_argument("the batch was not made by this task: it has no layouts");
}

arma::uword BatchLayouts::begin(arma::uword b, std::size_t period) const {
    return batch.periods[period].begin_of(b);
}

arma::uword BatchLayouts::end(arma::uword b) const {
    return batch.periods.back().end_of(b);
}

bool BatchLayouts::catch_trial(arma::uword b) const {
    return batch.catch_trial[b] != 0;
}

arma::uword BatchLayouts::response_end(arma::uword b) const {
    return shape.response_alone && response_index + 1 < batch.periods.size()
               ? begin(b, response_index + 1)
               : end(b);
}

arma::uword BatchLayouts::scored_begin(arma::uword b, arma::uword grace) const {
    return std::min(begin(b, response_index) + grace, response_end(b));
}

// --- writing a batch ---------------------------------------------------------------------

PeriodBatchWriter::PeriodBatchWriter(const PeriodTaskShape& shape, arma::uword batch,
                                     arma::uword steps)
    : shape_(shape) {
    batch_.batch = batch;
    batch_.steps = steps;
    batch_.inputs.zeros(shape.inputs, batch * steps);
    batch_.step_targets.zeros(shape.choice ? 1 : shape.outputs, batch * steps);
    batch_.condition.assign(batch, 0);
    batch_.catch_trial.assign(batch, 0);
    layouts_.resize(batch);
}

void PeriodBatchWriter::begin_trial(arma::uword b, const TrialLayout& layout, bool catch_trial,
                                    long condition) {
    if (layout.periods().size() != shape_.periods.size())
        throw std::logic_error("a trial's layout does not have the task's periods");
    for (std::size_t i = 0; i < shape_.periods.size(); ++i)
        if (layout.periods()[i].name != shape_.periods[i])
            throw std::logic_error("a trial's periods are not in the task's order");
    if (layout.length() > batch_.steps)
        throw std::logic_error("a trial is longer than its batch");
    b_ = b;
    layouts_[b] = layout;
    layout_ = &layouts_[b];
    batch_.condition[b] = condition;
    batch_.catch_trial[b] = catch_trial ? 1 : 0;
    const arma::uword response = layout.at(shape_.response).begin;
    for (arma::uword t = 0; t < batch_.steps; ++t) {
        const arma::uword c = t * batch_.batch + b;
        const bool inside = t < layout.length();
        // A catch trial never asks for a response, so its fixation input stays on.
        if (shape_.fixation_input && inside && (t < response || catch_trial))
            batch_.inputs(0, c) = 1.0F;
        if (shape_.choice)
            batch_.step_targets(0, c) = inside ? 0.0F : -1.0F;
    }
}

void PeriodBatchWriter::input(arma::uword channel, const std::string& period, float value) {
    const Period& p = layout_->at(period);
    for (arma::uword t = p.begin; t < p.end; ++t)
        batch_.inputs(channel, t * batch_.batch + b_) = value;
}

void PeriodBatchWriter::input_at(arma::uword channel, arma::uword t, float value) {
    batch_.inputs(channel, t * batch_.batch + b_) = value;
}

void PeriodBatchWriter::add_input_at(arma::uword channel, arma::uword t, float value) {
    batch_.inputs(channel, t * batch_.batch + b_) += value;
}

void PeriodBatchWriter::choice_from(const std::string& period, float c) {
    for (arma::uword t = layout_->at(period).begin; t < layout_->length(); ++t)
        batch_.step_targets(0, t * batch_.batch + b_) = c;
}

void PeriodBatchWriter::target_at(arma::uword row, arma::uword t, float value) {
    batch_.step_targets(row, t * batch_.batch + b_) = value;
}

void PeriodBatchWriter::add_noise(double sigma, rt::RandomStream& s) {
    if (sigma <= 0.0)
        return;
    const arma::uword first = shape_.fixation_input ? 1 : 0;
    for (arma::uword t = 0; t < layout_->length(); ++t)
        for (arma::uword ch = first; ch < shape_.inputs; ++ch)
            batch_.inputs(ch, t * batch_.batch + b_) += static_cast<float>(sigma * s.normal());
}

void PeriodBatchWriter::variable(std::string_view name, double value) {
    set_variable(batch_, name, b_, value);
}

void PeriodBatchWriter::category(std::string_view name, long value) {
    set_category(batch_, name, b_, value);
}

TrialBatch PeriodBatchWriter::finish() {
    // After the task's own variables: catch, then every period's timing.
    for (arma::uword b = 0; b < batch_.batch; ++b) {
        set_category(batch_, "catch", b, batch_.catch_trial[b]);
        for (const auto& p : layouts_[b].periods()) {
            set_variable(batch_, p.name + "_onset", b, static_cast<double>(p.begin));
            set_variable(batch_, p.name + "_duration", b, static_cast<double>(p.end - p.begin));
        }
    }
    // Per name, each trial's own window (`during:` reduces every trial over its own
    // period); begin/end are trial 0's.
    for (std::size_t i = 0; i < shape_.periods.size(); ++i) {
        Period p{shape_.periods[i], 0, 0};
        for (const auto& layout : layouts_) {
            p.trial_begin.push_back(layout.periods()[i].begin);
            p.trial_end.push_back(layout.periods()[i].end);
        }
        if (!layouts_.empty()) {
            p.begin = p.trial_begin.front();
            p.end = p.trial_end.front();
        }
        batch_.periods.push_back(std::move(p));
    }
    return std::move(batch_);
}

// --- masks and per-trial signals ---------------------------------------------------------

arma::fmat period_mask(const PeriodTaskShape& shape, std::string_view name,
                       const TrialBatch& trials, arma::uword grace) {
    const BatchLayouts layouts(shape, trials);
    arma::fmat m(1, trials.batch * trials.steps, arma::fill::zeros);
    for (arma::uword b = 0; b < trials.batch; ++b) {
        const arma::uword response = layouts.begin(b, layouts.response_index);
        const arma::uword scored = layouts.scored_begin(b, grace);
        const arma::uword first = name == "response" ? scored : 0;
        const arma::uword last = name == "response" ? layouts.response_end(b) : layouts.end(b);
        for (arma::uword t = first; t < last; ++t)
            if (t < response || t >= scored)
                m(0, t * trials.batch + b) = 1.0F;
    }
    return m;
}

std::vector<NamedDoc> period_mask_docs() {
    return {{"response", "the scored response steps of each trial (after the grace)"},
            {"all", "every step of each trial but the grace steps (not the padding)"}};
}

void add_period_variables(TaskEntry& e) {
    e.variables.push_back({"catch", "", "1 for a catch trial (no stimulus, fixate throughout)"});
    for (const auto& p : e.periods) {
        e.variables.push_back(
            {p.name + "_onset", "steps", "the first step of the trial's " + p.name + " period"});
        e.variables.push_back(
            {p.name + "_duration", "steps", "the steps of its " + p.name + " period"});
    }
}

void add_period_task_fields(TaskEntry& e, bool choice, const std::string& metric_period) {
    add_period_variables(e);
    e.schedules = {{"fresh", "each step: one batch of `batch` fresh trials"}};
    e.masks = period_mask_docs();
    add_readout_fields(e, choice, metric_period);
}

void add_readout_fields(TaskEntry& e, bool choice, const std::string& metric_period) {
    if (choice) {
        e.signals.insert(
            e.signals.begin(),
            {{"correct",
              "per trial, 1 when the largest logit averaged over its scored response "
              "steps is the target class (repeated at every step, no gradient)"},
             {"choice",
              "per trial, the class chosen: the largest logit averaged over its scored "
              "response steps, 0 to fixate (repeated at every step, no gradient)"},
             {"chose_1", "per trial, 1 when the class chosen is 1, else 0 (no gradient)"}});
        e.metrics.insert(
            e.metrics.begin(),
            {{"choice_accuracy", "correct", rt::TimeReduction::Mean, metric_period,
              "fraction of trials whose response (mean logits over the scored "
              "response steps) is the right class; catch trials must fixate"},
             {"choice", "choice", rt::TimeReduction::Mean, metric_period,
              "the class each trial chose, as choice_accuracy judges it (per trial; its mean "
              "over trials says little)"},
             {"chose_1", "chose_1", rt::TimeReduction::Mean, metric_period,
              "fraction of trials that chose class 1 (per trial 0 or 1: the y of a "
              "psychometric curve)"}});
    } else {
        e.signals.insert(
            e.signals.begin(),
            {{"squared_error", "(y_t - target_t)^2 summed over outputs, per trial and step"},
             {"error",
              "per trial, squared_error averaged over its scored steps (repeated at "
              "every step, no gradient)"}});
        e.metrics.insert(e.metrics.begin(),
                         {"mse", "error", rt::TimeReduction::Mean, metric_period,
                          "squared error of the readout per scored step, averaged per trial"});
    }
}

arma::mat choice_signal(std::string_view name, const PeriodTaskShape& shape,
                        const arma::mat& logits, const TrialBatch& trials, arma::uword grace) {
    const BatchLayouts layouts(shape, trials);
    std::vector<long> target(trials.batch, -1);
    for (arma::uword b = 0; b < trials.batch; ++b)
        if (const arma::uword end = layouts.response_end(b); end > 0)
            target[b] = static_cast<long>(trials.step_targets(0, (end - 1) * trials.batch + b));
    return masked_choice_signal(name, logits, trials, period_mask(shape, "response", trials, grace),
                                target);
}

arma::mat masked_choice_signal(std::string_view name, const arma::mat& logits,
                               const TrialBatch& trials, const arma::fmat& scored,
                               const std::vector<long>& target) {
    arma::mat out(trials.batch, trials.steps, arma::fill::zeros);
    for (arma::uword b = 0; b < trials.batch; ++b) {
        arma::vec mean(logits.n_rows, arma::fill::zeros);
        bool any = false;
        for (arma::uword t = 0; t < trials.steps; ++t)
            if (scored(0, t * trials.batch + b) != 0.0F) {
                mean += logits.col(t * trials.batch + b);
                any = true;
            }
        if (!any)
            continue;
        const auto chosen = static_cast<long>(mean.index_max());
        if (name == "choice")
            out.row(b).fill(static_cast<double>(chosen));
        else if (name == "chose_1" ? chosen == 1 : chosen == target[b])
            out.row(b).fill(1.0);
    }
    return out;
}

arma::mat trial_mean_error(const PeriodTaskShape& shape, const arma::mat& outputs,
                           const TrialBatch& trials, const std::string& from_period,
                           arma::uword grace) {
    const BatchLayouts layouts(shape, trials);
    const std::size_t from = period_index(shape, from_period);
    // Scored to the end of the response period, or from another period to the trial's end.
    const auto scored_end = [&](arma::uword b) {
        return from == layouts.response_index ? layouts.response_end(b) : layouts.end(b);
    };
    arma::fmat scored(1, trials.batch * trials.steps, arma::fill::zeros);
    for (arma::uword b = 0; b < trials.batch; ++b)
        for (arma::uword t = std::min(layouts.begin(b, from) + grace, scored_end(b));
             t < scored_end(b); ++t)
            scored(0, t * trials.batch + b) = 1.0F;
    return masked_trial_error(outputs, trials, scored);
}

arma::mat masked_trial_error(const arma::mat& outputs, const TrialBatch& trials,
                             const arma::fmat& scored) {
    arma::mat out(trials.batch, trials.steps, arma::fill::zeros);
    for (arma::uword b = 0; b < trials.batch; ++b) {
        double sum = 0.0;
        arma::uword count = 0;
        for (arma::uword t = 0; t < trials.steps; ++t) {
            const arma::uword c = t * trials.batch + b;
            if (scored(0, c) == 0.0F)
                continue;
            ++count;
            for (arma::uword o = 0; o < outputs.n_rows; ++o) {
                const double d = outputs(o, c) - static_cast<double>(trials.step_targets(o, c));
                sum += d * d;
            }
        }
        if (count > 0)
            out.row(b).fill(sum / static_cast<double>(count));
    }
    return out;
}

}  // namespace rnn::stdlib
