// What the figures of analyses share: reading their arguments (an analysis' arrays, an
// evaluation's activity over a window of steps) and the options and arguments several of
// them declare. Every error names the figure and what it takes (docs/figures.md).
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include <armadillo>

#include "stdlib/figure.hpp"
#include "stdlib/figures/figure_options.hpp"

namespace rnn::stdlib {

// The array `name` of an analysis' results; an error saying the figure takes the results
// of `from` when it has none.
const arma::fmat& array_of(const AnalysisArg& a, const std::string& name, const std::string& figure,
                           const std::string& from);

// A column of T values (T x 1 or 1 x T) as doubles.
arma::vec vector_of(const AnalysisArg& a, const std::string& name, const std::string& figure,
                    const std::string& from);

// The steps [from, to) drawn from an evaluation's activity, read at step t + offset.
struct Window {
    arma::uword from = 0;
    arma::uword to = 0;
    arma::uword offset = 0;

    arma::uword steps() const { return to - from; }
};

// The window the options `from`, `to` and `state_offset` ask of the evaluation's activity.
Window activity_window(const EvaluationArg& ev, const Params& options, const std::string& figure);

// Activity of one trial over the window: steps x units.
arma::mat trial_states(const EvaluationArg& ev, const Window& w, arma::uword trial);

// Activity of all trials and steps in the window: (steps * trials) x units.
arma::mat all_states(const EvaluationArg& ev, const Window& w);

// The trial-averaged activity over the window: steps x units.
arma::mat mean_states(const EvaluationArg& ev, const Window& w);

// Mean, spread and count of the values drawn at one point (the members of a sweep cell,
// the trials of a group): the spread is the standard deviation with ddof 1, or with
// standard_error the standard error of the mean; NaN for no value, spread 0 for one.
std::array<double, 3> mean_spread(const std::vector<double>& values, bool standard_error);

// The `components` option, no more than the activity's units.
arma::uword components_option(const Params& options, const arma::uword units,
                              const std::string& figure);

// The options of a window (from, to), of a late read-out (state_offset) and of the
// number of principal components drawn.
ParamSpec window_from();
ParamSpec window_to();
ParamSpec state_offset();
ParamSpec components_param(const std::string& doc);

// An evaluation argument whose activity the figure reads.
ArgSpec activity_arg(const std::string& doc);

// An analysis argument (one, or one or more when variadic) that takes the results of the
// named analysis entry only.
ArgSpec analysis_arg(const std::string& name, const std::string& analysis, const std::string& doc,
                     bool variadic = false);

// A figure entry with the shared options first (title, size and those `shared` names:
// figure_options.hpp), then `params`; it writes the data files `data` declares (<stem>.dat
// unless told) and draws `series` series (FigureEntry::series; null: only the data knows).
FigureEntry figure_entry(
    std::string name, std::string doc, std::vector<ArgSpec> args, std::vector<ParamSpec> params,
    std::function<FigureScript(const std::vector<ArgValue>&, const Params&, const std::string&)>
        script,
    DataFiles data = {}, unsigned shared = kAllFigureOptions,
    std::function<std::size_t(std::size_t)> series = nullptr);

}  // namespace rnn::stdlib
