// pca, weight_participation, principal_angles and rdm: the geometry of a network's
// activity in an evaluation (seed 002's PCA and participation ratios, seed 004's
// subspaces and RDMs; docs/provenance.md §3.5, §4.6).
#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/files.hpp"
#include "stdlib/analyses/activity.hpp"
#include "stdlib/analyses/pca.hpp"
#include "stdlib/analyses/rdm.hpp"
#include "stdlib/analyses/subspaces.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

arma::fmat column(const arma::vec& v) {
    return arma::conv_to<arma::fmat>::from(v);
}

// The PCA an activity-reading entry asks for: at one time point (samples = trials), or
// over a window with every (trial, step) a sample, centred on the mean over all of them
// or per trial (seed 002's pca_trials: each trial's covariance, averaged).
struct WindowPca {
    Pca result;
    arma::uword samples = 0;
    arma::mat mean_activity;  // window steps x units, the trial average (empty for `at`)
};

WindowPca activity_pca(const EvaluationArg& ev, const Params& options) {
    const int ddof = static_cast<int>(options.integer("ddof"));
    const long offset = options.integer("state_offset");
    WindowPca out;
    if (options.has("at")) {
        const arma::mat x = activity_at(ev, options.text("at"), offset);
        out.samples = x.n_rows;
        out.result = pca(x, {ddof, true});
        return out;
    }
    const arma::cube a = activity_window(ev, window_of(ev, options));
    const arma::uword trials = a.n_rows, units = a.n_cols, steps = a.n_slices;
    std::vector<arma::mat> blocks(trials, arma::mat(steps, units));
    out.mean_activity.zeros(steps, units);
    for (arma::uword t = 0; t < steps; ++t)
        for (arma::uword b = 0; b < trials; ++b) {
            blocks[b].row(t) = a.slice(t).row(b);
            out.mean_activity.row(t) += a.slice(t).row(b) / static_cast<double>(trials);
        }
    out.samples = trials * steps;
    if (options.text("centre") == "per_trial") {
        out.result = pca_of_covariance(mean_covariance(blocks, ddof));
        out.result.mean = arma::mean(out.mean_activity, 0).t();
    } else {
        arma::mat x(trials * steps, units);
        for (arma::uword b = 0; b < trials; ++b)
            x.rows(b * steps, (b + 1) * steps - 1) = blocks[b];
        out.result = pca(x, {ddof, true});
    }
    return out;
}

void add_pca_options(Schema& schema) {
    add_time_options(schema, true, true);
    schema.params[0].optional = true;  // `at`: a time point instead of a window
    schema.params.push_back({"ddof", ParamType::Integer, Value{1.0}, 0.0, 1.0, "",
                             "covariance divisor n - ddof (1: np.cov; seed 002's pca_trials: 0)"});
    schema.params.push_back(
        {"centre",
         ParamType::Choice,
         Value{std::string("all")},
         std::nullopt,
         std::nullopt,
         "",
         "all: one mean over every sample; per_trial: each trial's covariance about its own "
         "mean, averaged over trials (seed 002's pca_trials)",
         {"all", "per_trial"}});
}

AnalysisResult run_pca(const std::vector<ArgValue>& args, const Params& options) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const WindowPca w = activity_pca(ev, options);
    const Pca& p = w.result;
    const arma::uword k = std::min<arma::uword>(
        static_cast<arma::uword>(options.integer("components")), p.components.n_cols);
    AnalysisResult r;
    r.scalars["participation_ratio"] = participation_ratio(p.eigenvalues);
    r.scalars["explained"] = arma::accu(p.explained_variance_ratio.head(k));
    r.scalars["samples"] = static_cast<double>(w.samples);
    r.arrays["eigenvalues"] = column(p.eigenvalues);
    r.arrays["explained_variance_ratio"] = column(p.explained_variance_ratio);
    r.arrays["components"] = arma::conv_to<arma::fmat>::from(p.components.head_cols(k));
    if (!w.mean_activity.is_empty()) {
        const arma::mat traj = project(p, w.mean_activity, k);
        r.arrays["mean_trajectory"] = arma::conv_to<arma::fmat>::from(traj);
        r.arrays["speed"] = column(trajectory_speed(w.mean_activity));
    }
    return r;
}

AnalysisResult run_weight_participation(const std::vector<ArgValue>& args, const Params& options) {
    const auto& m = std::get<MatrixArg>(args.at(0));
    const auto& ev = std::get<EvaluationArg>(args.at(1));
    const arma::vec v = arma::conv_to<arma::vec>::from(arma::vectorise(m.value));
    const WindowPca w = activity_pca(ev, options);
    if (v.n_elem != w.result.components.n_rows)
        throw std::invalid_argument(fmt::format(
            "'{}' has {} entries but the activity has {} units; give a vector of one weight per "
            "unit (e.g. fit.I or fit.w)",
            m.label, v.n_elem, w.result.components.n_rows));
    AnalysisResult r;
    r.scalars["participation_ratio"] = coefficient_participation_ratio(v, w.result.components);
    r.scalars["eigenvalue_participation_ratio"] = participation_ratio(w.result.eigenvalues);
    r.scalars["basis"] = static_cast<double>(w.result.components.n_cols);
    const arma::vec c = w.result.components.t() * v;
    r.arrays["coefficients"] = column(c);
    return r;
}

// The basis of one side of principal_angles: the top PCs of the activity at the time
// point, or with a label the PCs of its class means there (seed 004's delay subspace).
arma::mat subspace(const EvaluationArg& ev, const std::string& point, const std::string& label,
                   arma::uword components, long offset) {
    const arma::mat x = activity_at(ev, point, offset);
    if (label.empty()) {
        const Pca p = pca(x, {1, true});
        const arma::uword k = std::min({components, x.n_cols, x.n_rows});
        return p.components.head_cols(k);
    }
    const LabelledTrials l = labelled_trials(ev, label);
    return class_mean_basis(x.rows(l.trials), l.classes, components);
}

AnalysisResult run_principal_angles(const std::vector<ArgValue>& args, const Params& options) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const auto k = static_cast<arma::uword>(options.integer("components"));
    const long offset = options.integer("state_offset");
    arma::mat a = subspace(ev, options.text("a"), options.text("label_a"), k, offset);
    arma::mat b = subspace(ev, options.text("b"), options.text("label_b"), k, offset);
    // Both truncated to the smaller dimension, as seed 004 compares them.
    const arma::uword d = std::min(a.n_cols, b.n_cols);
    if (d == 0)
        throw std::invalid_argument("a subspace is empty (the activity does not vary there)");
    const arma::vec angles = principal_angles_deg(a.head_cols(d), b.head_cols(d));
    AnalysisResult r;
    r.scalars["mean_angle_deg"] = arma::mean(angles);
    r.scalars["min_angle_deg"] = angles.min();
    r.scalars["max_angle_deg"] = angles.max();
    r.scalars["dimension"] = static_cast<double>(d);
    r.arrays["angles_deg"] = column(angles);
    return r;
}

// The labels an RDM groups by: `name` itself, or name1, name2, ... when the trials have
// a numbered family of that name (sequence_wm's item1..item4).
std::vector<std::string> label_family(const EvaluationArg& ev, const std::string& name) {
    if (ev.labels.count(name))
        return {name};
    std::vector<std::string> out;
    for (int k = 1; ev.labels.count(name + std::to_string(k)); ++k)
        out.push_back(name + std::to_string(k));
    if (out.empty())
        (void)trial_label(ev, name);  // throws, naming the labels there are
    return out;
}

AnalysisResult run_rdm(const std::vector<ArgValue>& args, const Params& options) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const arma::mat x = activity_at(ev, options.text("at"), options.integer("state_offset"));
    const std::vector<std::string> names = label_family(ev, options.text("labels"));
    // Each trial's condition is its tuple of labels; conditions in lexicographic order.
    std::vector<std::vector<long>> tuples(x.n_rows);
    for (const auto& n : names) {
        const auto& v = trial_label(ev, n);
        for (arma::uword b = 0; b < x.n_rows; ++b)
            tuples[b].push_back(v.at(b));
    }
    const std::set<std::vector<long>> distinct(tuples.begin(), tuples.end());
    const std::vector<std::vector<long>> conditions(distinct.begin(), distinct.end());
    if (conditions.size() < 2)
        throw std::invalid_argument("an RDM needs trials of at least two conditions");
    arma::uvec id(x.n_rows);
    for (arma::uword b = 0; b < x.n_rows; ++b)
        id(b) = static_cast<arma::uword>(
            std::lower_bound(conditions.begin(), conditions.end(), tuples[b]) - conditions.begin());
    const std::string metric = options.text("metric");
    const RdmMetric m = metric == "correlation" ? RdmMetric::Correlation
                        : metric == "cosine"    ? RdmMetric::Cosine
                                                : RdmMetric::Euclidean;
    const arma::mat neural = rdm(condition_means(x, id).means, m);
    // Model RDMs over the same conditions: labels differing by position, and items not
    // shared regardless of order (seed 004's position and item models).
    const arma::uword c = conditions.size();
    arma::mat position(c, c, arma::fill::zeros), item(c, c, arma::fill::zeros);
    for (arma::uword i = 0; i < c; ++i)
        for (arma::uword j = 0; j < c; ++j) {
            double same_place = 0.0, shared = 0.0;
            std::multiset<long> rest(conditions[j].begin(), conditions[j].end());
            for (std::size_t k = 0; k < names.size(); ++k) {
                same_place += conditions[i][k] == conditions[j][k] ? 1.0 : 0.0;
                const auto it = rest.find(conditions[i][k]);
                if (conditions[i][k] >= 0 && it != rest.end()) {
                    shared += 1.0;
                    rest.erase(it);
                }
            }
            position(i, j) = static_cast<double>(names.size()) - same_place;
            item(i, j) = static_cast<double>(names.size()) - shared;
        }
    arma::fmat labels(c, names.size());
    for (arma::uword i = 0; i < c; ++i)
        for (std::size_t k = 0; k < names.size(); ++k)
            labels(i, k) = static_cast<float>(conditions[i][k]);
    AnalysisResult r;
    r.scalars["conditions"] = static_cast<double>(c);
    r.scalars["mean_distance"] = arma::mean(upper_triangle(neural));
    r.scalars["position_spearman"] = rdm_spearman(neural, position);
    r.scalars["item_spearman"] = rdm_spearman(neural, item);
    r.scalars["model_spearman"] = std::numeric_limits<double>::quiet_NaN();
    r.arrays["rdm"] = arma::conv_to<arma::fmat>::from(neural);
    r.arrays["position_model"] = arma::conv_to<arma::fmat>::from(position);
    r.arrays["item_model"] = arma::conv_to<arma::fmat>::from(item);
    r.arrays["condition_labels"] = labels;
    // A model of the user's own, over the same conditions in the same order.
    if (const std::string file = options.text("model"); !file.empty()) {
        const arma::mat model = rt::load_npy(file, rt::kMaxDataFileBytes);
        if (model.n_rows != c || model.n_cols != c)
            throw std::invalid_argument(fmt::format(
                "the model RDM {} is {} x {}, but these trials have {} conditions: it must be "
                "{} x {}, its rows and columns the conditions in the order of the array "
                "condition_labels (the tuples of {} in lexicographic order)",
                std::filesystem::path(file).filename().string(), model.n_rows, model.n_cols, c, c,
                c, fmt::join(names, ", ")));
        r.scalars["model_spearman"] = rdm_spearman(neural, model);
        r.arrays["model"] = arma::conv_to<arma::fmat>::from(model);
    }
    return r;
}

}  // namespace

const AnalysisEntry& pca_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "pca";
        e.doc =
            "Principal components of the activity at a time point (across trials) or over a "
            "window (every trial and step a sample).";
        e.args = {{"evaluation", ArgKind::Evaluation, "the evaluation whose activity is read",
                   false, true}};
        add_pca_options(e.schema);
        e.schema.params.push_back({"components", ParamType::Integer, Value{3.0}, 1.0, 1e6, "",
                                   "how many components to keep and project on"});
        e.outputs = {
            scalar("participation_ratio",
                   "(sum l)^2 / sum l^2 of the eigenvalues l > 0: the dimensionality"),
            scalar("explained", "the fraction of variance of the kept components"),
            scalar("samples", "the number of samples"),
            array("eigenvalues", "all eigenvalues, descending"),
            array("explained_variance_ratio", "each eigenvalue over their sum"),
            array("components", "the kept eigenvectors, units x components, canonical signs"),
            array("mean_trajectory",
                  "the trial-averaged activity of a window projected on them, steps x components"),
            array("speed", "||mean activity(t+1) - mean activity(t)|| over a window")};
        e.run = run_pca;
        return e;
    }();
    return entry;
}

const AnalysisEntry& weight_participation_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "weight_participation";
        e.doc =
            "Participation ratio (sum |c|)^2 / sum c^2 of a weight vector's coefficients c in "
            "the principal components of the activity (seed 002's I-PR and w-PR).";
        e.args = {{"vector", ArgKind::Matrix, "one weight per unit, e.g. fit.I or fit.w"},
                  {"evaluation", ArgKind::Evaluation,
                   "the evaluation whose activity gives the basis", false, true}};
        add_pca_options(e.schema);
        e.outputs = {scalar("participation_ratio",
                            "(sum |c_i|)^2 / sum c_i^2 over all components; basis-dependent"),
                     scalar("eigenvalue_participation_ratio", "the activity's own dimensionality"),
                     scalar("basis", "the number of basis vectors"),
                     array("coefficients", "c = E^T v")};
        e.run = run_weight_participation;
        return e;
    }();
    return entry;
}

const AnalysisEntry& principal_angles_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "principal_angles";
        e.doc =
            "Principal angles between two subspaces of the activity: its top principal "
            "components at two time points, or the class means of two labels.";
        e.args = {{"evaluation", ArgKind::Evaluation, "the evaluation whose activity is read",
                   false, true}};
        e.schema.params = {
            ParamSpec{"a", ParamType::String, std::nullopt, std::nullopt, std::nullopt, "",
                      "the first subspace's time point, e.g. \"stimulus1.end\""}
                .refers_to(TaskRef::TimePoint),
            ParamSpec{"b", ParamType::String, std::nullopt, std::nullopt, std::nullopt, "",
                      "the second subspace's time point"}
                .refers_to(TaskRef::TimePoint),
            ParamSpec{"label_a", ParamType::String, Value{std::string()}, std::nullopt,
                      std::nullopt, "",
                      "a trial label: the first subspace spans its class means (\"\": the PCs)"}
                .refers_to(TaskRef::TrialLabel),
            ParamSpec{"label_b", ParamType::String, Value{std::string()}, std::nullopt,
                      std::nullopt, "", "likewise for the second subspace"}
                .refers_to(TaskRef::TrialLabel),
            {"components", ParamType::Integer, Value{10.0}, 1.0, 1e6, "",
             "the most components of each subspace"}};
        add_time_options(e.schema, false, false);
        e.outputs = {scalar("mean_angle_deg", "the mean principal angle, degrees"),
                     scalar("min_angle_deg", "the smallest angle"),
                     scalar("max_angle_deg", "the largest angle"),
                     scalar("dimension", "the subspaces' common dimension"),
                     array("angles_deg", "every angle, ascending")};
        e.run = run_principal_angles;
        return e;
    }();
    return entry;
}

const AnalysisEntry& rdm_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "rdm";
        e.doc =
            "Representational dissimilarity of the conditions' mean activity at a time point, "
            "and its Spearman correlation with position and item models.";
        e.args = {{"evaluation", ArgKind::Evaluation, "the evaluation whose activity is read",
                   false, true}};
        add_time_options(e.schema, true, false);
        e.schema.params.push_back(
            ParamSpec{"labels", ParamType::String, Value{std::string("condition")}, std::nullopt,
                      std::nullopt, "",
                      "the label that defines a condition, or the stem of a numbered family "
                      "(\"item\": item1, item2, ... as a tuple)"}
                .refers_to(TaskRef::LabelFamily));
        e.schema.params.push_back({"metric",
                                   ParamType::Choice,
                                   Value{std::string("euclidean")},
                                   std::nullopt,
                                   std::nullopt,
                                   "",
                                   "the dissimilarity",
                                   {"euclidean", "correlation", "cosine"}});
        e.schema.params.push_back(
            {"model", ParamType::File, Value{std::string()}, std::nullopt, std::nullopt, "",
             "a model RDM of your own, conditions x conditions in .npy, compared by "
             "model_spearman (\"\": none)"});
        e.outputs = {
            scalar("conditions", "the number of distinct conditions"),
            scalar("mean_distance", "the mean of the RDM's upper triangle"),
            scalar("position_spearman",
                   "Spearman correlation with the position model (NaN if constant)"),
            scalar("item_spearman", "Spearman correlation with the item model (order ignored)"),
            scalar("model_spearman", "Spearman correlation with the model file (NaN without one)"),
            array("rdm", "conditions x conditions, conditions in lexicographic order"),
            array("position_model", "labels that differ by position"),
            array("item_model", "labels not shared, order ignored"),
            array("condition_labels",
                  "each condition's labels, conditions x labels: the order of the rows"),
            array("model", "the model file's matrix", "with a model")};
        e.run = run_rdm;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
