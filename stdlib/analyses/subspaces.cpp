#include "stdlib/analyses/subspaces.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "stdlib/analyses/pca.hpp"
#include "stdlib/analyses/rdm.hpp"

namespace rnn::stdlib {

arma::mat orthonormal_basis(const arma::mat& a, double rcond) {
    if (a.n_elem == 0)
        return arma::mat(a.n_rows, 0);
    arma::mat u, v;
    arma::vec s;
    if (!arma::svd_econ(u, s, v, a, "left"))
        throw std::runtime_error("orthonormal_basis: the SVD failed");
    if (rcond < 0.0)
        rcond = std::numeric_limits<double>::epsilon();
    const double tol =
        rcond * static_cast<double>(std::max(a.n_rows, a.n_cols)) * (s.is_empty() ? 0.0 : s.max());
    const arma::uword rank = arma::accu(s > tol);
    return u.head_cols(rank);
}

namespace {
arma::vec singular_values(const arma::mat& m) {
    if (m.n_elem == 0)
        return {};
    arma::vec s;
    if (!arma::svd(s, m))
        throw std::runtime_error("principal_angles_deg: the SVD failed");
    return s;  // descending
}
}  // namespace

arma::vec principal_angles_deg(const arma::mat& a, const arma::mat& b) {
    if (a.n_rows != b.n_rows)
        throw std::invalid_argument("principal_angles_deg: the bases differ in dimension");
    const arma::mat qa = orthonormal_basis(a);
    const arma::mat qb = orthonormal_basis(b);
    const arma::uword m = std::min(qa.n_cols, qb.n_cols);
    if (m == 0)
        return {};
    const arma::mat cross = qa.t() * qb;
    const arma::vec cosines = singular_values(cross);  // descending: smallest angle first
    // Sines: the singular values of the part of the smaller space outside the larger one.
    const arma::mat residual =
        qa.n_cols >= qb.n_cols ? arma::mat(qb - qa * cross) : arma::mat(qa - qb * cross.t());
    const arma::vec sines = singular_values(residual);  // descending: largest angle first
    arma::vec angles(m);
    for (arma::uword i = 0; i < m; ++i) {
        const double c = std::clamp(cosines(i), -1.0, 1.0);
        double theta = std::acos(c);
        if (c * c >= 0.5 && m - 1 - i < sines.n_elem)
            theta = std::asin(std::clamp(sines(m - 1 - i), -1.0, 1.0));
        angles(i) = theta * 180.0 / std::numbers::pi;
    }
    return arma::sort(angles);
}

arma::mat class_mean_basis(const arma::mat& x, const arma::uvec& labels,
                           arma::uword max_components) {
    const ConditionMeans cm = condition_means(x, labels);
    if (cm.conditions.n_elem < 2)
        throw std::invalid_argument("class_mean_basis: needs at least 2 classes");
    const arma::uword k =
        std::min({max_components, cm.conditions.n_elem - 1, static_cast<arma::uword>(x.n_cols)});
    return pca(cm.means, {.ddof = 1, .centre = true}).components.head_cols(k);
}

}  // namespace rnn::stdlib
