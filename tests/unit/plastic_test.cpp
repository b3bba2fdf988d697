// The plastic network of seed 001 and its learner (plastic.hpp): the tensors, a dfa step
// against numbers computed by hand (in PyTorch, float64, as the seed writes the step), the
// wipe, forgetting and the unified update against their formulas, the backprop and bptt
// gradients against finite differences, the clamp, the seed's normalisation of P, and a
// learner that does not learn.
#include "runtime/plastic.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/network.hpp"
#include "runtime/random.hpp"

namespace rt = rnn::rt;

namespace {

rt::NetworkShape plastic_shape(arma::uword inputs, arma::uword units, arma::uword outputs,
                               arma::uword layers, double fraction) {
    rt::NetworkShape s;
    s.kind = rt::CellKind::Plastic;
    s.inputs = inputs;
    s.units = units;
    s.outputs = outputs;
    s.layers = layers;
    s.plastic_fraction = fraction;
    return s;
}

// A plastic network whose stored C are random (they start at 0 otherwise) and whose h0 is
// random too, so that every path of a step carries signal.
template <typename T>
rt::Network<T> random_net(arma::uword inputs, arma::uword units, arma::uword outputs,
                          arma::uword layers, double fraction, std::uint64_t seed) {
    auto net = rt::default_network<T>(
        plastic_shape(inputs, units, outputs, layers, fraction),
        [&](const std::string& name) { return rt::RandomStream(rt::stream_key(seed, name)); });
    for (auto& p : net.params) {
        if (p.name.rfind("C.", 0) == 0 || p.name == "h0") {
            rt::RandomStream r(rt::stream_key(seed, "test " + p.name));
            r.fill_normal(p.raw, 0.0, 0.5);
        }
    }
    return net;
}

template <typename T>
arma::Mat<T> random_mat(arma::uword rows, arma::uword cols, std::uint64_t seed) {
    rt::RandomStream r(rt::stream_key(seed, "plastic_test inputs"));
    arma::Mat<T> m(rows, cols);
    r.fill_normal(m, 0.0, 1.0);
    return m;
}

// Class targets t mod outputs for trial b, all with weight 1 except the last trial's when
// `skip_last`.
template <typename T> struct Targets {
    arma::Mat<T> values, weights;
    rt::StepTarget<T> target;

    Targets(arma::uword batch, arma::uword outputs, arma::uword t, bool skip_last = false)
        : values(1, batch), weights(1, batch, arma::fill::ones) {
        for (arma::uword b = 0; b < batch; ++b)
            values(b) = static_cast<T>((t + 2 * b) % outputs);
        if (skip_last && batch > 1)
            weights(batch - 1) = T(0);
        target.values = &values;
        target.weights = &weights;
    }
};

std::map<std::string, arma::mat> snapshot(const rt::Network<double>& net) {
    std::map<std::string, arma::mat> out;
    for (const auto& p : net.params)
        out[p.name] = p.raw;
    return out;
}

}  // namespace

TEST_CASE("plastic: tensors, names and the forward that refuses") {
    const auto s = plastic_shape(9, 128, 9, 3, 0.1);
    const auto layout = rt::tensor_layout(s);
    // 3 layers + 3 heads, 4 tensors each, and h0.
    REQUIRE(layout.size() == 6 * 4 + 1);
    CHECK(layout[0].name == "C.1");
    CHECK(layout[0].rows == 137);
    CHECK(layout[0].cols == 137);
    CHECK(layout[2].name == "mask.1");
    CHECK(layout[2].fixed);
    CHECK(layout[3].name == "feedback.1");
    CHECK(layout[3].rows == 9);
    CHECK(layout[3].cols == 137);
    CHECK(layout[12].name == "C.i2h");
    CHECK(layout[12].rows == 128);
    CHECK(layout[13].name == "bias.i2h");
    // nn.Linear's bias bound is 1/sqrt(in_features), here S = 137.
    CHECK(layout[13].init.b == doctest::Approx(1.0 / std::sqrt(137.0)));
    CHECK(layout[16].name == "C.i2o");
    CHECK(layout[20].name == "C.self_grad");
    CHECK(layout.back().name == "h0");
    CHECK(rt::cell_kind_from_name("plastic") == rt::CellKind::Plastic);
    CHECK(rt::cell_kind_name(rt::CellKind::Plastic) == "plastic");

    auto net = random_net<double>(2, 3, 2, 1, 0.3, 1);
    const auto& mask = net.at("mask.1").raw;
    CHECK(arma::all(arma::vectorise((mask == 0.0) + (mask == 1.0)) == 1));
    // Bernoulli(0.3) over a large mask.
    arma::mat big(200, 200);
    rt::RandomStream r(rt::stream_key(5, "bernoulli"));
    rt::initialize(big, rt::Initializer{rt::InitKind::Bernoulli, 0.3, 0.0}, r);
    CHECK(arma::accu(big) / 40000.0 == doctest::Approx(0.3).epsilon(0.05));

    rt::Tape<double> tape;
    CHECK_THROWS_AS(rt::forward(tape, net, arma::mat(2, 4, arma::fill::zeros), 2),
                    std::invalid_argument);
}

TEST_CASE("plastic dfa: one step of a 3-unit network against numbers computed by hand") {
    // inputs 1, units 2 (S = 3), outputs 2, one layer; batch 1. Expected values: the seed's
    // step in PyTorch float64 (wipe, GELU layer, logits, e = softmax - onehot, delta = e B,
    // forget before the update, U = -G P, bias -= lr delta).
    auto net = random_net<double>(1, 2, 2, 1, 0.0, 2);
    net.plastic.plastic_rate = 10.0;
    net.plastic.forget_rate = 0.1;
    auto set = [&](const char* name, arma::mat v) {
        REQUIRE(net.at(name).raw.n_rows == v.n_rows);
        REQUIRE(net.at(name).raw.n_cols == v.n_cols);
        net.find(name)->raw = v;
    };
    set("C.1", {{0.2, -0.1, 0.3}, {0.05, 0.4, -0.2}, {-0.3, 0.1, 0.25}});
    set("mask.1", arma::eye(3, 3));
    set("bias.1", arma::vec{0.1, -0.05, 0.02});
    set("feedback.1", {{0.3, -0.5, 0.2}, {0.1, 0.4, -0.6}});
    set("C.i2o", {{0.5, -0.4, 0.3}, {-0.2, 0.6, 0.1}});
    set("mask.i2o", {{0, 1, 0}, {0, 0, 0}});
    set("bias.i2o", arma::vec{0.01, -0.02});
    set("C.i2h", arma::mat(2, 3, arma::fill::zeros));
    set("bias.i2h", arma::vec{0.1, -0.1});
    set("h0", arma::vec{0.5, -0.25});

    rt::PlasticLearner<double> learner(net, rt::UpdateRule::Dfa, 0.05);
    learner.begin(1);
    const arma::mat x(1, 1, arma::fill::ones);
    arma::mat values(1, 1, arma::fill::zeros), weights(1, 1, arma::fill::ones);
    rt::StepTarget<double> target;
    target.values = &values;
    target.weights = &weights;
    arma::mat state(2, 1), outputs(2, 1);
    learner.step(x, target, true, state, outputs);

    CHECK(outputs(0) == doctest::Approx(-0.024349509577761115).epsilon(1e-12));
    CHECK(outputs(1) == doctest::Approx(-0.011359753767558881).epsilon(1e-12));
    CHECK(state(0) == doctest::Approx(0.099667994624955819).epsilon(1e-12));
    CHECK(state(1) == doctest::Approx(-0.099667994624955819).epsilon(1e-12));
    const arma::mat c1_expected = {
        {0.050324739329060675, -0.097483763033546972, 0.2987418815167735},
        {0.027353867301922699, -0.11323066349038653, -0.19433846682548067},
        {-0.27987010426837572, 0.11006494786581214, -0.050324739329060675}};
    const arma::vec b1_expected{0.10503247393290607, -0.072646132698077306, 0.040129895731624274};
    const arma::mat co_expected = {
        {0.49969174368392621, 0.00065414462177197966, 0.29763271033415306},
        {-0.19969174368392625, 0.59934585537822804, 0.10236728966584691}};
    const arma::vec bo_expected{0.035162369664530339, -0.045162369664530341};
    const arma::uword l1 = learner.layer_index("1"), lo = learner.layer_index("i2o");
    CHECK(arma::abs(learner.fast_weights(l1).slice(0) - c1_expected).max() < 1e-14);
    CHECK(arma::abs(learner.bias(l1) - b1_expected).max() < 1e-14);
    CHECK(arma::abs(learner.fast_weights(lo).slice(0) - co_expected).max() < 1e-14);
    CHECK(arma::abs(learner.bias(lo) - bo_expected).max() < 1e-14);
    // dfa never touches i2h (docs/provenance.md §2.2, §2.10 item 1).
    CHECK(arma::abs(learner.fast_weights(learner.layer_index("i2h")).slice(0)).max() == 0.0);
    learner.end(true);
    // What is stored is the slow part: the plastic entries are wiped.
    const arma::mat slow_expected = c1_expected % (1.0 - net.at("mask.1").raw);
    CHECK(arma::abs(net.at("C.1").raw - slow_expected).max() < 1e-14);
    CHECK(arma::abs(net.at("bias.i2o").raw - bo_expected).max() < 1e-14);
}

TEST_CASE("plastic: the wipe, the batch mean and the stored weights") {
    auto net = random_net<double>(2, 3, 3, 2, 0.4, 3);
    net.plastic.plastic_rate = 5.0;
    rt::PlasticLearner<double> learner(net, rt::UpdateRule::Dfa, 0.1);
    const arma::uword batch = 3;
    learner.begin(batch);
    for (arma::uword k = 0; k < learner.layer_count(); ++k) {
        const arma::mat& mask = net.params[4 * k + 2].raw;  // C, bias, mask, feedback
        const arma::mat stored = net.params[4 * k].raw;     // C.NAME comes first
        REQUIRE(arma::accu(mask) > 0);
        for (arma::uword b = 0; b < batch; ++b) {
            const arma::mat& c = learner.fast_weights(k).slice(b);
            CHECK(arma::abs(c % mask).max() == 0.0);                     // plastic entries 0
            CHECK(arma::abs((c - stored) % (1.0 - mask)).max() == 0.0);  // the rest stored
        }
    }
    arma::mat state(3, batch), outputs(3, batch);
    for (arma::uword t = 0; t < 3; ++t) {
        Targets<double> tg(batch, 3, t);
        learner.step(random_mat<double>(2, batch, 10 + t), tg.target, true, state, outputs);
    }
    std::vector<arma::mat> means;
    for (arma::uword k = 0; k < learner.layer_count(); ++k) {
        const arma::cube& c = learner.fast_weights(k);
        if (k != 2)  // the trials have diverged, except in i2h, which dfa leaves alone
            CHECK(arma::abs(c.slice(0) - c.slice(1)).max() > 0.0);
        means.push_back(arma::mean(c, 2));
    }
    learner.end(true);
    // The stored weights are the batch mean with the plastic entries wiped.
    for (arma::uword k = 0; k < learner.layer_count(); ++k)
        CHECK(arma::abs(net.params[4 * k].raw - means[k] % (1.0 - net.params[4 * k + 2].raw)).max()
              < 1e-15);
    // The next sequence starts from the mean, plastic entries wiped.
    learner.begin(2);
    for (arma::uword k = 0; k < learner.layer_count(); ++k) {
        const arma::mat& mask = net.params[4 * k + 2].raw;
        for (arma::uword b = 0; b < 2; ++b)
            CHECK(arma::abs(learner.fast_weights(k).slice(b) - means[k] % (1.0 - mask)).max()
                  < 1e-15);
    }
}

TEST_CASE("plastic: the unified update and the forget step follow their formulas") {
    for (const auto rule : {rt::UpdateRule::Dfa, rt::UpdateRule::Backprop}) {
        for (const auto order :
             {rt::PlasticOptions::ForgetOrder::Before, rt::PlasticOptions::ForgetOrder::After}) {
            for (const auto times : {rt::PlasticOptions::BackpropPlasticity::Twice,
                                     rt::PlasticOptions::BackpropPlasticity::Once}) {
                CAPTURE(static_cast<int>(rule));
                CAPTURE(static_cast<int>(order));
                CAPTURE(static_cast<int>(times));
                auto net = random_net<double>(2, 3, 3, 2, 0.3, 4);
                net.plastic.plastic_rate = 7.0;
                net.plastic.forget_rate = 0.2;
                net.plastic.forget_order = order;
                net.plastic.backprop_plasticity = times;
                net.plastic.residual = true;
                const double lr = 0.03;
                rt::PlasticLearner<double> learner(net, rule, lr);
                const arma::uword batch = 2;
                learner.begin(batch);
                arma::mat state(3, batch), outputs(3, batch);
                Targets<double> t0(batch, 3, 0);
                learner.step(random_mat<double>(2, batch, 20), t0.target, true, state, outputs);
                std::vector<arma::cube> before;
                std::vector<arma::vec> bias_before;
                for (arma::uword k = 0; k < learner.layer_count(); ++k) {
                    before.push_back(learner.fast_weights(k));
                    bias_before.push_back(learner.bias(k));
                }
                Targets<double> t1(batch, 3, 1, true);
                const arma::mat x = random_mat<double>(2, batch, 21);
                learner.step(x, t1.target, true, state, outputs);
                arma::mat e(3, batch);
                rt::step_output_error(outputs, t1.target, e);
                for (arma::uword k = 0; k < learner.layer_count(); ++k) {
                    const bool last = k >= 3, i2h = k == 2;
                    const arma::mat mask = net.params[4 * k + 2].raw;
                    const arma::mat keep = 1.0 - 0.2 * mask;
                    const arma::cube G = learner.gradient(k);
                    const bool updated = rule == rt::UpdateRule::Dfa ? !i2h : (k < 2 || k == 3);
                    if (rule == rt::UpdateRule::Dfa && !i2h) {
                        // delta = e B (e for the heads), G_b = delta_b x input_b.
                        const arma::mat delta =
                            last ? e : arma::mat(net.params[4 * k + 3].raw.t() * e);
                        CHECK(arma::abs(learner.bias_gradient(k) - arma::mean(delta, 1)).max()
                              < 1e-14);
                        if (k == 0) {  // the first layer's input is [x; h_1]
                            for (arma::uword b = 0; b < batch; ++b) {
                                const arma::mat gb = G.slice(b);
                                CHECK(arma::abs(gb.cols(0, 1) - delta.col(b) * x.col(b).t()).max()
                                      < 1e-14);
                            }
                        }
                    }
                    arma::mat mult(mask.n_rows, mask.n_cols, arma::fill::ones);
                    if (!last) {
                        const arma::mat p = 1.0 + 6.0 * mask;  // P: 7 on the mask
                        if (rule == rt::UpdateRule::Dfa)
                            mult = p;
                        else
                            mult = times == rt::PlasticOptions::BackpropPlasticity::Twice
                                       ? arma::mat(p % p)
                                       : p;
                    }
                    for (arma::uword b = 0; b < batch; ++b) {
                        const arma::mat u = -G.slice(b) % mult;
                        arma::mat expected = before[k].slice(b);
                        if (updated) {
                            expected = order == rt::PlasticOptions::ForgetOrder::Before
                                           ? arma::mat(expected % keep + lr * u)
                                           : arma::mat((expected + lr * u) % keep);
                        } else {
                            expected = expected % keep;  // forgetting a wiped entry: no-op
                        }
                        CHECK(arma::abs(learner.fast_weights(k).slice(b) - expected).max() < 1e-13);
                    }
                    if (updated)
                        CHECK(arma::abs(learner.bias(k)
                                        - (bias_before[k] - lr * learner.bias_gradient(k)))
                                  .max()
                              < 1e-14);
                }
            }
        }
    }
}

TEST_CASE("plastic backprop: the step gradient matches finite differences") {
    auto net = random_net<double>(2, 3, 3, 2, 0.3, 5);
    net.plastic.plastic_rate = 3.0;
    net.plastic.residual = true;
    rt::PlasticLearner<double> learner(net, rt::UpdateRule::Backprop, 0.05);
    const arma::uword batch = 3;
    learner.begin(batch);
    arma::mat state(3, batch), outputs(3, batch);
    for (arma::uword t = 0; t < 2; ++t) {
        Targets<double> tg(batch, 3, t);
        learner.step(random_mat<double>(2, batch, 30 + t), tg.target, true, state, outputs);
    }
    // The third step: finite differences of its batch-mean loss first, then the step.
    Targets<double> tg(batch, 3, 2, true);
    const arma::mat x = random_mat<double>(2, batch, 32);
    const double eps = 1e-6;
    std::vector<arma::cube> fd;
    std::vector<arma::vec> fd_bias;
    for (arma::uword k = 0; k < learner.layer_count(); ++k) {
        arma::cube& c = learner.fast_weights(k);
        arma::cube g(arma::size(c));
        for (arma::uword i = 0; i < c.n_elem; ++i) {
            const double v = c[i];
            c[i] = v + eps;
            const double up = learner.evaluate(x, tg.target);
            c[i] = v - eps;
            const double down = learner.evaluate(x, tg.target);
            c[i] = v;
            g[i] = (up - down) / (2 * eps);
        }
        fd.push_back(g);
        arma::vec& bias = learner.bias(k);
        arma::vec gb(bias.n_elem);
        for (arma::uword i = 0; i < bias.n_elem; ++i) {
            const double v = bias[i];
            bias[i] = v + eps;
            const double up = learner.evaluate(x, tg.target);
            bias[i] = v - eps;
            const double down = learner.evaluate(x, tg.target);
            bias[i] = v;
            gb[i] = (up - down) / (2 * eps);
        }
        fd_bias.push_back(gb);
    }
    learner.step(x, tg.target, true, state, outputs);
    for (arma::uword k = 0; k < learner.layer_count(); ++k) {
        CAPTURE(k);
        if (k == 4)  // self_grad is not in the loss, and backprop does not update it
            continue;
        const arma::cube g = learner.gradient(k);
        CHECK(arma::abs(g - fd[k]).max() < 1e-8);
        CHECK(arma::abs(learner.bias_gradient(k) - fd_bias[k]).max() < 1e-8);
        CHECK(arma::abs(fd[k]).max() < 1e3);
    }
    CHECK(arma::abs(fd[0]).max() > 1e-4);  // the check is not vacuous
    CHECK(arma::abs(fd[2]).max() == 0.0);  // i2h: h_{t-1} is detached
}

TEST_CASE("plastic bptt: the gradient through time matches finite differences") {
    for (const int variant : {0, 1, 2}) {
        const bool residual = variant == 1, recurrence = variant != 2;
        CAPTURE(residual);
        CAPTURE(recurrence);
        auto net = random_net<double>(2, 3, 3, 2, 0.3, 6);
        net.plastic.plastic_rate = 3.0;
        net.plastic.residual = residual;
        net.plastic.recurrence = recurrence;
        const arma::uword batch = 2, steps = 4;
        std::vector<arma::mat> xs;
        std::vector<Targets<double>> targets;
        for (arma::uword t = 0; t < steps; ++t) {
            xs.push_back(random_mat<double>(2, batch, 40 + t));
            targets.emplace_back(batch, 3, t, t == 1);
        }
        for (auto& tg : targets) {  // re-point after the vector settled
            tg.target.values = &tg.values;
            tg.target.weights = &tg.weights;
        }
        rt::PlasticLearner<double> learner(net, rt::UpdateRule::Bptt, 0.0);
        arma::mat state(3, batch), outputs(3, batch), e(3, batch);
        // The summed batch-mean loss, after `perturb` changes the wiped copies.
        auto loss = [&](auto&& perturb) {
            learner.begin(batch);
            perturb();
            double total = 0.0;
            for (arma::uword t = 0; t < steps; ++t) {
                learner.step(xs[t], targets[t].target, false, state, outputs);
                total += rt::step_output_error(outputs, targets[t].target, e) / batch;
            }
            learner.end(false);
            return total;
        };
        learner.begin(batch);
        for (arma::uword t = 0; t < steps; ++t)
            learner.step(xs[t], targets[t].target, true, state, outputs);
        learner.end(true);
        // Read every gradient before the finite differences run sequences of their own.
        std::vector<arma::cube> grads;
        std::vector<arma::vec> bias_grads;
        for (arma::uword k = 0; k < learner.layer_count(); ++k) {
            grads.push_back(learner.gradient(k));
            bias_grads.push_back(learner.bias_gradient(k));
        }
        const double eps = 1e-6;
        for (arma::uword k = 0; k < learner.layer_count(); ++k) {
            CAPTURE(k);
            const arma::cube& g = grads[k];
            const arma::vec& gb = bias_grads[k];
            double worst = 0.0, largest = 0.0;
            for (arma::uword i = 0; i < g.n_elem; ++i) {
                const double up = loss([&] { learner.fast_weights(k)[i] += eps; });
                const double down = loss([&] { learner.fast_weights(k)[i] -= eps; });
                const double f = (up - down) / (2 * eps);
                worst = std::max(worst, std::abs(f - g[i]));
                largest = std::max(largest, std::abs(f));
            }
            for (arma::uword i = 0; i < gb.n_elem; ++i) {
                const double up = loss([&] { learner.bias(k)[i] += eps; });
                const double down = loss([&] { learner.bias(k)[i] -= eps; });
                worst = std::max(worst, std::abs((up - down) / (2 * eps) - gb[i]));
            }
            CHECK(worst < 1e-8);
            if (k != 4 && (recurrence || k != 2))  // self_grad is not in the loss, nor i2h
                CHECK(largest > 1e-4);             // without recurrence
        }
    }
}

TEST_CASE("plastic: update_clip clamps the plastic entries only") {
    auto net = random_net<double>(2, 3, 3, 1, 0.5, 7);
    net.plastic.plastic_rate = 1000.0;
    net.plastic.forget_rate = 0.0;
    net.plastic.update_clip = 0.01;
    rt::PlasticLearner<double> learner(net, rt::UpdateRule::Dfa, 1.0);
    const arma::uword batch = 2;
    learner.begin(batch);
    std::vector<arma::cube> before;
    for (arma::uword k = 0; k < learner.layer_count(); ++k)
        before.push_back(learner.fast_weights(k));
    arma::mat state(3, batch), outputs(3, batch);
    Targets<double> tg(batch, 3, 0);
    learner.step(random_mat<double>(2, batch, 50), tg.target, true, state, outputs);
    for (const arma::uword k : {arma::uword(0), arma::uword(2), arma::uword(3)}) {  // 1, i2o, sg
        CAPTURE(k);
        const bool last = k >= 2;
        const arma::mat mask = net.params[4 * k + 2].raw;
        const arma::mat p =
            last ? arma::mat(arma::size(mask), arma::fill::ones) : arma::mat(1.0 + 999.0 * mask);
        const arma::cube G = learner.gradient(k);
        bool clamped_some = false;
        for (arma::uword b = 0; b < batch; ++b) {
            const arma::mat u = learner.fast_weights(k).slice(b) - before[k].slice(b);
            const arma::mat raw = -G.slice(b) % p;
            for (arma::uword i = 0; i < u.n_elem; ++i) {
                if (mask[i] != 0.0 && !last) {
                    CHECK(u[i] == doctest::Approx(std::clamp(raw[i], -0.01, 0.01)));
                    clamped_some = clamped_some || std::abs(raw[i]) > 0.01;
                } else {
                    CHECK(u[i] == doctest::Approx(raw[i]));
                }
            }
        }
        if (!last)
            CHECK(clamped_some);
        else  // the heads' masked entries are not clamped
            CHECK(arma::abs(learner.fast_weights(k) - before[k]).max() > 0.01);
    }
}

TEST_CASE("plastic: normalize = all renormalises P and F too (the seed's bug)") {
    for (const auto mode :
         {rt::PlasticOptions::Normalize::Weights, rt::PlasticOptions::Normalize::All}) {
        auto net = random_net<double>(2, 3, 3, 1, 0.3, 8);
        net.plastic.plastic_rate = 50.0;
        net.plastic.normalize = mode;
        rt::PlasticLearner<double> learner(net, rt::UpdateRule::Dfa, 0.1);
        const arma::mat p0 = learner.plasticity(0);
        const arma::mat f0 = learner.forgetting(0);
        learner.begin(2);
        arma::mat state(3, 2), outputs(3, 2);
        Targets<double> tg(2, 3, 0);
        learner.step(random_mat<double>(2, 2, 60), tg.target, true, state, outputs);
        // C over every trial's copy together has norm 1 (up to the 1e-6).
        CHECK(arma::norm(arma::vectorise(learner.fast_weights(0)))
              == doctest::Approx(1.0).epsilon(1e-5));
        if (mode == rt::PlasticOptions::Normalize::All) {
            CHECK(arma::norm(learner.plasticity(0), "fro") == doctest::Approx(1.0).epsilon(1e-5));
            const double f = arma::norm(f0, "fro");  // 0.01 sqrt(#plastic): 1e-6 shows
            CHECK(arma::norm(learner.forgetting(0), "fro") == doctest::Approx(f / (f + 1e-6)));
            CHECK(arma::norm(learner.bias(0)) == doctest::Approx(1.0).epsilon(1e-5));
            CHECK(arma::norm(learner.feedback(0), "fro") == doctest::Approx(1.0).epsilon(1e-5));
            CHECK(arma::abs(learner.plasticity(0) - p0 / arma::norm(p0, "fro")).max() < 1e-6);
            // i2h is not updated by dfa, so not normalised either.
            CHECK(arma::norm(learner.plasticity(1), "fro") > 1.5);
        } else {
            CHECK(arma::abs(learner.plasticity(0) - p0).max() == 0.0);
            CHECK(arma::abs(learner.forgetting(0) - f0).max() == 0.0);
        }
    }
}

TEST_CASE("plastic: a learner that does not learn changes nothing") {
    for (const auto rule : {rt::UpdateRule::Dfa, rt::UpdateRule::Backprop, rt::UpdateRule::Bptt}) {
        auto net = random_net<double>(2, 3, 3, 2, 0.3, 9);
        net.plastic.plastic_rate = 10.0;
        net.plastic.forget_rate = 0.3;
        net.plastic.normalize = rt::PlasticOptions::Normalize::All;
        const auto stored = snapshot(net);
        rt::PlasticLearner<double> learner(net, rule, 0.1);
        learner.begin(2);
        std::vector<arma::cube> wiped;
        for (arma::uword k = 0; k < learner.layer_count(); ++k)
            wiped.push_back(learner.fast_weights(k));
        arma::mat state(3, 2), outputs(3, 2);
        for (arma::uword t = 0; t < 3; ++t) {
            Targets<double> tg(2, 3, t);
            learner.step(random_mat<double>(2, 2, 70 + t), tg.target, false, state, outputs);
        }
        for (arma::uword k = 0; k < learner.layer_count(); ++k)
            CHECK(arma::abs(learner.fast_weights(k) - wiped[k]).max() == 0.0);
        learner.end(false);
        for (const auto& [name, value] : snapshot(net)) {
            CAPTURE(name);
            CHECK(arma::abs(value - stored.at(name)).max() == 0.0);
        }
    }
}

TEST_CASE("plastic: float and double agree on a dfa sequence") {
    auto netd = random_net<double>(3, 8, 4, 2, 0.2, 11);
    auto netf = random_net<float>(3, 8, 4, 2, 0.2, 11);
    for (auto* o : {&netd.plastic}) {
        o->plastic_rate = 20.0;
        o->residual = true;
    }
    netf.plastic = netd.plastic;
    rt::PlasticLearner<double> ld(netd, rt::UpdateRule::Dfa, 0.01);
    rt::PlasticLearner<float> lf(netf, rt::UpdateRule::Dfa, 0.01);
    ld.begin(4);
    lf.begin(4);
    arma::mat sd(8, 4), od(4, 4);
    arma::fmat sf(8, 4), of(4, 4);
    for (arma::uword t = 0; t < 6; ++t) {
        Targets<double> td(4, 4, t);
        Targets<float> tf(4, 4, t);
        const arma::mat x = random_mat<double>(3, 4, 80 + t);
        ld.step(x, td.target, true, sd, od);
        lf.step(arma::conv_to<arma::fmat>::from(x), tf.target, true, sf, of);
    }
    CHECK(arma::abs(arma::conv_to<arma::mat>::from(of) - od).max() < 1e-4);
    CHECK(arma::abs(arma::conv_to<arma::mat>::from(sf) - sd).max() < 1e-4);
}

TEST_CASE("plastic dfa: trained hidden head, activation derivatives and the self_grad term") {
    // One layer; every quantity of the step recomputed here from the wiped copies.
    auto net = random_net<double>(2, 3, 3, 1, 0.3, 12);
    net.plastic.dfa_hidden_head = rt::PlasticOptions::DfaHiddenHead::Trained;
    net.plastic.dfa_derivative = rt::PlasticOptions::DfaDerivative::Used;
    net.plastic.self_grad = 0.05;
    for (const char* name : {"C.self_grad", "C.i2h"}) {  // nonzero heads
        rt::RandomStream r(rt::stream_key(12, name));
        r.fill_normal(net.find(name)->raw, 0.0, 1.0);
    }
    rt::PlasticLearner<double> learner(net, rt::UpdateRule::Dfa, 0.1);
    const arma::uword batch = 2;
    learner.begin(batch);
    std::vector<arma::cube> c;
    std::vector<arma::vec> bias;
    for (arma::uword k = 0; k < 4; ++k) {
        c.push_back(learner.fast_weights(k));
        bias.push_back(learner.bias(k));
    }
    const arma::mat x = random_mat<double>(2, batch, 90);
    Targets<double> tg(batch, 3, 1);
    arma::mat state(3, batch), outputs(3, batch);
    learner.step(x, tg.target, true, state, outputs);

    const arma::vec h0 = net.at("h0").raw.col(0);
    auto gelu = [](double a) {
        return 0.5 * a * (1.0 + std::erf(a / std::sqrt(2.0)));
    };
    auto gelu_d = [](double a) {
        return 0.5 * (1.0 + std::erf(a / std::sqrt(2.0)))
               + a * std::exp(-0.5 * a * a) / std::sqrt(2.0 * M_PI);
    };
    arma::mat z0(5, batch), a(5, batch), z1(5, batch), h(3, batch), logits(3, batch), sg(3, batch);
    for (arma::uword b = 0; b < batch; ++b) {
        z0.col(b) = arma::join_cols(x.col(b), h0);
        a.col(b) = c[0].slice(b) * z0.col(b) + bias[0];
        z1.col(b) = a.col(b);
        z1.col(b).transform(gelu);
        h.col(b) = arma::tanh(c[1].slice(b) * z1.col(b) + bias[1]);
        logits.col(b) = c[2].slice(b) * z1.col(b) + bias[2];
        sg.col(b) = c[3].slice(b) * z1.col(b) + bias[3];
    }
    CHECK(arma::abs(outputs - logits).max() < 1e-13);
    CHECK(arma::abs(state - h).max() < 1e-13);
    arma::mat e(3, batch);
    rt::step_output_error(logits, tg.target, e);
    e += arma::clamp(sg, -0.05, 0.05);
    REQUIRE(arma::abs(sg).max() > 0.05);  // the clamp matters
    arma::mat ga = a;
    ga.transform(gelu_d);
    const std::vector<arma::mat> deltas = {(net.at("feedback.1").raw.t() * e) % ga,
                                           (net.at("feedback.i2h").raw.t() * e) % (1.0 - h % h), e,
                                           e};
    const std::vector<arma::mat> inputs = {z0, z1, z1, z1};
    for (arma::uword k = 0; k < 4; ++k) {
        CAPTURE(k);
        const arma::cube g = learner.gradient(k);
        for (arma::uword b = 0; b < batch; ++b)
            CHECK(arma::abs(g.slice(b) - deltas[k].col(b) * inputs[k].col(b).t()).max() < 1e-13);
        CHECK(arma::abs(learner.bias(k) - (bias[k] - 0.1 * arma::mean(deltas[k], 1))).max()
              < 1e-13);
    }
    CHECK(arma::abs(learner.fast_weights(1) - c[1]).max() > 1e-6);  // i2h trained
}
