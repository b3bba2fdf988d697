#include "interpreter/engine/state_codecs.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace rnn::interp {

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const auto nl = s.find('\n', start);
        out.push_back(s.substr(start, nl - start));
        start = nl == std::string::npos ? s.size() : nl + 1;
    }
    return out;
}

namespace {

arma::mat column_of(const std::vector<double>& v) {
    return arma::mat(v);
}

// A trials x features x steps cube as a matrix with its shape (empty cubes are left out).
void set_cube(rt::Checkpoint& c, const std::string& name, const arma::fcube& cube) {
    if (cube.is_empty())
        return;
    c.set_int(name + ".rows", static_cast<std::int64_t>(cube.n_rows));
    c.set_int(name + ".cols", static_cast<std::int64_t>(cube.n_cols));
    c.set_array(name, arma::fmat(cube.memptr(), cube.n_rows * cube.n_cols, cube.n_slices));
}

arma::fcube get_cube(const rt::Checkpoint& c, const std::string& name) {
    if (!c.contains(name))
        return {};
    const arma::fmat m = c.get_array<float>(name);
    const auto rows = static_cast<arma::uword>(c.get_int(name + ".rows"));
    const auto cols = static_cast<arma::uword>(c.get_int(name + ".cols"));
    return arma::fcube(m.memptr(), rows, cols, m.n_cols);
}

std::vector<arma::uword> uwords(const arma::mat& m) {
    std::vector<arma::uword> out;
    for (const double v : m)
        out.push_back(static_cast<arma::uword>(v));
    return out;
}

}  // namespace

rt::Checkpoint analysis_state(const stdlib::AnalysisResult& r) {
    rt::Checkpoint c;
    // Scalar names may carry any characters (a table's "precision[1].error_mean.mean"), so
    // they go into one string and their values into one array.
    std::string scalars, arrays;
    std::vector<double> values;
    for (const auto& [name, v] : r.scalars) {
        scalars += name + "\n";
        values.push_back(v);
    }
    c.set_array("scalar_values", column_of(values));
    for (const auto& [name, v] : r.arrays) {
        arrays += name + "\n";
        c.set_array("array." + name, v);
    }
    c.set_string("scalars", scalars);
    c.set_string("arrays", arrays);
    return c;
}

stdlib::AnalysisResult restore_analysis(const rt::Checkpoint& c) {
    stdlib::AnalysisResult r;
    const arma::mat& values = c.get_array<double>("scalar_values");
    arma::uword i = 0;
    for (const auto& n : split_lines(c.get_string("scalars")))
        r.scalars[n] = values(i++);
    for (const auto& n : split_lines(c.get_string("arrays")))
        r.arrays[n] = c.get_array<float>("array." + n);
    return r;
}

rt::Checkpoint evaluation_state(const Evaluation& ev) {
    rt::Checkpoint c;
    std::string names;
    for (const auto& n : ev.metric_names)
        names += n + "\n";
    c.set_string("metrics", names);
    for (const auto& [name, values] : ev.per_trial)
        c.set_array("per_trial." + name, column_of(values));
    std::string signals;
    for (const auto& [name, values] : ev.signals) {
        signals += name + "\n";
        c.set_array("signal." + name, values);
    }
    c.set_string("signals", signals);
    std::vector<double> cond(ev.condition.begin(), ev.condition.end());
    c.set_array("condition", column_of(cond));
    set_cube(c, "activity", ev.activity);
    set_cube(c, "inputs", ev.inputs);
    set_cube(c, "cells", ev.cells);
    std::string labels;
    for (const auto& [name, values] : ev.labels) {
        labels += name + "\n";
        c.set_array("label." + name, column_of(std::vector<double>(values.begin(), values.end())));
    }
    c.set_string("labels", labels);
    // What the task drew per trial, for figures and analyses that group by it (a line per
    // variable: "c NAME" for a category, "q NAME" for a quantity).
    std::string variables;
    for (const auto& v : ev.variables) {
        variables += (v.category ? "c " : "q ") + v.name + "\n";
        c.set_array("variable." + v.name, column_of(v.values));
    }
    c.set_string("variables", variables);
    c.set_int("periods", static_cast<std::int64_t>(ev.periods.size()));
    for (std::size_t i = 0; i < ev.periods.size(); ++i) {
        const stdlib::Period& p = ev.periods[i];
        const std::string pre = fmt::format("period.{}.", i);
        c.set_string(pre + "name", p.name);
        c.set_int(pre + "begin", static_cast<std::int64_t>(p.begin));
        c.set_int(pre + "end", static_cast<std::int64_t>(p.end));
        c.set_array(pre + "trial_begin",
                    column_of(std::vector<double>(p.trial_begin.begin(), p.trial_begin.end())));
        c.set_array(pre + "trial_end",
                    column_of(std::vector<double>(p.trial_end.begin(), p.trial_end.end())));
    }
    return c;
}

Evaluation restore_evaluation(const rt::Checkpoint& c) {
    Evaluation ev;
    ev.metric_names = split_lines(c.get_string("metrics"));
    for (const auto& n : ev.metric_names)
        ev.per_trial[n] =
            arma::conv_to<std::vector<double>>::from(c.get_array<double>("per_trial." + n));
    for (const auto& n : split_lines(c.get_string("signals")))
        ev.signals[n] = c.get_array<float>("signal." + n);
    for (const double v : c.get_array<double>("condition"))
        ev.condition.push_back(static_cast<long>(v));
    ev.activity = get_cube(c, "activity");
    ev.inputs = get_cube(c, "inputs");
    ev.cells = get_cube(c, "cells");
    for (const auto& n : split_lines(c.get_string("labels"))) {
        for (const double v : c.get_array<double>("label." + n))
            ev.labels[n].push_back(static_cast<long>(v));
    }
    for (const auto& line : split_lines(c.get_string("variables"))) {
        if (line.size() < 3)
            continue;
        const std::string name = line.substr(2);
        ev.variables.push_back(
            {name,
             arma::conv_to<std::vector<double>>::from(c.get_array<double>("variable." + name)),
             line[0] == 'c'});
    }
    const std::int64_t periods = c.get_int("periods");
    for (std::int64_t i = 0; i < periods; ++i) {
        const std::string pre = fmt::format("period.{}.", i);
        stdlib::Period p(c.get_string(pre + "name"),
                         static_cast<arma::uword>(c.get_int(pre + "begin")),
                         static_cast<arma::uword>(c.get_int(pre + "end")));
        p.trial_begin = uwords(c.get_array<double>(pre + "trial_begin"));
        p.trial_end = uwords(c.get_array<double>(pre + "trial_end"));
        ev.periods.push_back(std::move(p));
    }
    return ev;
}

}  // namespace rnn::interp
