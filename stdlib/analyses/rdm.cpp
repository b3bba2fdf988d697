#include "stdlib/analyses/rdm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rnn::stdlib {

ConditionMeans condition_means(const arma::mat& x, const arma::uvec& condition) {
    if (condition.n_elem != x.n_rows)
        throw std::invalid_argument("condition_means: one condition per sample is needed");
    ConditionMeans r;
    r.conditions = arma::unique(condition);  // sorted ascending
    r.means.zeros(r.conditions.n_elem, x.n_cols);
    r.counts.zeros(r.conditions.n_elem);
    for (arma::uword i = 0; i < x.n_rows; ++i) {
        const arma::uvec at = arma::find(r.conditions == condition(i), 1);
        r.means.row(at(0)) += x.row(i);
        ++r.counts(at(0));
    }
    for (arma::uword c = 0; c < r.conditions.n_elem; ++c)
        r.means.row(c) /= static_cast<double>(r.counts(c));
    return r;
}

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double dissimilarity(const arma::rowvec& a, const arma::rowvec& b, RdmMetric metric) {
    switch (metric) {
        case RdmMetric::Euclidean:
            return arma::norm(a - b);
        case RdmMetric::Correlation:
            return 1.0 - pearson(a.t(), b.t());
        case RdmMetric::Cosine: {
            const double n = arma::norm(a) * arma::norm(b);
            return n > 0.0 ? 1.0 - arma::dot(a, b) / n : nan;
        }
    }
    return nan;
}
}  // namespace

arma::mat rdm(const arma::mat& rows, RdmMetric metric) {
    const arma::uword n = rows.n_rows;
    arma::mat d(n, n, arma::fill::zeros);
    for (arma::uword i = 0; i < n; ++i)
        for (arma::uword j = i + 1; j < n; ++j) {
            d(i, j) = dissimilarity(rows.row(i), rows.row(j), metric);
            d(j, i) = d(i, j);
        }
    return d;
}

arma::vec upper_triangle(const arma::mat& m) {
    if (!m.is_square())
        throw std::invalid_argument("upper_triangle: the matrix must be square");
    const arma::uword n = m.n_rows;
    arma::vec out(n * (n - (n > 0 ? 1 : 0)) / 2);
    arma::uword k = 0;
    for (arma::uword i = 0; i < n; ++i)
        for (arma::uword j = i + 1; j < n; ++j)
            out(k++) = m(i, j);
    return out;
}

arma::vec average_ranks(const arma::vec& v) {
    const arma::uvec order = arma::stable_sort_index(v);
    arma::vec ranks(v.n_elem);
    arma::uword i = 0;
    while (i < order.n_elem) {
        arma::uword j = i;
        while (j + 1 < order.n_elem && v(order(j + 1)) == v(order(i)))
            ++j;
        // Positions i..j (0-based) share the ranks i+1..j+1: their average.
        const double r = 0.5 * static_cast<double>(i + j) + 1.0;
        for (arma::uword k = i; k <= j; ++k)
            ranks(order(k)) = r;
        i = j + 1;
    }
    return ranks;
}

double pearson(const arma::vec& a, const arma::vec& b) {
    if (a.n_elem != b.n_elem || a.n_elem < 2)
        return nan;
    if (a.max() == a.min() || b.max() == b.min())  // constant: no correlation, not round-off
        return nan;
    const arma::vec ac = a - arma::mean(a);
    const arma::vec bc = b - arma::mean(b);
    const double denom = arma::norm(ac) * arma::norm(bc);
    if (!(denom > 0.0))
        return nan;
    return std::clamp(arma::dot(ac, bc) / denom, -1.0, 1.0);
}

double spearman(const arma::vec& a, const arma::vec& b) {
    if (a.n_elem != b.n_elem)
        return nan;
    return pearson(average_ranks(a), average_ranks(b));
}

double rdm_spearman(const arma::mat& a, const arma::mat& b) {
    if (arma::size(a) != arma::size(b))
        throw std::invalid_argument("rdm_spearman: the RDMs differ in size");
    return spearman(upper_triangle(a), upper_triangle(b));
}

}  // namespace rnn::stdlib
