// The one-step maps fixed-point analysis uses (stdlib/analyses/cell_maps.hpp): each equals
// one step of the runtime's own forward pass, and each hand-written Jacobian equals
// central finite differences of the map.
#include "stdlib/analyses/cell_maps.hpp"

#include <doctest/doctest.h>

#include "runtime/network.hpp"

namespace rt = rnn::rt;
namespace s = rnn::stdlib;

namespace {

constexpr arma::uword kUnits = 5, kInputs = 3;

rt::Network<float> make_net(rt::CellKind kind, rt::Activation act = rt::Activation::Tanh) {
    rt::NetworkShape shape;
    shape.kind = kind;
    shape.units = kUnits;
    shape.inputs = kInputs;
    shape.outputs = 2;
    rt::Network<float> net = rt::default_network<float>(shape, [](const std::string& name) {
        return rt::RandomStream(rt::stream_key(3, "cell_maps_test / " + name));
    });
    net.alpha = 0.3;
    net.gain = 1.4;
    net.activation = act;
    rt::RandomStream r(rt::stream_key(3, "cell_maps_test / values"));
    for (auto& p : net.params)
        r.fill_normal(p.raw, 0.0, 0.7);  // large enough that every gate is nonlinear
    return net;
}

arma::vec random_vec(arma::uword n, std::uint64_t seed) {
    rt::RandomStream r(rt::stream_key(seed, "cell_maps_test / data"));
    arma::vec v(n);
    r.fill_normal(v, 0.0, 0.8);
    return v;
}

const char* kind_name(rt::CellKind k) {
    switch (k) {
        case rt::CellKind::Rnn:
            return "rnn";
        case rt::CellKind::Gru:
            return "gru";
        case rt::CellKind::Lstm:
            return "lstm";
        case rt::CellKind::Ctrnn:
            return "ctrnn";
        default:
            return "?";
    }
}

}  // namespace

TEST_CASE("cell maps: each Jacobian equals central differences of its step") {
    for (const auto kind :
         {rt::CellKind::Rnn, rt::CellKind::Gru, rt::CellKind::Lstm, rt::CellKind::Ctrnn}) {
        for (const auto act : {rt::Activation::Tanh, rt::Activation::Softplus}) {
            if (act != rt::Activation::Tanh
                && (kind == rt::CellKind::Gru || kind == rt::CellKind::Lstm))
                continue;  // gru and lstm have fixed gate nonlinearities
            CAPTURE(kind_name(kind));
            CAPTURE(rt::activation_name(act));
            const rt::Network<float> net = make_net(kind, act);
            const s::CellMap map = s::cell_map(net, random_vec(kInputs, 1));
            const arma::vec h = random_vec(map.state_size, 2);
            const arma::mat J = map.jacobian(h);
            REQUIRE(J.n_rows == map.state_size);
            REQUIRE(J.n_cols == map.state_size);
            const double eps = 1e-6;
            arma::mat numeric(map.state_size, map.state_size);
            for (arma::uword j = 0; j < map.state_size; ++j) {
                arma::vec up = h, down = h;
                up(j) += eps;
                down(j) -= eps;
                numeric.col(j) = (map.step(up) - map.step(down)) / (2 * eps);
            }
            CHECK(arma::abs(J - numeric).max() < 1e-7);
        }
    }
}

TEST_CASE("cell maps: a step equals one step of the runtime's forward pass") {
    for (const auto kind :
         {rt::CellKind::Rnn, rt::CellKind::Gru, rt::CellKind::Lstm, rt::CellKind::Ctrnn}) {
        CAPTURE(kind_name(kind));
        rt::Network<float> net = make_net(kind);
        const arma::vec x = random_vec(kInputs, 4);
        const s::CellMap map = s::cell_map(net, x);
        const arma::vec h = random_vec(kUnits, 5);
        // The runtime starts at h0 (and c0 = 0 for the lstm, which the map's state says).
        net.find("h0")->raw = arma::conv_to<arma::fmat>::from(h);
        if (auto* c0 = net.find("c0"))
            c0->raw.zeros();
        rt::Tape<float> tape;
        const rt::NetworkVars v = rt::forward(tape, net, arma::conv_to<arma::fmat>::from(x), 1);
        const arma::vec runtime = arma::conv_to<arma::vec>::from(tape.value(v.states).col(0));
        arma::vec state = h;
        if (kind == rt::CellKind::Lstm)
            state = arma::join_cols(h, arma::vec(kUnits, arma::fill::zeros));
        const arma::vec mapped = map.step(state).head(kUnits);
        CHECK(arma::abs(mapped - runtime).max() < 1e-5);
        // The activity of a state is what evaluations record (phi(h) for the ctrnn).
        const arma::vec rates = arma::conv_to<arma::vec>::from(tape.value(v.rates).col(0));
        CHECK(arma::abs(map.activity(map.step(state)) - rates).max() < 1e-5);
    }
}

TEST_CASE("cell maps: the lstm's recorded cell states continue the runtime's trajectory") {
    rt::Network<float> net = make_net(rt::CellKind::Lstm);
    const arma::vec x = random_vec(kInputs, 6);
    const s::CellMap map = s::cell_map(net, x);
    net.find("c0")->raw = arma::conv_to<arma::fmat>::from(random_vec(kUnits, 7));
    constexpr arma::uword kSteps = 6;
    const arma::fmat inputs = arma::repmat(arma::conv_to<arma::fmat>::from(x), 1, kSteps);
    rt::Tape<float> tape;
    const rt::NetworkVars plain = rt::forward(tape, net, inputs, 1);
    CHECK_FALSE(plain.cells.valid());
    const rt::NetworkVars v =
        rt::forward(tape, net, inputs, 1, static_cast<const arma::fmat*>(nullptr),
                    std::optional<float>{}, 0, true);
    REQUIRE(v.cells.valid());
    const arma::mat h = arma::conv_to<arma::mat>::from(tape.value(v.states));
    const arma::mat c = arma::conv_to<arma::mat>::from(tape.value(v.cells));
    REQUIRE(c.n_rows == kUnits);
    REQUIRE(c.n_cols == kSteps);
    CHECK(arma::abs(c).max() > 0.05);  // the cell state is not the map's old guess of 0
    for (arma::uword t = 0; t + 1 < kSteps; ++t) {
        CAPTURE(t);
        const arma::vec state = map.state_of_activity(h.col(t), c.col(t));
        const arma::vec next = map.step(state);
        CHECK(arma::abs(next.head(kUnits) - h.col(t + 1)).max() < 1e-5);
        CHECK(arma::abs(next.tail(kUnits) - c.col(t + 1)).max() < 1e-5);
        CHECK(arma::abs(map.activity(state) - h.col(t)).max() < 1e-12);
    }
    // Without a recorded cell state the lstm's state starts its cell at 0.
    const arma::vec guess = map.state_of_activity(h.col(0), arma::vec());
    CHECK(arma::abs(guess.tail(kUnits)).max() == 0.0);
}

TEST_CASE("cell maps: the plastic network has none, and a ctrnn needs an invertible activation") {
    rt::NetworkShape shape;
    shape.kind = rt::CellKind::Ctrnn;
    shape.units = 3;
    shape.inputs = 1;
    rt::Network<float> net = rt::default_network<float>(
        shape, [](const std::string& n) { return rt::RandomStream(rt::stream_key(1, n)); });
    net.activation = rt::Activation::Relu;
    CHECK_THROWS_AS(s::cell_map(net, arma::vec(1, arma::fill::zeros)), std::invalid_argument);
    net.shape.kind = rt::CellKind::Plastic;
    CHECK_THROWS_AS(s::cell_map(net, arma::vec(1, arma::fill::zeros)), std::invalid_argument);
}
