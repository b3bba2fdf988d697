// fixed_points: fixed and slow points of a trained network's one-step map at a constant
// input, started from states its evaluation visited (Sussillo & Barak 2013).
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/analyses/activity.hpp"
#include "stdlib/analyses/cell_maps.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

// The constant input: zeros, or the trials' mean input at a time point.
arma::vec constant_input(const EvaluationArg& ev, const std::string& input) {
    if (input == "zero")
        return arma::vec(ev.inputs.n_cols, arma::fill::zeros);
    const TimePoint p = parse_time_point(input);
    arma::vec mean(ev.inputs.n_cols, arma::fill::zeros);
    for (arma::uword b = 0; b < ev.inputs.n_rows; ++b) {
        const arma::uword t = step_of(p, ev.periods, b, ev.inputs.n_slices, 0);
        for (arma::uword c = 0; c < ev.inputs.n_cols; ++c)
            mean(c) += ev.inputs(b, c, t) / static_cast<double>(ev.inputs.n_rows);
    }
    return mean;
}

AnalysisResult run_fixed_points(const std::vector<ArgValue>& args, const Params& options) {
    const auto& trained = std::get<TrainingArg>(args.at(0));
    const auto& ev = std::get<EvaluationArg>(args.at(1));
    if (trained.network == nullptr)
        throw std::logic_error("fixed_points: the training carries no network");
    const CellMap map = cell_map(*trained.network, constant_input(ev, options.text("input")));
    // Initial states: `starts` samples spread evenly over every (trial, step) of the window.
    // The lstm's are full states [h; c] from its recorded cell states.
    const StepWindow window = window_of(ev, options);
    const arma::cube a = activity_window(ev, window);
    const arma::fcube cells = ev.cells.is_empty()
                                  ? arma::fcube()
                                  : arma::fcube(ev.cells.slices(window.from, window.to - 1));
    const arma::uword samples = a.n_rows * a.n_slices;
    const arma::uword starts =
        std::min(samples, static_cast<arma::uword>(options.integer("starts")));
    arma::mat initial(map.state_size, starts);
    for (arma::uword k = 0; k < starts; ++k) {
        const arma::uword s = starts > 1 ? k * (samples - 1) / (starts - 1) : 0;
        const arma::vec act = a.slice(s % a.n_slices).row(s / a.n_slices).t();
        const arma::vec cell = cells.is_empty()
                                   ? arma::vec()
                                   : arma::conv_to<arma::vec>::from(
                                       cells.slice(s % a.n_slices).row(s / a.n_slices).t());
        initial.col(k) = map.state_of_activity(act, cell);
    }
    FixedPointOptions fo;
    fo.q_tolerance = options.real("q_tolerance");
    fo.merge_distance = options.real("merge_distance");
    fo.max_iterations = static_cast<int>(options.integer("max_iterations"));
    const std::vector<FixedPoint> found = find_fixed_points(map.step, map.jacobian, initial, fo);
    const arma::uword k = found.size(), units = a.n_cols, n = map.state_size;
    arma::fmat points(k, units), states(k, n), q(k, 1), radius(k, 1), stable(k, 1), eig_re(k, n),
        eig_im(k, n);
    double stable_count = 0.0;
    for (arma::uword i = 0; i < k; ++i) {
        const FixedPoint& p = found[i];
        points.row(i) = arma::conv_to<arma::frowvec>::from(map.activity(p.state).t());
        states.row(i) = arma::conv_to<arma::frowvec>::from(p.state.t());
        q(i, 0) = static_cast<float>(p.q);
        radius(i, 0) = static_cast<float>(p.spectral_radius);
        stable(i, 0) = p.stable ? 1.0F : 0.0F;
        stable_count += p.stable ? 1.0 : 0.0;
        eig_re.row(i) = arma::conv_to<arma::frowvec>::from(arma::real(p.eigenvalues).t());
        eig_im.row(i) = arma::conv_to<arma::frowvec>::from(arma::imag(p.eigenvalues).t());
    }
    AnalysisResult r;
    r.scalars["count"] = static_cast<double>(k);
    r.scalars["stable_count"] = stable_count;
    r.scalars["starts"] = static_cast<double>(starts);
    r.arrays["points"] = points;
    r.arrays["states"] = states;
    r.arrays["q"] = q;
    r.arrays["spectral_radius"] = radius;
    r.arrays["stable"] = stable;
    r.arrays["eigenvalues_real"] = eig_re;
    r.arrays["eigenvalues_imag"] = eig_im;
    return r;
}

}  // namespace

const AnalysisEntry& fixed_points_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "fixed_points";
        e.doc =
            "Fixed (and, with a larger q_tolerance, slow) points of the trained network's "
            "one-step map at a constant input, from states its evaluation visited.";
        e.args = {{"training", ArgKind::Training, "the trained network, e.g. fit"},
                  {"evaluation", ArgKind::Evaluation,
                   "an evaluation of it: the initial states and the input", false, true}};
        e.schema.params = {
            ParamSpec{"input", ParamType::String, Value{std::string("zero")}, std::nullopt,
                      std::nullopt, "",
                      "the constant input: \"zero\", or the trials' mean input at a time point"}
                .refers_to(TaskRef::TimePoint, {"zero"}),
            {"starts", ParamType::Integer, Value{64.0}, 1.0, 1e6, "",
             "initial states, spread evenly over the window's trials and steps"},
            {"q_tolerance", ParamType::Real, Value{1e-12}, 0.0, 1e6, "",
             "keep points with q = ||F(h) - h||^2 / 2 below this (raise it for slow points)"},
            {"merge_distance", ParamType::Real, Value{1e-6}, 0.0, 1e6, "",
             "points closer than this are one point"},
            {"max_iterations", ParamType::Integer, Value{200.0}, 1.0, 1e6, "",
             "Levenberg-Marquardt iterations per start"}};
        add_time_options(e.schema, false, true);
        e.outputs = {
            scalar("count", "the distinct points found"),
            scalar("stable_count", "those whose Jacobian's spectral radius is below 1"),
            scalar("starts", "the initial states used"),
            array("points", "the points' activity, one row each"),
            array("states", "the points' full cell state (lstm: [h, c]; ctrnn: before phi)"),
            array("q", "q at each point"),
            array("spectral_radius", "of the Jacobian at each point"),
            array("stable", "1 where stable"),
            array("eigenvalues_real",
                  "the Jacobian's eigenvalues by descending modulus, real parts"),
            array("eigenvalues_imag", "their imaginary parts")};
        e.run = run_fixed_points;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
