// The online learner of the fused cells (runtime/online_cells.hpp): per-step backprop
// gradients of every kind against finite differences of the step loss (double), DFA on a
// 3-unit rnn against numbers computed by hand and on a ctrnn against its formula, the
// optimizer's update, steps that must change nothing, and the states and outputs against
// rt::forward of the same weights.
#include "runtime/online_cells.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/ctrnn_cell.hpp"
#include "runtime/gru_cell.hpp"
#include "runtime/lstm_cell.hpp"
#include "runtime/network.hpp"
#include "runtime/rnn_cell.hpp"

namespace rt = rnn::rt;

namespace {

constexpr arma::uword kUnits = 4, kInputs = 3, kOutputs = 3, kBatch = 3;

const rt::CellKind kKinds[] = {rt::CellKind::Rnn, rt::CellKind::Gru, rt::CellKind::Lstm,
                               rt::CellKind::Ctrnn};

// A network of the kind with every tensor random (biases and initial states too, so that
// each term of the step shows), h0 and c0 fixed as by default.
template <typename T> rt::Network<T> make_net(rt::CellKind kind, std::uint64_t seed = 1) {
    rt::NetworkShape shape;
    shape.kind = kind;
    shape.units = kUnits;
    shape.inputs = kInputs;
    shape.outputs = kOutputs;
    rt::Network<T> net = rt::default_network<T>(shape, [seed](const std::string& name) {
        return rt::RandomStream(rt::stream_key(seed, "online_cells_test / " + name));
    });
    net.alpha = 0.3;
    net.gain = 1.4;
    rt::RandomStream s(rt::stream_key(seed, "online_cells_test / values"));
    for (auto& p : net.params)
        s.fill_normal(p.raw, 0.0, 0.5);
    return net;
}

template <typename T> arma::Mat<T> random(arma::uword rows, arma::uword cols, std::uint64_t seed) {
    rt::RandomStream s(rt::stream_key(seed, "online_cells_test / data"));
    arma::Mat<T> m(rows, cols);
    s.fill_normal(m, 0.0, 1.0);
    return m;
}

template <typename T> rt::Optimizer<T> sgd(double lr) {
    rt::OptimizerConfig c;
    c.kind = rt::OptimizerKind::Sgd;
    c.lr = lr;
    return rt::Optimizer<T>(c);
}

rt::RandomStream feedback_stream() {
    return rt::RandomStream(rt::stream_key(7, "online_cells_test / feedback"));
}

// One step of the kind by the cells' step functions, from (h, c): the new (h, c) and the
// readout.
template <typename T> struct RefStep { arma::Mat<T> h, c, y; };

template <typename T>
RefStep<T> reference_step(const rt::Network<T>& net, const arma::Mat<T>& h, const arma::Mat<T>& c,
                          const arma::Mat<T>& x) {
    auto col = [&](const char* name) {
        return arma::Col<T>(net.at(name).raw);
    };
    RefStep<T> out;
    arma::Mat<T> rates;
    switch (net.shape.kind) {
        case rt::CellKind::Rnn: {
            const arma::Col<T> b = col("b");
            out.h =
                rt::rnn_step(net.at("W_self").raw, net.at("W_input").raw, &b, h, x, net.activation);
            rates = out.h;
            break;
        }
        case rt::CellKind::Gru: {
            const arma::Col<T> bi = col("b_input"), bs = col("b_self");
            out.h = rt::gru_step(net.at("W_input").raw, net.at("W_self").raw, &bi, &bs, h, x);
            rates = out.h;
            break;
        }
        case rt::CellKind::Lstm: {
            const arma::Col<T> bi = col("b_input"), bs = col("b_self");
            rt::LstmState<T> s =
                rt::lstm_step(net.at("W_input").raw, net.at("W_self").raw, &bi, &bs, h, c, x);
            out.h = s.h;
            out.c = s.c;
            rates = out.h;
            break;
        }
        default: {
            const arma::Col<T> b = col("b");
            out.h = rt::ctrnn_step(net.at("G").raw, net.at("I").raw, &b, h, x, T(net.alpha),
                                   T(net.gain), net.activation);
            rates = out.h;
            rt::apply_activation(net.activation, rates);
            break;
        }
    }
    out.y = net.shape.kind == rt::CellKind::Ctrnn ? arma::Mat<T>(net.at("w").raw.t() * rates)
                                                  : arma::Mat<T>(net.at("W_out").raw * rates);
    out.y.each_col() += arma::Col<T>(net.at("b_out").raw);
    return out;
}

// Targets of both kinds for a batch of 3: a weight of 0 and an ignored class included.
struct Targets {
    arma::mat classes{{0.0, 2.0, -1.0}};
    arma::mat class_weights{{1.0, 0.5, 1.0}};
    arma::mat values;
    arma::mat value_weights{{1.0, 0.0, 2.0}};

    Targets() : values(random<double>(kOutputs, kBatch, 40)) {}

    rt::StepTarget<double> of(rt::StepLossKind kind) const {
        rt::StepTarget<double> t;
        t.kind = kind;
        t.values = kind == rt::StepLossKind::CrossEntropy ? &classes : &values;
        t.weights = kind == rt::StepLossKind::CrossEntropy ? &class_weights : &value_weights;
        return t;
    }
};

double step_loss(const arma::mat& y, const rt::StepTarget<double>& target) {
    arma::mat e(arma::size(y));
    return rt::step_output_error(y, target, e) / static_cast<double>(y.n_cols);
}

bool close(const arma::mat& a, const arma::mat& b, double tol) {
    return arma::size(a) == arma::size(b) && arma::approx_equal(a, b, "absdiff", tol);
}

}  // namespace

TEST_CASE("online backprop gives the step loss's gradient with the past detached, every kind") {
    const Targets targets;
    for (const rt::CellKind kind : kKinds)
        for (const auto loss : {rt::StepLossKind::CrossEntropy, rt::StepLossKind::Mse}) {
            const std::string what = std::string(rt::cell_kind_name(kind))
                                     + (loss == rt::StepLossKind::Mse ? " mse" : " ce");
            rt::Network<double> net = make_net<double>(kind);
            if (kind == rt::CellKind::Ctrnn)
                net.activation = rt::Activation::Softplus;
            rt::Optimizer<double> opt = sgd<double>(0.0);  // the weights stay where they are
            rt::OnlineCellLearner<double> learner(net, rt::UpdateRule::Backprop, opt, 0.0,
                                                  feedback_stream());
            const rt::StepTarget<double> target = targets.of(loss);
            // Two steps without learning, then the step whose gradient is checked; the
            // reference follows along with the step functions.
            learner.begin(kBatch);
            arma::mat h = arma::repmat(net.at("h0").raw, 1, kBatch), c;
            if (kind == rt::CellKind::Lstm)
                c = arma::repmat(net.at("c0").raw, 1, kBatch);
            arma::mat state(kUnits, kBatch), y(kOutputs, kBatch);
            for (std::uint64_t t = 0; t < 2; ++t) {
                const arma::mat x = random<double>(kInputs, kBatch, 50 + t);
                learner.step(x, target, false, state, y);
                const RefStep<double> r = reference_step(net, h, c, x);
                INFO(what);
                CHECK(close(state, r.h, 1e-12));
                CHECK(close(y, r.y, 1e-12));
                h = r.h;
                c = r.c;
            }
            const arma::mat x = random<double>(kInputs, kBatch, 60);
            learner.step(x, target, true, state, y);
            CHECK(opt.steps_taken() == 1);
            CHECK(learner.last_loss() == doctest::Approx(step_loss(y, target)).epsilon(1e-12));
            const auto& names = learner.trained_names();
            REQUIRE(names.size() == learner.last_gradients().size());
            // Every tensor but h0 and c0 is trained.
            CHECK(names.size() + (kind == rt::CellKind::Lstm ? 2 : 1) == net.params.size());
            const double eps = 1e-6;
            for (std::size_t i = 0; i < names.size(); ++i) {
                arma::mat& p = net.find(names[i])->raw;
                const arma::mat& analytic = *learner.last_gradients()[i];
                REQUIRE(arma::size(analytic) == arma::size(p));
                double worst = 0.0;
                for (arma::uword k = 0; k < p.n_elem; ++k) {
                    const double saved = p[k];
                    p[k] = saved + eps;
                    const double plus = step_loss(reference_step(net, h, c, x).y, target);
                    p[k] = saved - eps;
                    const double minus = step_loss(reference_step(net, h, c, x).y, target);
                    p[k] = saved;
                    const double numeric = (plus - minus) / (2 * eps);
                    worst = std::max(
                        worst, std::abs(analytic[k] - numeric) - (1e-8 + 1e-5 * std::abs(numeric)));
                }
                INFO(what << ": " << names[i]);
                CHECK(worst <= 0.0);
                CHECK(arma::abs(analytic).max() > 0.0);
            }
        }
}

TEST_CASE("online dfa on a 3-unit rnn makes the update computed by hand") {
    rt::NetworkShape shape;
    shape.units = 3;
    shape.inputs = 2;
    shape.outputs = 2;
    rt::Network<double> net =
        rt::default_network<double>(shape, [](const std::string&) { return rt::RandomStream(1); });
    net.find("W_self")->raw = {{0.5, -0.2, 0.1}, {0.0, 0.3, -0.4}, {0.2, 0.1, 0.0}};
    net.find("W_input")->raw = {{1.0, 0.0}, {0.0, 1.0}, {0.5, -0.5}};
    net.find("b")->raw = arma::mat{{0.1, -0.1, 0.0}}.t();
    net.find("W_out")->raw = {{1.0, 0.0, -1.0}, {0.5, 0.5, 0.0}};
    net.find("b_out")->raw = arma::mat{{0.0, 0.1}}.t();
    net.find("h0")->raw = arma::mat{{0.2, -0.1, 0.3}}.t();
    const arma::mat W_self = net.at("W_self").raw, W_input = net.at("W_input").raw,
                    b = net.at("b").raw, W_out = net.at("W_out").raw, b_out = net.at("b_out").raw;
    rt::Optimizer<double> opt = sgd<double>(0.1);
    rt::OnlineCellLearner<double> learner(net, rt::UpdateRule::Dfa, opt, 0.0, feedback_stream());
    learner.feedback() = {{1.0, -1.0}, {0.5, 0.0}, {0.0, 2.0}};
    const arma::mat x = arma::mat{{1.0, 2.0}}.t();
    const arma::mat target_values = arma::mat{{0.5, -0.5}}.t();
    const arma::mat weights(1, 1, arma::fill::ones);
    rt::StepTarget<double> target;
    target.kind = rt::StepLossKind::Mse;
    target.values = &target_values;
    target.weights = &weights;
    learner.begin(1);
    arma::mat state(3, 1), y(2, 1);
    learner.step(x, target, true, state, y);

    // h = tanh(W_self h0 + W_input x + b), y = W_out h + b_out, e = y - target,
    // delta = (B e) ⊙ (1 - h^2): worked out in Python to 12 digits.
    CHECK(close(state, arma::mat{{0.848283639958, 0.941375538497, -0.438199314833}}.t(), 1e-11));
    CHECK(close(y, arma::mat{{1.286482954790, 0.994829589227}}.t(), 1e-11));
    CHECK(learner.last_loss() == doctest::Approx(1.426535469503).epsilon(1e-11));
    const arma::mat dW{{-0.039726185341, 0.019863092671, -0.059589278012},
                       {0.008951127317, -0.004475563659, 0.013426690976},
                       {0.483117778076, -0.241558889038, 0.724676667114}};
    const arma::mat dU{{-0.198630926705, -0.397261853410},
                       {0.044755636587, 0.089511273175},
                       {2.415588890380, 4.831177780759}};
    const arma::mat db = arma::mat{{-0.198630926705, 0.044755636587, 2.415588890380}}.t();
    const arma::mat dW_out{{0.667160623654, 0.740375815085, -0.344636291917},
                           {1.268039485066, 1.407196009521, -0.655033301791}};
    const arma::mat db_out = arma::mat{{0.786482954790, 1.494829589227}}.t();
    const auto& g = learner.last_gradients();
    REQUIRE(learner.trained_names()
            == std::vector<std::string>{"W_self", "W_input", "b", "W_out", "b_out"});
    CHECK(close(*g[0], dW, 1e-11));
    CHECK(close(*g[1], dU, 1e-11));
    CHECK(close(*g[2], db, 1e-11));
    CHECK(close(*g[3], dW_out, 1e-11));
    CHECK(close(*g[4], db_out, 1e-11));
    CHECK(close(net.at("W_self").raw, W_self - 0.1 * dW, 1e-11));
    CHECK(close(net.at("W_input").raw, W_input - 0.1 * dU, 1e-11));
    CHECK(close(net.at("b").raw, b - 0.1 * db, 1e-11));
    CHECK(close(net.at("W_out").raw, W_out - 0.1 * dW_out, 1e-11));
    CHECK(close(net.at("b_out").raw, b_out - 0.1 * db_out, 1e-11));
}

TEST_CASE("online dfa on a ctrnn chains the projected error through the Euler update") {
    const Targets targets;
    const rt::StepTarget<double> target = targets.of(rt::StepLossKind::Mse);
    rt::Network<double> net = make_net<double>(rt::CellKind::Ctrnn);
    rt::Optimizer<double> opt = sgd<double>(0.0);
    rt::OnlineCellLearner<double> learner(net, rt::UpdateRule::Dfa, opt, 0.0, feedback_stream());
    const arma::mat h0 = arma::repmat(net.at("h0").raw, 1, kBatch);
    const arma::mat x = random<double>(kInputs, kBatch, 70);
    learner.begin(kBatch);
    arma::mat state(kUnits, kBatch), y(kOutputs, kBatch);
    learner.step(x, target, true, state, y);
    arma::mat e(kOutputs, kBatch);
    rt::step_output_error(y, target, e);
    e /= double(kBatch);
    const double alpha = net.alpha, gain = net.gain;
    const arma::mat delta = (learner.feedback() * e) % (1 - arma::square(arma::tanh(state)));
    const arma::mat rate_prev = arma::tanh(h0);
    const auto& g = learner.last_gradients();
    REQUIRE(learner.trained_names() == std::vector<std::string>{"G", "I", "b", "w", "b_out"});
    CHECK(close(*g[0], alpha * gain * delta * rate_prev.t(), 1e-12));
    CHECK(close(*g[1], alpha * delta * x.t(), 1e-12));
    CHECK(close(*g[2], alpha * arma::sum(delta, 1), 1e-12));
    CHECK(close(*g[3], arma::tanh(state) * e.t(), 1e-12));
    CHECK(close(*g[4], arma::sum(e, 1), 1e-12));
}

TEST_CASE("online dfa's feedback matrix is Xavier-normal from the feedback stream") {
    rt::Network<float> net = make_net<float>(rt::CellKind::Rnn);
    rt::Optimizer<float> opt = sgd<float>(0.1);
    rt::OnlineCellLearner<float> learner(net, rt::UpdateRule::Dfa, opt, 0.0, feedback_stream());
    arma::fmat expected(kUnits, kOutputs);
    rt::RandomStream s = feedback_stream();
    rt::initialize(expected, rt::Initializer{rt::InitKind::XavierNormal, 1.0, 0.0}, s);
    CHECK(arma::approx_equal(learner.feedback(), expected, "absdiff", 0.0f));
    rt::OnlineCellLearner<float> backprop(net, rt::UpdateRule::Backprop, opt, 0.0,
                                          feedback_stream());
    CHECK(backprop.feedback().is_empty());
}

TEST_CASE_TEMPLATE("an online sgd step moves every trained weight by -lr times its gradient", T,
                   float, double) {
    const Targets targets;
    for (const rt::CellKind kind : kKinds)
        for (const auto rule : {rt::UpdateRule::Backprop, rt::UpdateRule::Dfa}) {
            if (rule == rt::UpdateRule::Dfa
                && (kind == rt::CellKind::Gru || kind == rt::CellKind::Lstm))
                continue;
            rt::Network<T> net = make_net<T>(kind);
            const rt::Network<T> before = net;
            const double lr = 0.05;
            rt::Optimizer<T> opt = sgd<T>(lr);
            rt::OnlineCellLearner<T> learner(net, rule, opt, 0.0, feedback_stream());
            const arma::Mat<T> classes = arma::conv_to<arma::Mat<T>>::from(targets.classes);
            const arma::Mat<T> weights = arma::conv_to<arma::Mat<T>>::from(targets.class_weights);
            rt::StepTarget<T> target;
            target.values = &classes;
            target.weights = &weights;
            learner.begin(kBatch);
            arma::Mat<T> state(kUnits, kBatch), y(kOutputs, kBatch);
            learner.step(random<T>(kInputs, kBatch, 80), target, true, state, y);
            const auto& names = learner.trained_names();
            for (std::size_t i = 0; i < names.size(); ++i) {
                INFO(rt::cell_kind_name(kind) << " " << names[i]);
                const arma::Mat<T> expected =
                    before.at(names[i]).raw - static_cast<T>(lr) * *learner.last_gradients()[i];
                CHECK(arma::approx_equal(net.at(names[i]).raw, expected, "absdiff",
                                         sizeof(T) == 4 ? T(1e-6) : T(1e-14)));
            }
            // h0 and c0 stay.
            CHECK(arma::approx_equal(net.at("h0").raw, before.at("h0").raw, "absdiff", T(0)));
        }
}

TEST_CASE("online steps without learning, or without a target, change no weight") {
    const Targets targets;
    for (const rt::CellKind kind : kKinds) {
        rt::Network<double> net = make_net<double>(kind);
        const rt::Network<double> before = net;
        rt::Optimizer<double> opt(rt::OptimizerConfig{});  // Adam
        rt::OnlineCellLearner<double> learner(net, rt::UpdateRule::Backprop, opt, 1.0,
                                              feedback_stream());
        learner.begin(kBatch);
        arma::mat state(kUnits, kBatch), y(kOutputs, kBatch);
        for (std::uint64_t t = 0; t < 3; ++t)
            learner.step(random<double>(kInputs, kBatch, 90 + t),
                         targets.of(rt::StepLossKind::CrossEntropy), false, state, y);
        // Learning, but no trial has a target: weights 0 or the class ignored.
        const arma::mat classes{{-1.0, 1.0, 2.0}}, weights{{1.0, 0.0, 0.0}};
        rt::StepTarget<double> none;
        none.values = &classes;
        none.weights = &weights;
        learner.step(random<double>(kInputs, kBatch, 99), none, true, state, y);
        learner.step(random<double>(kInputs, kBatch, 98), rt::StepTarget<double>{}, true, state,
                     y);  // no target at all
        learner.end(true);
        CHECK(opt.steps_taken() == 0);
        for (std::size_t i = 0; i < net.params.size(); ++i) {
            INFO(rt::cell_kind_name(kind) << " " << net.params[i].name);
            CHECK(arma::approx_equal(net.params[i].raw, before.params[i].raw, "absdiff", 0.0));
        }
    }
}

TEST_CASE_TEMPLATE("online states and outputs equal rt::forward of the same weights", T, float,
                   double) {
    constexpr arma::uword steps = 6;
    for (const rt::CellKind kind : kKinds) {
        rt::Network<T> net = make_net<T>(kind);
        rt::Optimizer<T> opt = sgd<T>(0.1);
        rt::OnlineCellLearner<T> learner(net, rt::UpdateRule::Backprop, opt, 0.0,
                                         feedback_stream());
        const arma::Mat<T> X = random<T>(kInputs, kBatch * steps, 100);
        arma::Mat<T> states(kUnits, kBatch * steps), outputs(kOutputs, kBatch * steps);
        const arma::Mat<T> classes(1, kBatch, arma::fill::zeros);
        const arma::Mat<T> weights(1, kBatch, arma::fill::ones);
        rt::StepTarget<T> target;
        target.values = &classes;
        target.weights = &weights;
        for (int pass = 0; pass < 2; ++pass) {  // begin() starts again at h0
            learner.begin(kBatch);
            for (arma::uword t = 0; t < steps; ++t) {
                // Views into the caller's matrices, as the trainer passes them.
                arma::Mat<T> s(states.colptr(t * kBatch), kUnits, kBatch, false, true);
                arma::Mat<T> o(outputs.colptr(t * kBatch), kOutputs, kBatch, false, true);
                learner.step(X.cols(t * kBatch, (t + 1) * kBatch - 1), target, false, s, o);
            }
        }
        rt::Tape<T> tape;
        const rt::NetworkVars v = rt::forward(tape, net, X, kBatch);
        const T tol = sizeof(T) == 4 ? T(2e-5) : T(1e-12);
        INFO(rt::cell_kind_name(kind));
        CHECK(arma::approx_equal(states, tape.value(v.states), "absdiff", tol));
        CHECK(arma::approx_equal(outputs, tape.value(v.outputs), "absdiff", tol));
    }
}

TEST_CASE("online clipping bounds the global gradient norm") {
    const Targets targets;
    rt::Network<double> net = make_net<double>(rt::CellKind::Gru);
    rt::Optimizer<double> opt = sgd<double>(0.0);
    rt::OnlineCellLearner<double> learner(net, rt::UpdateRule::Backprop, opt, 1e-3,
                                          feedback_stream());
    learner.begin(kBatch);
    arma::mat state(kUnits, kBatch), y(kOutputs, kBatch);
    learner.step(random<double>(kInputs, kBatch, 110), targets.of(rt::StepLossKind::Mse), true,
                 state, y);
    double sq = 0.0;
    for (const arma::mat* g : learner.last_gradients())
        sq += arma::accu(arma::square(*g));
    CHECK(std::sqrt(sq) == doctest::Approx(1e-3).epsilon(1e-5));
}

TEST_CASE("the online learner refuses what it cannot train") {
    rt::Optimizer<double> opt = sgd<double>(0.1);
    for (const rt::CellKind kind : {rt::CellKind::Gru, rt::CellKind::Lstm}) {
        rt::Network<double> net = make_net<double>(kind);
        try {
            rt::OnlineCellLearner<double> l(net, rt::UpdateRule::Dfa, opt, 0.0, feedback_stream());
            FAIL("dfa accepted a gated cell");
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).find("gates are not layers") != std::string::npos);
        }
    }
    rt::Network<double> net = make_net<double>(rt::CellKind::Rnn);
    CHECK_THROWS_AS(
        rt::OnlineCellLearner<double>(net, rt::UpdateRule::Bptt, opt, 0.0, feedback_stream()),
        std::invalid_argument);
    net.find("W_self")->constraint.no_self = true;
    CHECK_THROWS_AS(
        rt::OnlineCellLearner<double>(net, rt::UpdateRule::Backprop, opt, 0.0, feedback_stream()),
        std::invalid_argument);
    rt::NetworkShape shape;
    shape.units = 3;
    shape.inputs = 2;
    rt::Network<double> silent =
        rt::default_network<double>(shape, [](const std::string&) { return rt::RandomStream(1); });
    CHECK_THROWS_AS(rt::OnlineCellLearner<double>(silent, rt::UpdateRule::Backprop, opt, 0.0,
                                                  feedback_stream()),
                    std::invalid_argument);
}
