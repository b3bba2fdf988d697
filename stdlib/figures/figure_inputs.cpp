#include "stdlib/figures/figure_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

const arma::fmat& array_of(const AnalysisArg& a, const std::string& name, const std::string& figure,
                           const std::string& from) {
    const auto it = a.arrays.find(name);
    if (it == a.arrays.end())
        throw std::runtime_error(
            fmt::format("{}: '{}' has no array '{}'; {} takes the results of {}", figure, a.label,
                        name, figure, from));
    return it->second;
}

// A column of T values (T x 1 or 1 x T) as doubles.
arma::vec vector_of(const AnalysisArg& a, const std::string& name, const std::string& figure,
                    const std::string& from) {
    const arma::fmat& m = array_of(a, name, figure, from);
    if (m.n_rows != 1 && m.n_cols != 1 && !m.empty())
        throw std::runtime_error(fmt::format("{}: array '{}' of '{}' is {} x {}, not a vector",
                                             figure, name, a.label, m.n_rows, m.n_cols));
    return arma::conv_to<arma::vec>::from(arma::vectorise(m));
}

Window activity_window(const EvaluationArg& ev, const Params& options, const std::string& figure) {
    if (ev.activity.empty())
        throw std::runtime_error(
            fmt::format("{}: evaluation '{}' recorded no activity", figure, ev.label));
    Window w;
    w.offset = options.has("state_offset")
                   ? static_cast<arma::uword>(std::max(0L, options.integer("state_offset")))
                   : 0;
    const arma::uword steps = ev.activity.n_slices;
    const arma::uword last = steps > w.offset ? steps - w.offset : 0;
    w.from = options.has("from") ? static_cast<arma::uword>(options.real("from")) : 0;
    const double to = options.has("to") ? options.real("to") : 0.0;
    w.to = to > 0.0 ? std::min(last, static_cast<arma::uword>(to)) : last;
    if (w.from >= w.to)
        throw std::runtime_error(fmt::format(
            "{}: the window [{}, {}) of '{}' holds no step (its trials have {} steps{})", figure,
            w.from, w.to, ev.label, steps,
            w.offset ? fmt::format(", read {} step later", w.offset) : std::string()));
    return w;
}

// Activity of one trial over the window: steps x units.
arma::mat trial_states(const EvaluationArg& ev, const Window& w, arma::uword trial) {
    arma::mat x(w.steps(), ev.activity.n_cols);
    for (arma::uword t = 0; t < w.steps(); ++t)
        x.row(t) =
            arma::conv_to<arma::rowvec>::from(ev.activity.slice(w.from + t + w.offset).row(trial));
    return x;
}

// Activity of all trials and steps in the window: (steps * trials) x units.
arma::mat all_states(const EvaluationArg& ev, const Window& w) {
    const arma::uword n = ev.activity.n_rows;
    arma::mat x(w.steps() * n, ev.activity.n_cols);
    for (arma::uword t = 0; t < w.steps(); ++t)
        x.rows(t * n, t * n + n - 1) =
            arma::conv_to<arma::mat>::from(ev.activity.slice(w.from + t + w.offset));
    return x;
}

// The trial-averaged activity over the window: steps x units.
arma::mat mean_states(const EvaluationArg& ev, const Window& w) {
    arma::mat x(w.steps(), ev.activity.n_cols);
    for (arma::uword t = 0; t < w.steps(); ++t)
        x.row(t) = arma::conv_to<arma::rowvec>::from(
            arma::mean(ev.activity.slice(w.from + t + w.offset), 0));
    return x;
}

arma::uword components_option(const Params& options, const arma::uword units,
                              const std::string& figure) {
    const auto k = static_cast<arma::uword>(options.integer("components"));
    if (units < k)
        throw std::runtime_error(
            fmt::format("{}: {} components asked of an activity of {} units", figure, k, units));
    return k;
}

ParamSpec window_from() {
    return ParamSpec{"from", ParamType::Steps, Value{0.0}, 0.0, 1e9, "steps", "first step drawn"}
        .refers_to(TaskRef::WindowFrom);
}

ParamSpec window_to() {
    return ParamSpec{"to",
                     ParamType::Steps,
                     Value{0.0},
                     0.0,
                     1e9,
                     "steps",
                     "step where the window ends (excluded); 0: the end of the trial"}
        .refers_to(TaskRef::WindowTo);
}

ParamSpec state_offset() {
    return {"state_offset",
            ParamType::Integer,
            Value{0.0},
            0.0,
            1.0,
            "steps",
            "read the activity of step t + offset as step t (1: the GRU convention of seed 004)"};
}

ParamSpec components_param(const std::string& doc) {
    return {"components", ParamType::Integer, Value{2.0}, 2.0, 3.0, "", doc};
}

ArgSpec activity_arg(const std::string& doc) {
    ArgSpec a{"evaluation", ArgKind::Evaluation, doc};
    a.activity = true;
    return a;
}

ArgSpec analysis_arg(const std::string& name, const std::string& analysis, const std::string& doc,
                     bool variadic) {
    ArgSpec a{name, ArgKind::Analysis, doc, variadic};
    a.analyses = {analysis};
    return a;
}

FigureEntry figure_entry(
    std::string name, std::string doc, std::vector<ArgSpec> args, std::vector<ParamSpec> params,
    std::function<FigureScript(const std::vector<ArgValue>&, const Params&, const std::string&)>
        script,
    DataFiles data, unsigned shared, std::function<std::size_t(std::size_t)> series) {
    FigureEntry e;
    e.name = std::move(name);
    e.doc = std::move(doc);
    e.args = std::move(args);
    e.schema.params = figure_options(shared, std::move(params));
    e.script = std::move(script);
    e.data = std::move(data);
    e.series = std::move(series);
    return e;
}

std::array<double, 3> mean_spread(const std::vector<double>& values, bool standard_error) {
    if (values.empty())
        return {arma::datum::nan, arma::datum::nan, 0.0};
    const arma::vec v(values);
    const auto n = static_cast<double>(values.size());
    const double sd = values.size() > 1 ? arma::stddev(v) : 0.0;  // ddof 1
    return {arma::mean(v), standard_error ? sd / std::sqrt(n) : sd, n};
}

}  // namespace rnn::stdlib
