#include "stdlib/analyses/pca.hpp"

#include <cmath>
#include <stdexcept>

namespace rnn::stdlib {

arma::mat covariance(const arma::mat& x, int ddof, bool centre) {
    if (ddof < 0)
        throw std::invalid_argument("covariance: ddof must be >= 0");
    const double denom = static_cast<double>(x.n_rows) - static_cast<double>(ddof);
    if (denom <= 0.0)
        throw std::invalid_argument("covariance: needs more samples than ddof");
    arma::mat c = x;
    if (centre)
        c.each_row() -= arma::mean(x, 0);
    arma::mat cov = c.t() * c / denom;
    return arma::symmatu(cov);
}

arma::mat mean_covariance(const std::vector<arma::mat>& blocks, int ddof) {
    if (blocks.empty())
        throw std::invalid_argument("mean_covariance: no blocks");
    arma::mat sum(blocks.front().n_cols, blocks.front().n_cols, arma::fill::zeros);
    for (const arma::mat& b : blocks) {
        if (b.n_cols != sum.n_cols)
            throw std::invalid_argument("mean_covariance: blocks differ in features");
        sum += covariance(b, ddof, true);
    }
    return sum / static_cast<double>(blocks.size());
}

void canonical_signs(arma::mat& vectors) {
    for (arma::uword j = 0; j < vectors.n_cols; ++j) {
        const arma::uword i = arma::abs(vectors.col(j)).eval().index_max();  // first maximum
        if (vectors(i, j) < 0.0)
            vectors.col(j) *= -1.0;
    }
}

Pca pca_of_covariance(const arma::mat& cov) {
    if (!cov.is_square())
        throw std::invalid_argument("pca: the covariance must be square");
    arma::vec values;
    arma::mat vectors;
    if (!arma::eig_sym(values, vectors, arma::symmatu(cov)))
        throw std::runtime_error("pca: the eigen-decomposition failed");
    // eig_sym gives ascending order; reverse to descending.
    Pca p;
    p.eigenvalues = arma::flipud(values);
    p.components = arma::fliplr(vectors);
    p.eigenvalues.transform([](double v) { return v < 0.0 ? 0.0 : v; });
    canonical_signs(p.components);
    const double total = arma::accu(p.eigenvalues);
    p.explained_variance_ratio = total > 0.0 ? arma::vec(p.eigenvalues / total)
                                             : arma::vec(p.eigenvalues.n_elem, arma::fill::zeros);
    return p;
}

Pca pca(const arma::mat& x, const PcaOptions& options) {
    Pca p = pca_of_covariance(covariance(x, options.ddof, options.centre));
    p.mean =
        options.centre ? arma::vec(arma::mean(x, 0).t()) : arma::vec(x.n_cols, arma::fill::zeros);
    return p;
}

arma::mat project(const Pca& p, const arma::mat& x, arma::uword k) {
    if (k > p.components.n_cols)
        throw std::invalid_argument("project: more components asked for than there are");
    if (x.n_cols != p.components.n_rows)
        throw std::invalid_argument("project: the data and the PCA differ in features");
    arma::mat c = x;
    if (p.mean.n_elem == x.n_cols)
        c.each_row() -= p.mean.t();
    return c * p.components.head_cols(k);
}

arma::vec trajectory_speed(const arma::mat& trajectory) {
    if (trajectory.n_rows < 2)
        return {};
    const arma::mat d = arma::diff(trajectory, 1, 0);
    return arma::sqrt(arma::sum(arma::square(d), 1));
}

double participation_ratio(const arma::vec& eigenvalues) {
    const arma::vec pos = eigenvalues.elem(arma::find(eigenvalues > 0.0));
    if (pos.is_empty())
        return 0.0;
    const double s = arma::accu(pos);
    return s * s / arma::accu(arma::square(pos));
}

double coefficient_participation_ratio(const arma::vec& v, const arma::mat& basis) {
    if (basis.n_rows != v.n_elem)
        throw std::invalid_argument("coefficient_participation_ratio: basis and vector differ");
    const arma::vec c = basis.t() * v;
    const double sq = arma::accu(arma::square(c));
    if (sq == 0.0)
        return 0.0;
    const double a = arma::accu(arma::abs(c));
    return a * a / sq;
}

}  // namespace rnn::stdlib
