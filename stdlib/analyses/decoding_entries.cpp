// decode and decode_over_time: cross-validated multinomial logistic regression of a trial
// label from the activity (seed 004's decode_item_and_position, docs/provenance.md §4.6).
#include <stdexcept>

#include <fmt/format.h>

#include "runtime/random.hpp"
#include "stdlib/analyses/activity.hpp"
#include "stdlib/analyses/decoding.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

// The trials that carry the label and their classes, with the chance level of decoding it.
struct Decodable {
    arma::uvec trials;
    arma::uvec y;
    double chance = 0.0;
};

Decodable decodable(const EvaluationArg& ev, const std::string& name) {
    LabelledTrials l = labelled_trials(ev, name);
    const arma::uvec classes = arma::unique(l.classes);
    if (classes.n_elem < 2)
        throw std::invalid_argument(
            fmt::format("the label '{}' takes fewer than two values in these trials", name));
    return {std::move(l.trials), std::move(l.classes), 1.0 / static_cast<double>(classes.n_elem)};
}

LogisticOptions logistic_options(const Params& options) {
    LogisticOptions o;
    o.c = options.real("c");
    o.max_iterations = static_cast<int>(options.integer("max_iterations"));
    return o;
}

void add_decoder_options(Schema& schema, double folds) {
    schema.params.push_back(ParamSpec{"label", ParamType::String, std::nullopt, std::nullopt,
                                      std::nullopt, "",
                                      "the trial label to decode, e.g. \"item1\" or \"condition\""}
                                .refers_to(TaskRef::TrialLabel));
    schema.params.push_back({"folds", ParamType::Integer, Value{folds}, 2.0, 1000.0, "",
                             "stratified cross-validation folds (unshuffled, as sklearn's cv=k)"});
    schema.params.push_back(
        {"shuffle", ParamType::Integer, Value{0.0}, 0.0, 1e9, "",
         "0: folds in trial order (the seeds' cv=k); N > 0: each class's trials dealt to the "
         "folds at random, the same for the same N (StratifiedKFold(shuffle=True))"});
    schema.params.push_back(
        {"c", ParamType::Real, Value{1.0}, 1e-12, 1e12, "", "inverse L2 strength, sklearn's C"});
    schema.params.push_back({"max_iterations", ParamType::Integer, Value{1000.0}, 1.0, 1e6, "",
                             "L-BFGS iterations per fit"});
}

// The test fold of each decodable trial. A shuffle seed names its own stream, so that
// the folds do not depend on the script's seed or on anything else in the run.
arma::uvec folds_of(const arma::uvec& y, const Params& options) {
    const auto k = static_cast<arma::uword>(options.integer("folds"));
    const long shuffle = options.integer("shuffle");
    if (shuffle == 0)
        return stratified_folds(y, k);
    return stratified_folds(y, k,
                            rt::stream_key(static_cast<std::uint64_t>(shuffle), "decode/folds"));
}

AnalysisResult run_decode(const std::vector<ArgValue>& args, const Params& options) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const Decodable d = decodable(ev, options.text("label"));
    const arma::mat x =
        activity_at(ev, options.text("at"), options.integer("state_offset")).rows(d.trials);
    const arma::uvec folds = folds_of(d.y, options);
    const CvAccuracy cv = cross_validated_accuracy(x, d.y, folds, logistic_options(options));
    AnalysisResult r;
    r.scalars["accuracy_mean"] = cv.mean;
    r.scalars["accuracy_std"] = cv.std;
    r.scalars["chance"] = d.chance;
    r.scalars["trials"] = static_cast<double>(d.trials.n_elem);
    r.arrays["fold_accuracy"] = arma::conv_to<arma::fmat>::from(cv.fold_accuracy);
    return r;
}

AnalysisResult run_decode_over_time(const std::vector<ArgValue>& args, const Params& options) {
    const auto& ev = std::get<EvaluationArg>(args.at(0));
    const Decodable d = decodable(ev, options.text("label"));
    const StepWindow w = window_of(ev, options);
    const arma::cube all = activity_window(ev, w);
    arma::cube states(d.trials.n_elem, all.n_cols, all.n_slices);
    for (arma::uword t = 0; t < all.n_slices; ++t)
        states.slice(t) = all.slice(t).rows(d.trials);
    const arma::uvec folds = folds_of(d.y, options);
    const LogisticOptions lo = logistic_options(options);
    const arma::uword steps = states.n_slices;
    arma::vec mean(steps), std(steps), at(steps);
    for (arma::uword t = 0; t < steps; ++t) {
        const CvAccuracy cv = cross_validated_accuracy(states.slice(t), d.y, folds, lo);
        mean(t) = cv.mean;
        std(t) = cv.std;
        // The trial step of the entry, with the state offset taken back out: entry t is
        // the decoding "at" step t as the window was written.
        at(t) = static_cast<double>(w.from + t
                                    - static_cast<arma::uword>(options.integer("state_offset")));
    }
    AnalysisResult r;
    r.scalars["accuracy_mean"] = arma::mean(mean);
    r.scalars["accuracy_max"] = mean.max();
    r.scalars["chance"] = d.chance;
    r.arrays["accuracy"] = arma::conv_to<arma::fmat>::from(mean);
    r.arrays["accuracy_std"] = arma::conv_to<arma::fmat>::from(std);
    r.arrays["steps"] = arma::conv_to<arma::fmat>::from(at);
    if (options.flag("cross_temporal"))
        r.arrays["cross_temporal"] =
            arma::conv_to<arma::fmat>::from(cross_temporal_decoding(states, d.y, folds, lo));
    return r;
}

}  // namespace

const AnalysisEntry& decode_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "decode";
        e.doc =
            "Cross-validated accuracy of a linear (multinomial logistic, L2) decoder of a trial "
            "label from the activity at one time point.";
        e.args = {{"evaluation", ArgKind::Evaluation, "the evaluation whose activity is read",
                   false, true}};
        add_time_options(e.schema, true, false);
        add_decoder_options(e.schema, 5.0);
        e.outputs = {scalar("accuracy_mean", "the mean test accuracy over the folds"),
                     scalar("accuracy_std", "their standard deviation (ddof 0)"),
                     scalar("chance", "1 / the number of classes"),
                     scalar("trials", "the trials that carry the label"),
                     array("fold_accuracy", "each fold's test accuracy")};
        e.run = run_decode;
        return e;
    }();
    return entry;
}

const AnalysisEntry& decode_over_time_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "decode_over_time";
        e.doc =
            "Decoding accuracy of a trial label at every step of a window, and optionally the "
            "cross-temporal matrix (train at one step, test at another).";
        e.args = {{"evaluation", ArgKind::Evaluation, "the evaluation whose activity is read",
                   false, true}};
        add_time_options(e.schema, false, true);
        add_decoder_options(e.schema, 3.0);
        e.schema.params.push_back({"cross_temporal", ParamType::Bool, Value{false}, std::nullopt,
                                   std::nullopt, "",
                                   "also train at every step and test at every other"});
        e.outputs = {
            scalar("accuracy_mean", "the mean over the window"),
            scalar("accuracy_max", "the best step's accuracy"),
            scalar("chance", "1 / the number of classes"),
            array("accuracy", "the mean test accuracy at each step"),
            array("accuracy_std", "its standard deviation over folds"),
            array("steps", "the trial step of each entry"),
            array("cross_temporal", "train step x test step accuracy, with cross_temporal")};
        e.run = run_decode_over_time;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
