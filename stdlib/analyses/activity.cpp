#include "stdlib/analyses/activity.hpp"

#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

namespace rnn::stdlib {

namespace {

std::string period_names(const std::vector<Period>& periods) {
    std::string out;
    for (const auto& p : periods)
        out += (out.empty() ? "" : ", ") + p.name;
    return out.empty() ? "none" : out;
}

bool all_digits(const std::string& s) {
    if (s.empty())
        return false;
    for (const char c : s)
        if (std::isdigit(static_cast<unsigned char>(c)) == 0)
            return false;
    return true;
}

}  // namespace

TimePoint parse_time_point(const std::string& text) {
    TimePoint p;
    std::string head = text;
    const std::size_t sign = text.find_first_of("+-");
    if (sign != std::string::npos) {
        const std::string amount = text.substr(sign + 1);
        if (!all_digits(amount))
            throw std::invalid_argument(fmt::format(
                "'{}' is not a time point: after '{}' a whole number of steps is expected", text,
                text[sign]));
        p.shift = std::stol(amount) * (text[sign] == '-' ? -1 : 1);
        head = text.substr(0, sign);
    }
    if (all_digits(head)) {
        if (sign != std::string::npos)
            throw std::invalid_argument(
                fmt::format("'{}' is not a time point: write a step number or PERIOD.end+N", text));
        p.shift = std::stol(head);
        return p;
    }
    const std::size_t dot = head.rfind('.');
    const std::string anchor = dot == std::string::npos ? "" : head.substr(dot + 1);
    if (dot == std::string::npos || dot == 0
        || (anchor != "start" && anchor != "middle" && anchor != "end"))
        throw std::invalid_argument(fmt::format(
            "'{}' is not a time point: write PERIOD.start, PERIOD.middle or PERIOD.end (e.g. "
            "\"delay.middle\", \"stimulus1.end+1\") or a step number",
            text));
    p.period = head.substr(0, dot);
    p.anchor = anchor == "start"    ? TimePoint::Anchor::Start
               : anchor == "middle" ? TimePoint::Anchor::Middle
                                    : TimePoint::Anchor::End;
    return p;
}

arma::uword step_of(const TimePoint& point, const std::vector<Period>& periods, arma::uword trial,
                    arma::uword steps, long state_offset) {
    long step = point.shift;
    if (!point.period.empty()) {
        const Period* found = nullptr;
        for (const auto& p : periods)
            if (p.name == point.period)
                found = &p;
        if (found == nullptr)
            throw std::invalid_argument(
                fmt::format("the trials have no period '{}' (they have: {})", point.period,
                            period_names(periods)));
        const auto begin = static_cast<long>(found->begin_of(trial));
        const auto end = static_cast<long>(found->end_of(trial));
        if (end <= begin)
            throw std::invalid_argument(
                fmt::format("the period '{}' is empty in trial {}", point.period, trial + 1));
        step += point.anchor == TimePoint::Anchor::Start    ? begin
                : point.anchor == TimePoint::Anchor::Middle ? begin + (end - begin) / 2
                                                            : end - 1;
    }
    step += state_offset;
    if (step < 0 || step >= static_cast<long>(steps))
        throw std::invalid_argument(
            fmt::format("the time point is step {}, outside the {}-step trial", step, steps));
    return static_cast<arma::uword>(step);
}

arma::mat activity_at(const EvaluationArg& ev, const std::string& point, long state_offset) {
    if (ev.activity.is_empty())
        throw std::logic_error("the evaluation kept no activity");
    const TimePoint p = parse_time_point(point);
    arma::mat out(ev.activity.n_rows, ev.activity.n_cols);
    for (arma::uword b = 0; b < ev.activity.n_rows; ++b) {
        const arma::uword t = step_of(p, ev.periods, b, ev.activity.n_slices, state_offset);
        for (arma::uword u = 0; u < ev.activity.n_cols; ++u)
            out(b, u) = ev.activity(b, u, t);
    }
    return out;
}

StepWindow window_of(const EvaluationArg& ev, const Params& options) {
    const auto steps = static_cast<long>(ev.activity.n_slices);
    const long offset = options.has("state_offset") ? options.integer("state_offset") : 0;
    long from = 0;
    long to = steps;
    const std::string during = options.has("during") ? options.text("during") : "";
    if (!during.empty()) {
        const Period* found = nullptr;
        for (const auto& p : ev.periods)
            if (p.name == during)
                found = &p;
        if (found == nullptr)
            throw std::invalid_argument(
                fmt::format("the trials have no period '{}' (they have: {})", during,
                            period_names(ev.periods)));
        for (arma::uword b = 0; found->per_trial() && b < found->trial_begin.size(); ++b)
            if (found->begin_of(b) != found->begin_of(0) || found->end_of(b) != found->end_of(0))
                throw std::invalid_argument(fmt::format(
                    "the period '{}' differs between trials; a window needs trials of one timing "
                    "(evaluate one sequence length at a time)",
                    during));
        from = static_cast<long>(found->begin_of(0));
        to = static_cast<long>(found->end_of(0));
    } else {
        if (options.has("from"))
            from = options.integer("from");
        if (options.has("to") && options.integer("to") > 0)
            to = options.integer("to");
    }
    from += offset;
    to += offset;
    if (from < 0 || to > steps || from >= to)
        throw std::invalid_argument(fmt::format(
            "the window [{}, {}) of steps is empty or outside the {}-step trial", from, to, steps));
    return {static_cast<arma::uword>(from), static_cast<arma::uword>(to)};
}

arma::cube activity_window(const EvaluationArg& ev, const StepWindow& w) {
    if (ev.activity.is_empty())
        throw std::logic_error("the evaluation kept no activity");
    return arma::conv_to<arma::cube>::from(ev.activity.slices(w.from, w.to - 1));
}

void add_time_options(Schema& schema, bool with_at, bool with_window) {
    if (with_at)
        schema.params.push_back(ParamSpec{"at", ParamType::String, std::nullopt, std::nullopt,
                                          std::nullopt, "",
                                          "the time point: PERIOD.start, PERIOD.middle or "
                                          "PERIOD.end, +N or -N steps, or a step number"}
                                    .refers_to(TaskRef::TimePoint));
    if (with_window) {
        schema.params.push_back(ParamSpec{"during", ParamType::String, Value{std::string()},
                                          std::nullopt, std::nullopt, "",
                                          "a period of the task as the window (instead of from/to)"}
                                    .refers_to(TaskRef::Period));
        schema.params.push_back(ParamSpec{"from", ParamType::Steps, Value{0.0}, 0.0, 1e9, "steps",
                                          "the window's first step"}
                                    .refers_to(TaskRef::WindowFrom));
        schema.params.push_back(ParamSpec{"to", ParamType::Steps, Value{0.0}, 0.0, 1e9, "steps",
                                          "the step after the window (0: the trial's end)"}
                                    .refers_to(TaskRef::WindowTo));
    }
    schema.params.push_back({"state_offset", ParamType::Integer, Value{0.0}, 0.0, 1.0, "steps",
                             "read the activity this many steps late (1: seed 004's GRU/LSTM "
                             "convention)"});
}

const std::vector<long>& trial_label(const EvaluationArg& ev, const std::string& name) {
    const auto it = ev.labels.find(name);
    if (it != ev.labels.end())
        return it->second;
    std::string names;
    for (const auto& [n, v] : ev.labels)
        names += (names.empty() ? "" : ", ") + n;
    throw std::invalid_argument(
        fmt::format("the trials have no label '{}' (they have: {})", name, names));
}

LabelledTrials labelled_trials(const EvaluationArg& ev, const std::string& name) {
    const std::vector<long>& label = trial_label(ev, name);
    std::vector<arma::uword> trials, classes;
    for (std::size_t b = 0; b < label.size(); ++b)
        if (label[b] >= 0) {
            trials.push_back(b);
            classes.push_back(static_cast<arma::uword>(label[b]));
        }
    return {arma::uvec(trials), arma::uvec(classes)};
}

}  // namespace rnn::stdlib
