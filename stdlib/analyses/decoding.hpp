// Linear decoding (seed 004's decode_item_and_position and cross_temporal_decoding,
// docs/provenance.md §4.6): multinomial logistic regression with an L2 penalty, stratified k-fold
// cross-validated accuracy, accuracy over time and the cross-temporal matrix.
//
// Hidden states are an arma::cube of trials x units x steps: slice t holds the samples
// (trials x units) at step t. The functions never shift time: slice t is whatever the
// caller stored there (docs/analyses.md says which state belongs to which input step).
#pragma once

#include <cstdint>
#include <optional>

#include <armadillo>

namespace rnn::stdlib {

struct LogisticOptions {
    // sklearn's C: the fit minimises C * sum_i CE_i + ||W||^2 / 2, i.e. lambda = 1 / C on
    // the summed cross-entropy. The intercepts are not penalised. No feature scaling.
    double c = 1.0;
    bool intercept = true;
    int max_iterations = 1000;
    // On max |gradient| of the objective divided by the number of samples (mean CE + the
    // penalty / n).
    double gradient_tolerance = 1e-6;
};

struct LogisticModel {
    arma::uvec classes;    // the labels seen in training, ascending
    arma::mat weights;     // classes x features (one row per class: full softmax)
    arma::vec intercepts;  // classes
    int iterations = 0;
    bool converged = false;
};

// Fits softmax regression to x (samples x features) and labels y by L-BFGS. One class
// only gives a model that always predicts it. Throws on mismatched sizes or no samples.
LogisticModel fit_logistic(const arma::mat& x, const arma::uvec& y,
                           const LogisticOptions& options = {});

// Class probabilities, samples x classes (columns in model.classes order).
arma::mat predict_probabilities(const LogisticModel& model, const arma::mat& x);

// The most probable class label per sample (the lowest label on an exact tie).
arma::uvec predict(const LogisticModel& model, const arma::mat& x);

// Fraction of samples whose predicted label equals y.
double accuracy(const LogisticModel& model, const arma::mat& x, const arma::uvec& y);

// The test fold (0..k-1) of each sample, as sklearn's StratifiedKFold: classes in order of
// first appearance, each class spread over the folds so that fold sizes differ by at most
// one per class (fold f gets the class's members in order of appearance). Without a key
// this is StratifiedKFold(shuffle=False), the seed's cv=int; with a key, each class's fold
// labels are permuted by a Fisher-Yates shuffle drawn from rt::RandomStream(*shuffle_key).
// Throws if k < 2, k > samples, or every class has fewer than k members.
arma::uvec stratified_folds(const arma::uvec& y, arma::uword k,
                            std::optional<std::uint64_t> shuffle_key = std::nullopt);

struct CvAccuracy {
    arma::vec fold_accuracy;  // test accuracy of each fold
    double mean = 0.0;
    double std = 0.0;  // population (ddof 0), as numpy's std of cross_val_score
};

// Fits on all folds but f and tests on fold f, for each f in folds.
CvAccuracy cross_validated_accuracy(const arma::mat& x, const arma::uvec& y,
                                    const arma::uvec& folds, const LogisticOptions& options = {});

// Cross-validated accuracy at each step (train and test on slice t), with the same folds
// at every step: entry t = cross_validated_accuracy(states.slice(t), ...).mean.
arma::vec decoding_over_time(const arma::cube& states, const arma::uvec& y, const arma::uvec& folds,
                             const LogisticOptions& options = {});

// Cross-temporal accuracy: entry (t1, t2) trains on the training folds at step t1 and
// tests on the held-out fold at step t2, averaged over the folds (steps x steps). Its
// diagonal equals decoding_over_time with the same folds.
arma::mat cross_temporal_decoding(const arma::cube& states, const arma::uvec& y,
                                  const arma::uvec& folds, const LogisticOptions& options = {});

}  // namespace rnn::stdlib
