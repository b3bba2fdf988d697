#include "stdlib/analyses/decoding.hpp"

#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "runtime/random.hpp"
#include "stdlib/analyses/lbfgs.hpp"

namespace rnn::stdlib {

namespace {

// Row-wise softmax of the logits, in place (max subtracted for stability); returns the
// sum over rows of log-sum-exp minus the true-class logit, i.e. the summed cross-entropy.
double softmax_cross_entropy(arma::mat& logits, const arma::uvec& code) {
    double ce = 0.0;
    for (arma::uword i = 0; i < logits.n_rows; ++i) {
        const double m = logits.row(i).max();
        const double true_logit = logits(i, code(i));
        logits.row(i) = arma::exp(logits.row(i) - m);
        const double z = arma::accu(logits.row(i));
        logits.row(i) /= z;
        ce += m + std::log(z) - true_logit;
    }
    return ce;
}

}  // namespace

LogisticModel fit_logistic(const arma::mat& x, const arma::uvec& y,
                           const LogisticOptions& options) {
    if (x.n_rows != y.n_elem || x.n_rows == 0)
        throw std::invalid_argument("fit_logistic: one label per sample, at least one sample");
    if (!(options.c > 0.0))
        throw std::invalid_argument("fit_logistic: C must be positive");
    LogisticModel model;
    model.classes = arma::unique(y);
    const arma::uword k = model.classes.n_elem;
    const arma::uword d = x.n_cols;
    const arma::uword n = x.n_rows;
    arma::uvec code(n);
    for (arma::uword i = 0; i < n; ++i)
        code(i) = arma::as_scalar(arma::find(model.classes == y(i), 1));
    model.weights.zeros(k, d);
    model.intercepts.zeros(k);
    if (k == 1) {
        model.converged = true;
        return model;
    }
    arma::mat onehot(n, k, arma::fill::zeros);
    for (arma::uword i = 0; i < n; ++i)
        onehot(i, code(i)) = 1.0;
    const double scale = 1.0 / static_cast<double>(n);
    const double lambda = 1.0 / options.c;
    // Parameters: W (k x d, column-major) then b (k).
    const Objective objective = [&](const arma::vec& theta, arma::vec& grad) {
        const arma::mat w = arma::reshape(theta.head(k * d), k, d);
        arma::mat logits = x * w.t();
        if (options.intercept)
            logits.each_row() += theta.tail(k).t();
        const double ce = softmax_cross_entropy(logits, code);
        const arma::mat residual = logits - onehot;  // P - Y, n x k
        grad.set_size(theta.n_elem);
        grad.head(k * d) = arma::vectorise(scale * (residual.t() * x + lambda * w));
        if (options.intercept)
            grad.tail(k) = scale * arma::sum(residual, 0).t();
        else
            grad.tail(k).zeros();
        return scale * (ce + 0.5 * lambda * arma::accu(arma::square(w)));
    };
    LbfgsOptions lo;
    lo.max_iterations = options.max_iterations;
    lo.gradient_tolerance = options.gradient_tolerance;
    const LbfgsResult r = minimise_lbfgs(objective, arma::vec(k * d + k, arma::fill::zeros), lo);
    model.weights = arma::reshape(r.x.head(k * d), k, d);
    model.intercepts = r.x.tail(k);
    model.iterations = r.iterations;
    model.converged = r.converged;
    return model;
}

arma::mat predict_probabilities(const LogisticModel& model, const arma::mat& x) {
    if (x.n_cols != model.weights.n_cols)
        throw std::invalid_argument("predict: the model was fitted on other features");
    arma::mat logits = x * model.weights.t();
    logits.each_row() += model.intercepts.t();
    for (arma::uword i = 0; i < logits.n_rows; ++i) {
        logits.row(i) = arma::exp(logits.row(i) - logits.row(i).max());
        logits.row(i) /= arma::accu(logits.row(i));
    }
    return logits;
}

arma::uvec predict(const LogisticModel& model, const arma::mat& x) {
    if (x.n_cols != model.weights.n_cols)
        throw std::invalid_argument("predict: the model was fitted on other features");
    arma::mat logits = x * model.weights.t();
    logits.each_row() += model.intercepts.t();
    arma::uvec out(x.n_rows);
    for (arma::uword i = 0; i < x.n_rows; ++i)
        out(i) = model.classes(logits.row(i).index_max());  // first maximum
    return out;
}

double accuracy(const LogisticModel& model, const arma::mat& x, const arma::uvec& y) {
    if (x.n_rows != y.n_elem || y.is_empty())
        throw std::invalid_argument("accuracy: one label per sample, at least one sample");
    return static_cast<double>(arma::accu(predict(model, x) == y)) / static_cast<double>(y.n_elem);
}

arma::uvec stratified_folds(const arma::uvec& y, arma::uword k,
                            std::optional<std::uint64_t> shuffle_key) {
    const arma::uword n = y.n_elem;
    if (k < 2 || k > n)
        throw std::invalid_argument("stratified_folds: need 2 <= folds <= samples");
    // Classes coded in order of first appearance (sklearn's y_encoded).
    std::map<arma::uword, arma::uword> code_of;
    arma::uvec code(n);
    for (arma::uword i = 0; i < n; ++i) {
        const auto [it, fresh] = code_of.try_emplace(y(i), code_of.size());
        code(i) = it->second;
    }
    const arma::uword classes = code_of.size();
    arma::uvec counts(classes, arma::fill::zeros);
    for (arma::uword i = 0; i < n; ++i)
        ++counts(code(i));
    if (arma::all(counts < k))
        throw std::invalid_argument("stratified_folds: every class has fewer members than folds");
    // allocation(f, c) = how many of the sorted codes at positions f, f + k, ... are c.
    const arma::uvec order = arma::sort(code);
    arma::umat allocation(k, classes, arma::fill::zeros);
    for (arma::uword i = 0; i < n; ++i)
        ++allocation(i % k, order(i));
    std::optional<rt::RandomStream> stream;
    if (shuffle_key)
        stream.emplace(*shuffle_key);
    arma::uvec folds(n);
    for (arma::uword c = 0; c < classes; ++c) {
        std::vector<arma::uword> labels;
        for (arma::uword f = 0; f < k; ++f)
            labels.insert(labels.end(), allocation(f, c), f);
        if (stream)
            for (std::size_t i = labels.size(); i-- > 1;)
                std::swap(labels[i], labels[static_cast<std::size_t>(
                                         stream->uniform_int(0, static_cast<std::int64_t>(i)))]);
        std::size_t next = 0;
        for (arma::uword i = 0; i < n; ++i)
            if (code(i) == c)
                folds(i) = labels[next++];
    }
    return folds;
}

namespace {
void check_folds(arma::uword samples, const arma::uvec& y, const arma::uvec& folds) {
    if (y.n_elem != samples || folds.n_elem != samples)
        throw std::invalid_argument("decoding: one label and one fold per trial");
    if (samples == 0)
        throw std::invalid_argument("decoding: no trials");
}

CvAccuracy summarise(arma::vec acc) {
    CvAccuracy r;
    r.mean = arma::mean(acc);
    r.std = std::sqrt(arma::mean(arma::square(acc - r.mean)));
    r.fold_accuracy = std::move(acc);
    return r;
}
}  // namespace

CvAccuracy cross_validated_accuracy(const arma::mat& x, const arma::uvec& y,
                                    const arma::uvec& folds, const LogisticOptions& options) {
    check_folds(x.n_rows, y, folds);
    const arma::uword k = folds.max() + 1;
    arma::vec acc(k);
    for (arma::uword f = 0; f < k; ++f) {
        const arma::uvec test = arma::find(folds == f);
        const arma::uvec train = arma::find(folds != f);
        if (test.is_empty() || train.is_empty())
            throw std::invalid_argument("decoding: a fold is empty or holds every trial");
        const LogisticModel m = fit_logistic(x.rows(train), y.elem(train), options);
        acc(f) = accuracy(m, x.rows(test), y.elem(test));
    }
    return summarise(std::move(acc));
}

arma::vec decoding_over_time(const arma::cube& states, const arma::uvec& y, const arma::uvec& folds,
                             const LogisticOptions& options) {
    arma::vec out(states.n_slices);
    for (arma::uword t = 0; t < states.n_slices; ++t)
        out(t) = cross_validated_accuracy(states.slice(t), y, folds, options).mean;
    return out;
}

arma::mat cross_temporal_decoding(const arma::cube& states, const arma::uvec& y,
                                  const arma::uvec& folds, const LogisticOptions& options) {
    check_folds(states.n_rows, y, folds);
    const arma::uword steps = states.n_slices;
    const arma::uword k = folds.max() + 1;
    arma::mat out(steps, steps, arma::fill::zeros);
    for (arma::uword f = 0; f < k; ++f) {
        const arma::uvec test = arma::find(folds == f);
        const arma::uvec train = arma::find(folds != f);
        if (test.is_empty() || train.is_empty())
            throw std::invalid_argument("decoding: a fold is empty or holds every trial");
        const arma::uvec y_train = y.elem(train);
        const arma::uvec y_test = y.elem(test);
        std::vector<arma::mat> test_states(steps);
        for (arma::uword t = 0; t < steps; ++t)
            test_states[t] = states.slice(t).rows(test);
        for (arma::uword t1 = 0; t1 < steps; ++t1) {
            const LogisticModel m = fit_logistic(states.slice(t1).rows(train), y_train, options);
            for (arma::uword t2 = 0; t2 < steps; ++t2)
                out(t1, t2) += accuracy(m, test_states[t2], y_test);
        }
    }
    return out / static_cast<double>(k);
}

}  // namespace rnn::stdlib
