// The numerical core of the seeds' analyses (stdlib/analyses: pca, subspaces, rdm, decoding,
// fixed_points) on known answers: constructed matrices, hand-computed values, and numpy
// references written in as numbers.
#include <chrono>
#include <cmath>
#include <numbers>

#include <doctest/doctest.h>

#include "runtime/random.hpp"
#include "stdlib/analyses/decoding.hpp"
#include "stdlib/analyses/fixed_points.hpp"
#include "stdlib/analyses/pca.hpp"
#include "stdlib/analyses/rdm.hpp"
#include "stdlib/analyses/subspaces.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {
arma::mat normal_matrix(arma::uword rows, arma::uword cols, std::string_view name) {
    rt::RandomStream r(rt::stream_key(7, name));
    arma::mat m(rows, cols);
    r.fill_normal(m, 0.0, 1.0);
    return m;
}

arma::mat rotation(double degrees) {
    const double a = degrees * std::numbers::pi / 180.0;
    return {{std::cos(a), -std::sin(a)}, {std::sin(a), std::cos(a)}};
}
}  // namespace

// ---------------------------------------------------------------------------------- PCA

TEST_CASE("pca of a constructed matrix gives its exact covariance spectrum, ddof 1 or 0") {
    // Columns centred: var(x) = 2 / (n - ddof), var(y) = 8 / (n - ddof), no covariance.
    const arma::mat x = {{1.0, 0.0}, {-1.0, 0.0}, {0.0, 2.0}, {0.0, -2.0}};
    const s::Pca p1 = s::pca(x);
    REQUIRE(p1.eigenvalues.n_elem == 2);
    CHECK(p1.eigenvalues(0) == doctest::Approx(8.0 / 3.0).epsilon(1e-14));
    CHECK(p1.eigenvalues(1) == doctest::Approx(2.0 / 3.0).epsilon(1e-14));
    CHECK(p1.explained_variance_ratio(0) == doctest::Approx(0.8));
    CHECK(arma::approx_equal(p1.components, arma::mat{{0.0, 1.0}, {1.0, 0.0}}, "absdiff", 1e-14));
    const s::Pca p0 = s::pca(x, {.ddof = 0});
    CHECK(p0.eigenvalues(0) == doctest::Approx(2.0));
    CHECK(p0.eigenvalues(1) == doctest::Approx(0.5));
    // Centring: shifting the data changes nothing but the mean.
    arma::mat shifted = x;
    shifted.each_row() += arma::rowvec{10.0, -3.0};
    const s::Pca ps = s::pca(shifted);
    CHECK(arma::approx_equal(ps.eigenvalues, p1.eigenvalues, "absdiff", 1e-12));
    CHECK(arma::approx_equal(ps.mean, arma::vec{10.0, -3.0}, "absdiff", 1e-12));
    // Not centring: the shifted data's second moment about 0, not its covariance.
    const s::Pca pn = s::pca(shifted, {.ddof = 1, .centre = false});
    CHECK(pn.eigenvalues(0) > 100.0);
    CHECK_THROWS_AS(s::covariance(x, 4), std::invalid_argument);
    CHECK_THROWS_AS(s::covariance(x, -1), std::invalid_argument);
}

TEST_CASE("pca of samples from a known covariance recovers its eigenvalues and vectors") {
    // C = R diag(9, 4, 1, 0.25) R^T with R a rotation mixing all axes (Q from QR).
    const arma::vec lambda = {9.0, 4.0, 1.0, 0.25};
    arma::mat q, r;
    arma::qr(q, r, normal_matrix(4, 4, "rotation"));
    const arma::uword n = 20000;
    const arma::mat z = normal_matrix(n, 4, "samples");
    const arma::mat x = z * arma::diagmat(arma::sqrt(lambda)) * q.t();
    const s::Pca p = s::pca(x);
    for (arma::uword i = 0; i < 4; ++i) {
        // Sampling error of an eigenvalue ~ lambda sqrt(2/n) = 1%; allow 5%.
        CHECK(p.eigenvalues(i) == doctest::Approx(lambda(i)).epsilon(0.05));
        CHECK(std::abs(arma::dot(p.components.col(i), q.col(i))) > 0.99);
    }
    // Orthonormal basis; the projection's covariance is diag(eigenvalues).
    CHECK(arma::approx_equal(p.components.t() * p.components, arma::eye(4, 4), "absdiff", 1e-12));
    const arma::mat proj = s::project(p, x, 2);
    REQUIRE(proj.n_cols == 2);
    const arma::mat pc = s::covariance(proj);
    CHECK(pc(0, 0) == doctest::Approx(p.eigenvalues(0)).epsilon(1e-10));
    CHECK(std::abs(pc(0, 1)) < 1e-9);
    CHECK_THROWS_AS(s::project(p, x, 5), std::invalid_argument);
}

TEST_CASE("pca eigenvectors carry the canonical sign: largest component positive") {
    // The leading direction is (-3, 1)/sqrt(10) up to sign; canonical is (3, -1)/sqrt(10).
    const arma::mat x = {{-3.0, 1.0}, {3.0, -1.0}, {-6.0, 2.0}, {6.0, -2.0}, {0.1, 0.3}};
    const s::Pca p = s::pca(x);
    for (arma::uword j = 0; j < 2; ++j) {
        const arma::vec c = p.components.col(j);
        CHECK(c(arma::abs(c).index_max()) > 0.0);
    }
    CHECK(p.components(0, 0) > 0.9);
    CHECK(p.components(1, 0) < 0.0);
    arma::mat v = {{-1.0, 0.2}, {0.5, -0.9}};
    s::canonical_signs(v);
    CHECK(arma::approx_equal(v, arma::mat{{1.0, -0.2}, {-0.5, 0.9}}, "absdiff", 0.0));
    // An exact tie of magnitudes: the first of them is made positive.
    arma::mat tie(2, 1);
    tie(0, 0) = -1.0;
    tie(1, 0) = 1.0;
    s::canonical_signs(tie);
    CHECK(tie(0, 0) == 1.0);
    CHECK(tie(1, 0) == -1.0);
}

TEST_CASE("participation ratios on known spectra and coefficient vectors") {
    CHECK(s::participation_ratio(arma::vec{2.0, 2.0, 2.0, 2.0, 2.0}) == doctest::Approx(5.0));
    CHECK(s::participation_ratio(arma::vec{3.0, 0.0, 0.0}) == doctest::Approx(1.0));
    // Only positive eigenvalues count (seed 004): a round-off negative is ignored.
    CHECK(s::participation_ratio(arma::vec{1.0, 1.0, -1e-17}) == doctest::Approx(2.0));
    // (1 + 2 + 3)^2 / (1 + 4 + 9) = 36 / 14.
    CHECK(s::participation_ratio(arma::vec{3.0, 2.0, 1.0}) == doctest::Approx(36.0 / 14.0));
    CHECK(s::participation_ratio(arma::vec{0.0, 0.0}) == 0.0);
    const arma::mat e = arma::eye(4, 4);
    CHECK(s::coefficient_participation_ratio(arma::vec{0.0, 2.0, 0.0, 0.0}, e)
          == doctest::Approx(1.0));
    CHECK(s::coefficient_participation_ratio(arma::vec{1.0, -1.0, 1.0, -1.0}, e)
          == doctest::Approx(4.0));  // the signs do not matter: |c|
    // Basis dependence: the same vector along a basis vector of the rotated basis gives 1.
    const arma::vec v = {1.0, -1.0, 1.0, -1.0};
    arma::mat b = arma::eye(4, 4);
    b.col(0) = v / 2.0;
    arma::mat q, r;
    arma::qr(q, r, b);
    CHECK(s::coefficient_participation_ratio(v, q) == doctest::Approx(1.0));
    CHECK(s::coefficient_participation_ratio(arma::vec(4, arma::fill::zeros), e) == 0.0);
    // A vector in a basis unrelated to it: (sum |c|)^2 / sum c^2 ~ N 2 / pi (E|c| / sqrt(E c^2)
    // = sqrt(2 / pi) for Gaussian c), 318.3 for N = 500: what seed 002's published PRs
    // (305-342) measure. Its sd over draws is 7.6 (numpy, 20000 draws); band +-10% = 4 sd.
    // The seed's signed form (sum c)^2 / sum c^2 would be O(1).
    arma::mat rb, rr;
    arma::qr(rb, rr, normal_matrix(500, 500, "basis"));
    const double pr = s::coefficient_participation_ratio(normal_matrix(500, 1, "weight"), rb);
    CHECK(pr == doctest::Approx(500.0 * 2.0 / std::numbers::pi).epsilon(0.1));
}

TEST_CASE("trajectory speed is the norm of successive differences") {
    const arma::mat traj = {{0.0, 0.0}, {3.0, 4.0}, {3.0, 4.0}, {4.0, 4.0}};
    const arma::vec v = s::trajectory_speed(traj);
    CHECK(arma::approx_equal(v, arma::vec{5.0, 0.0, 1.0}, "absdiff", 1e-15));
    CHECK(s::trajectory_speed(arma::mat(1, 3, arma::fill::ones)).is_empty());
    const arma::mat mc = s::mean_covariance({traj, traj + 1.0}, 0);
    CHECK(arma::approx_equal(mc, s::covariance(traj, 0), "absdiff", 1e-12));
}

// ---------------------------------------------------------------------------- subspaces

TEST_CASE("principal angles: identical 0, orthogonal 90, a rotation its angle") {
    const arma::mat e = arma::eye(4, 4);
    const arma::mat a = e.cols(0, 1);
    arma::vec ang = s::principal_angles_deg(a, a * arma::mat{{2.0, 1.0}, {0.0, 3.0}});
    REQUIRE(ang.n_elem == 2);
    CHECK(ang(0) == doctest::Approx(0.0));
    CHECK(ang(1) < 1e-6);  // arcsin branch: accurate at 0
    ang = s::principal_angles_deg(a, e.cols(2, 3));
    CHECK(ang(0) == doctest::Approx(90.0));
    CHECK(ang(1) == doctest::Approx(90.0));
    // span{e0, e1} vs span{e0, cos(t) e1 + sin(t) e2}: angles 0 and t.
    for (const double t : {1e-4, 5.0, 30.0, 44.9, 45.1, 60.0, 89.99}) {
        const double r = t * std::numbers::pi / 180.0;
        arma::mat b(4, 2, arma::fill::zeros);
        b(0, 0) = 1.0;
        b(1, 1) = std::cos(r);
        b(2, 1) = std::sin(r);
        ang = s::principal_angles_deg(a, b);
        CHECK(ang(0) == doctest::Approx(0.0));
        CHECK(ang(1) == doctest::Approx(t).epsilon(1e-9));
    }
    // A plane rotated within (e0, e2) by 20 degrees and (e1, e3) by 70: angles 20 and 70.
    arma::mat b(4, 2, arma::fill::zeros);
    b(0, 0) = std::cos(20.0 * std::numbers::pi / 180.0);
    b(2, 0) = std::sin(20.0 * std::numbers::pi / 180.0);
    b(1, 1) = std::cos(70.0 * std::numbers::pi / 180.0);
    b(3, 1) = std::sin(70.0 * std::numbers::pi / 180.0);
    ang = s::principal_angles_deg(a, b * rotation(33.0));  // any basis of the same plane
    CHECK(ang(0) == doctest::Approx(20.0));
    CHECK(ang(1) == doctest::Approx(70.0));
}

TEST_CASE("principal angles of random 3- and 2-dimensional subspaces match numpy") {
    // numpy: A, B as below; arccos of the singular values of qr(A)[0]^T qr(B)[0].
    const arma::mat a = {{0.1257302210933933, -0.1321048632913019, 0.6404226504432821},
                         {0.10490011715303971, -0.535669373161111, 0.36159505490948474},
                         {1.3040000451301372, 0.9470809631292422, -0.7037352358069926},
                         {-1.2654214710460525, -0.6232744625373522, 0.0413259793472436},
                         {-2.3250307746388343, -0.21879166393254573, -1.2459109472530652},
                         {-0.7322673547034516, -0.5442589828573099, -0.31630015636915454}};
    const arma::mat b = {
        {0.4116305363741328, 1.0425133694426776},   {-0.12853466294403426, 1.3664634705496859},
        {-0.6651946734866135, 0.3515100700930197},  {0.9034701816518086, 0.09401229776087457},
        {-0.7434992493538084, -0.9217253762584194}, {-0.45772582566733916, 0.2201951234700494}};
    for (const auto& ang : {s::principal_angles_deg(a, b), s::principal_angles_deg(b, a)}) {
        REQUIRE(ang.n_elem == 2);
        CHECK(ang(0) == doctest::Approx(27.8771811).epsilon(1e-8));
        CHECK(ang(1) == doctest::Approx(45.01139813).epsilon(1e-8));
    }
    // A rank-deficient basis: a repeated column adds no dimension.
    const arma::mat a2 = arma::join_rows(a, a.col(0));
    CHECK(s::orthonormal_basis(a2).n_cols == 3);
    CHECK(s::principal_angles_deg(a2, b).n_elem == 2);
    CHECK(s::principal_angles_deg(arma::mat(6, 2, arma::fill::zeros), b).is_empty());
    CHECK_THROWS_AS(s::principal_angles_deg(a, b.rows(0, 4)), std::invalid_argument);
}

TEST_CASE("class-mean basis spans the centred class means (seed 004's delay subspace)") {
    // Three classes in 5-D with means m0 = 0, m1 = 2 e0, m2 = 2 e1, plus small noise: the
    // centred means span {e0, e1} (2 = classes - 1 components).
    arma::mat x = 0.01 * normal_matrix(60, 5, "class_noise");
    arma::uvec labels(60);
    for (arma::uword i = 0; i < 60; ++i) {
        labels(i) = i % 3;
        if (labels(i) > 0)
            x(i, labels(i) - 1) += 2.0;
    }
    const arma::mat basis = s::class_mean_basis(x, labels);
    REQUIRE(basis.n_cols == 2);
    const arma::mat e = arma::eye(5, 5);
    const arma::vec ang = s::principal_angles_deg(basis, e.cols(0, 1));
    CHECK(ang.max() < 1.0);
    CHECK(s::class_mean_basis(x, labels, 1).n_cols == 1);
    CHECK_THROWS_AS(s::class_mean_basis(x, arma::uvec(60, arma::fill::zeros)),
                    std::invalid_argument);
}

// ---------------------------------------------------------------------------------- RDM

TEST_CASE("rdms of three conditions by hand") {
    // Condition means: a = (1, 0, 2), b = (0, 1, 0), c = (3, 1, 2), from two samples each.
    const arma::mat x = {{1.0, 0.0, 1.0}, {0.0, 1.0, 0.0}, {1.0, 0.0, 3.0},
                         {2.0, 1.0, 2.0}, {0.0, 1.0, 0.0}, {4.0, 1.0, 2.0}};
    const arma::uvec cond = {7, 2, 7, 9, 2, 9};
    const s::ConditionMeans cm = s::condition_means(x, cond);
    CHECK(arma::all(cm.conditions == arma::uvec{2, 7, 9}));
    CHECK(arma::all(cm.counts == arma::uvec{2, 2, 2}));
    const arma::mat means = {{1.0, 0.0, 2.0}, {0.0, 1.0, 0.0}, {3.0, 1.0, 2.0}};
    CHECK(arma::approx_equal(cm.means.row(1), means.row(0), "absdiff", 1e-15));
    CHECK(arma::approx_equal(cm.means.row(0), means.row(1), "absdiff", 1e-15));
    const arma::mat eu = s::rdm(means);
    CHECK(eu(0, 1) == doctest::Approx(std::sqrt(6.0)));
    CHECK(eu(0, 2) == doctest::Approx(std::sqrt(5.0)));
    CHECK(eu(1, 2) == doctest::Approx(std::sqrt(13.0)));
    CHECK(eu(2, 1) == eu(1, 2));
    CHECK(arma::all(eu.diag() == 0.0));
    // Centred a = (0, -1, 1), b = (-1, 2, -1)/3, c = (1, -1, 0): r(a, b) = -sqrt(3)/2,
    // r(a, c) = 1/2, r(b, c) = -sqrt(3)/2.
    const arma::mat co = s::rdm(means, s::RdmMetric::Correlation);
    CHECK(co(0, 1) == doctest::Approx(1.0 + std::sqrt(3.0) / 2.0));
    CHECK(co(0, 2) == doctest::Approx(0.5));
    CHECK(co(1, 2) == doctest::Approx(1.0 + std::sqrt(3.0) / 2.0));
    // a.b = 0, a.c = 7, b.c = 1; |a| = sqrt 5, |b| = 1, |c| = sqrt 14.
    const arma::mat cs = s::rdm(means, s::RdmMetric::Cosine);
    CHECK(cs(0, 1) == doctest::Approx(1.0));
    CHECK(cs(0, 2) == doctest::Approx(1.0 - 7.0 / std::sqrt(70.0)));
    CHECK(cs(1, 2) == doctest::Approx(1.0 - 1.0 / std::sqrt(14.0)));
    CHECK(arma::all(s::upper_triangle(eu) == arma::vec{eu(0, 1), eu(0, 2), eu(1, 2)}));
    // A constant condition has no correlation distance.
    CHECK(std::isnan(s::rdm(arma::mat{{1.0, 1.0}, {1.0, 2.0}}, s::RdmMetric::Correlation)(0, 1)));
}

TEST_CASE("spearman with ties uses average ranks") {
    const arma::vec a = {1, 2, 2, 3, 5, 5, 5, 0};
    const arma::vec b = {2, 1, 4, 3, 3, 6, 5, 1};
    CHECK(arma::all(s::average_ranks(a) == arma::vec{2, 3.5, 3.5, 5, 7, 7, 7, 1}));
    CHECK(arma::all(s::average_ranks(b) == arma::vec{3, 1.5, 6, 4.5, 4.5, 8, 7, 1.5}));
    // numpy: corrcoef of the average ranks (= scipy.stats.spearmanr).
    CHECK(s::spearman(a, b) == doctest::Approx(0.7641078192857805).epsilon(1e-12));
    CHECK(s::spearman(a, a * 3.0 + 1.0) == doctest::Approx(1.0));
    CHECK(s::spearman(a, -arma::exp(a)) == doctest::Approx(-1.0));
    CHECK(std::isnan(s::spearman(a, arma::vec(8, arma::fill::value(0.1)))));  // constant model
    // Upper triangles of two RDMs: monotone transform of distances -> 1.
    const arma::mat d = s::rdm(normal_matrix(6, 3, "rdm"));
    CHECK(s::rdm_spearman(d, arma::square(d)) == doctest::Approx(1.0));
}

// ----------------------------------------------------------------------------- decoding

namespace {
// Trials x units x steps states whose class (trial % classes) is encoded at steps
// [from, to) as a class-specific mean of size `gain`, plus unit noise everywhere.
arma::cube encoded_states(arma::uword trials, arma::uword units, arma::uword steps,
                          arma::uword classes, arma::uword from, arma::uword to, double gain,
                          arma::uvec& labels) {
    arma::cube c(trials, units, steps);
    rt::RandomStream r(rt::stream_key(7, "states"));
    for (auto& v : c)
        v = r.normal();
    const arma::mat centres = gain * normal_matrix(classes, units, "centres");
    labels.set_size(trials);
    for (arma::uword i = 0; i < trials; ++i) {
        labels(i) = i % classes;
        for (arma::uword t = from; t < to; ++t)
            c.slice(t).row(i) += centres.row(labels(i));
    }
    return c;
}
}  // namespace

TEST_CASE("stratified folds follow sklearn's StratifiedKFold and shuffle deterministically") {
    // sklearn's StratifiedKFold(3)._make_test_folds (re-run in numpy) on these labels:
    // classes coded 5 -> 0, 1 -> 1, 3 -> 2 by first appearance; allocation per fold
    // [2 1 1], [1 1 2], [1 1 2]; test folds [0 0 1 2 0 1 2 0 1 1 2 2].
    const arma::uvec y = {5, 5, 5, 5, 1, 1, 1, 3, 3, 3, 3, 3};
    const arma::uvec f = s::stratified_folds(y, 3);
    CHECK(arma::all(f == arma::uvec{0, 0, 1, 2, 0, 1, 2, 0, 1, 1, 2, 2}));
    const arma::uvec g1 = s::stratified_folds(y, 3, 42);
    const arma::uvec g2 = s::stratified_folds(y, 3, 42);
    CHECK(arma::all(g1 == g2));
    // The shuffle keeps each class's fold counts.
    for (const arma::uword c : {1, 3, 5})
        for (arma::uword k = 0; k < 3; ++k)
            CHECK(arma::accu(f.elem(arma::find(y == c)) == k)
                  == arma::accu(g1.elem(arma::find(y == c)) == k));
    CHECK_THROWS_AS(s::stratified_folds(y, 1), std::invalid_argument);
    CHECK_THROWS_AS(s::stratified_folds(arma::uvec{0, 1, 2, 3}, 3), std::invalid_argument);
}

TEST_CASE("logistic regression decodes separable data perfectly and random labels at chance") {
    arma::uvec y;
    const arma::cube st = encoded_states(120, 10, 1, 3, 0, 1, 6.0, y);
    const s::LogisticModel m = s::fit_logistic(st.slice(0), y);
    CHECK(m.converged);
    CHECK(m.classes.n_elem == 3);
    CHECK(s::accuracy(m, st.slice(0), y) == 1.0);
    const arma::mat prob = s::predict_probabilities(m, st.slice(0));
    CHECK(
        arma::approx_equal(arma::sum(prob, 1), arma::vec(120, arma::fill::ones), "absdiff", 1e-12));
    const s::CvAccuracy cv = s::cross_validated_accuracy(st.slice(0), y, s::stratified_folds(y, 5));
    CHECK(cv.fold_accuracy.n_elem == 5);
    CHECK(cv.mean == 1.0);
    CHECK(cv.std == 0.0);
    // Random labels on pure noise, 8 classes: chance 1/8. Binomial sd over 200 predictions
    // ~ 0.023; the band [0.03, 0.23] is about 4 sd either side.
    const arma::mat noise = normal_matrix(200, 20, "noise");
    rt::RandomStream r(rt::stream_key(7, "labels"));
    arma::uvec random_y(200);
    for (auto& v : random_y)
        v = static_cast<arma::uword>(r.uniform_int(0, 7));
    const s::CvAccuracy chance =
        s::cross_validated_accuracy(noise, random_y, s::stratified_folds(random_y, 5, 3));
    MESSAGE("random-label accuracy ", chance.mean);
    CHECK(chance.mean > 0.03);
    CHECK(chance.mean < 0.23);
}

TEST_CASE("logistic regression: the fit is stationary and C sets the penalty") {
    arma::uvec y;
    const arma::cube st = encoded_states(60, 4, 1, 3, 0, 1, 0.7, y);
    const arma::mat x = st.slice(0);
    for (const double c : {0.01, 1.0, 100.0}) {
        const s::LogisticModel m = s::fit_logistic(x, y, {.c = c, .gradient_tolerance = 1e-10});
        CHECK(m.converged);
        // Stationarity by hand: sum_i (P - Y)^T x_i + W / C = 0 and sum_i (P - Y) = 0.
        arma::mat resid = s::predict_probabilities(m, x);
        for (arma::uword i = 0; i < y.n_elem; ++i)
            resid(i, y(i)) -= 1.0;
        CHECK(arma::abs(resid.t() * x + m.weights / c).max() < 1e-7);
        CHECK(arma::abs(arma::sum(resid, 0)).max() < 1e-7);
    }
    // A stronger penalty gives smaller weights.
    CHECK(arma::norm(s::fit_logistic(x, y, {.c = 0.01}).weights)
          < arma::norm(s::fit_logistic(x, y, {.c = 100.0}).weights));
    CHECK_THROWS_AS(s::fit_logistic(x, y, {.c = 0.0}), std::invalid_argument);
}

TEST_CASE("logistic regression matches an independent PyTorch fit") {
    // torch (float64, LBFGS with strong Wolfe to |grad| < 1e-8) minimising
    // 0.5 * sum_i CE_i + ||W||^2 / 2 (C = 0.5) with free intercepts, on these 12 points.
    const arma::mat x = {{0, 1},  {1, 0.5},  {2, -1}, {-1, 2},      {0.5, 0.5}, {1.5, 1},
                         {-2, 0}, {0, -1.5}, {1, 2},  {-0.5, -0.5}, {2, 2},     {-1, -1}};
    const arma::uvec y = {0, 1, 2, 0, 1, 1, 0, 2, 0, 2, 1, 2};
    const s::LogisticModel m = s::fit_logistic(x, y, {.c = 0.5, .gradient_tolerance = 1e-10});
    CHECK(m.converged);
    const arma::mat w = {{-0.567795597638271, 0.680802017125506},
                         {0.529121730221017, 0.249812467539846},
                         {0.038673867417253, -0.930614484665352}};
    CHECK(arma::abs(m.weights - w).max() < 1e-6);
    const arma::mat p = s::predict_probabilities(m, x.rows(0, 2));
    const arma::mat p_ref = {{0.534421304814935, 0.316885778937186, 0.148692916247879},
                             {0.230149788791716, 0.506994095279118, 0.262856115929165},
                             {0.026968042763018, 0.339618599040371, 0.63341335819661}};
    CHECK(arma::abs(p - p_ref).max() < 1e-6);
    CHECK(s::accuracy(m, x, y) == doctest::Approx(11.0 / 12.0));
}

TEST_CASE("decoding over time and the cross-temporal matrix") {
    // The class is encoded at steps 2..4 of 7 only.
    arma::uvec y;
    const arma::cube st = encoded_states(80, 12, 7, 4, 2, 5, 4.0, y);
    const arma::uvec folds = s::stratified_folds(y, 4, 11);
    const arma::vec over_time = s::decoding_over_time(st, y, folds);
    const arma::mat cross = s::cross_temporal_decoding(st, y, folds);
    REQUIRE(over_time.n_elem == 7);
    REQUIRE(cross.n_rows == 7);
    REQUIRE(cross.n_cols == 7);
    CHECK(arma::approx_equal(cross.diag(), over_time, "absdiff", 1e-12));
    for (arma::uword t = 2; t < 5; ++t)
        CHECK(over_time(t) == 1.0);
    for (const arma::uword t : {0, 1, 5, 6})
        CHECK(over_time(t) < 0.6);  // chance 0.25
    // The same code at steps 2..4: training at 2 decodes 4 perfectly, not step 0.
    CHECK(cross(2, 4) == 1.0);
    CHECK(cross(2, 0) < 0.6);
    CHECK(arma::approx_equal(s::decoding_over_time(st, y, folds), over_time, "absdiff", 0.0));
}

TEST_CASE("performance: PCA and decoding on 200 trials x 55 steps x 128 units") {
    // Not an assertion: the number goes into docs/analyses.md.
    arma::uvec y;
    const arma::cube st = encoded_states(200, 128, 55, 8, 10, 40, 0.5, y);
    const auto start = std::chrono::steady_clock::now();
    arma::mat all(200 * 55, 128);
    for (arma::uword t = 0; t < 55; ++t)
        all.rows(t * 200, t * 200 + 199) = st.slice(t);
    const s::Pca p = s::pca(all);
    const arma::mat proj = s::project(p, all, 3);
    const auto pca_done = std::chrono::steady_clock::now();
    const arma::uvec folds = s::stratified_folds(y, 5);
    const arma::vec over_time = s::decoding_over_time(st, y, folds);
    const auto decode_done = std::chrono::steady_clock::now();
    const arma::mat cross = s::cross_temporal_decoding(st, y, folds);
    const auto cross_done = std::chrono::steady_clock::now();
    const auto secs = [](auto a, auto b) {
        return std::chrono::duration<double>(b - a).count();
    };
    MESSAGE("pca+projection ", secs(start, pca_done), " s, decoding over time (5-fold) ",
            secs(pca_done, decode_done), " s, cross-temporal ", secs(decode_done, cross_done),
            " s; accuracy at step 20 ", over_time(20), ", at step 0 ", over_time(0));
    CHECK(proj.n_cols == 3);
    CHECK(cross.n_rows == 55);
    for (const arma::uword t : {0, 20}) {
        const s::LogisticModel m = s::fit_logistic(st.slice(t), y);
        MESSAGE("step ", t, ": ", m.iterations, " L-BFGS iterations");
        CHECK(m.converged);
    }
}

// ------------------------------------------------------------------------- fixed points

TEST_CASE("fixed points of a linear map: only 0, stability from eig(A)") {
    const arma::mat stable_a = {{0.5, 0.2, 0.0}, {-0.1, 0.3, 0.1}, {0.0, 0.2, -0.4}};
    const arma::mat unstable_a = {{1.5, 0.0, 0.0}, {0.0, 0.3, 0.0}, {0.0, 0.0, -0.2}};
    const arma::mat starts = 3.0 * normal_matrix(3, 6, "starts");
    for (const arma::mat& a : {stable_a, unstable_a}) {
        const auto fps = s::find_fixed_points([&](const arma::vec& h) { return arma::vec(a * h); },
                                              [&](const arma::vec&) { return a; }, starts);
        REQUIRE(fps.size() == 1);
        CHECK(arma::norm(fps[0].state) < 1e-8);
        const double rho = arma::abs(arma::eig_gen(a)).max();
        CHECK(fps[0].spectral_radius == doctest::Approx(rho));
        CHECK(fps[0].stable == (rho < 1.0));
        CHECK(fps[0].eigenvalues.n_elem == 3);
    }
}

TEST_CASE("fixed points of a small tanh network h' = tanh(W h)") {
    // W = 2 I in 2-D: each coordinate is 0 or +-x*, x* = tanh(2 x*) = 0.957504024...
    // (Newton on x - tanh(2x)); 9 fixed points. dF/dh = diag(2 (1 - h_i^2)): 2 at 0
    // (unstable), 2 (1 - x*^2) = 0.16637 at +-x* (stable): only the 4 corners are stable.
    const double xs = 0.9575040240772688;
    const arma::mat w = 2.0 * arma::eye(2, 2);
    const auto step = [&](const arma::vec& h) {
        return arma::vec(arma::tanh(w * h));
    };
    const auto jac = [&](const arma::vec& h) {
        const arma::vec f = arma::tanh(w * h);
        return arma::mat(arma::diagmat(1.0 - arma::square(f)) * w);
    };
    arma::mat starts(2, 25);
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j) {
            starts(0, static_cast<arma::uword>(5 * i + j)) = -1.2 + 0.6 * i;
            starts(1, static_cast<arma::uword>(5 * i + j)) = -1.2 + 0.6 * j;
        }
    const auto fps = s::find_fixed_points(step, jac, starts);
    CHECK(fps.size() == 9);
    int stable = 0;
    for (const auto& p : fps) {
        CHECK(p.q < 1e-12);
        for (arma::uword i = 0; i < 2; ++i) {
            const double a = std::abs(p.state(i));
            CHECK((a < 1e-8 || std::abs(a - xs) < 1e-8));
        }
        const bool corner = std::abs(p.state(0)) > 0.5 && std::abs(p.state(1)) > 0.5;
        CHECK(p.stable == corner);
        if (corner)
            CHECK(p.spectral_radius == doctest::Approx(2.0 * (1.0 - xs * xs)).epsilon(1e-8));
        stable += p.stable ? 1 : 0;
    }
    CHECK(stable == 4);
    // A coupled network, W = [[0, 3], [3, 0]]: h1 = tanh(3 tanh(3 h1)), whose right side is
    // odd, increasing and concave for h1 > 0, so 3 fixed points: 0 and +-(x, x), x = tanh(3x).
    const arma::mat w2 = {{0.0, 3.0}, {3.0, 0.0}};
    const auto fps2 = s::find_fixed_points(
        [&](const arma::vec& h) { return arma::vec(arma::tanh(w2 * h)); },
        [&](const arma::vec& h) {
            return arma::mat(arma::diagmat(1.0 - arma::square(arma::tanh(w2 * h))) * w2);
        },
        starts);
    CHECK(fps2.size() == 3);
}

TEST_CASE("a slow point is kept only under a raised q tolerance") {
    // F(h) = h + a (h^2 + e): no fixed point; q = (a (h^2 + e))^2 / 2 is least at h = 0,
    // q = (a e)^2 / 2 = 5e-7 for a = 0.1, e = 0.01.
    const auto step = [](const arma::vec& h) {
        return arma::vec(h + 0.1 * (h % h + 0.01));
    };
    const auto jac = [](const arma::vec& h) {
        return arma::mat(1.0 + 0.2 * arma::diagmat(h));
    };
    const arma::mat starts = {{-0.5, 0.3, 0.9}};
    CHECK(s::find_fixed_points(step, jac, starts).empty());
    const auto slow = s::find_fixed_points(step, jac, starts, {.q_tolerance = 1e-6});
    REQUIRE(slow.size() == 1);
    CHECK(std::abs(slow[0].state(0)) < 1e-4);
    CHECK(slow[0].q == doctest::Approx(5e-7).epsilon(1e-6));
    CHECK(slow[0].spectral_radius == doctest::Approx(1.0).epsilon(1e-3));
}
