#include "stdlib/analyses/cell_maps.hpp"

#include <cmath>
#include <stdexcept>

#include "runtime/activation.hpp"
#include "runtime/parameter.hpp"

namespace rnn::stdlib {

namespace {

using R = rt::TensorRole;

// The effective value of the tensor with this role in double, or zeros of the given size
// when the network has none (no bias).
arma::mat tensor(const rt::Network<float>& net, rt::TensorRole role, arma::uword rows,
                 arma::uword cols) {
    const rt::Parameter<float>* p = net.find(rt::tensor_name(net.shape.kind, role));
    if (p == nullptr)
        return arma::mat(rows, cols, arma::fill::zeros);
    return arma::conv_to<arma::mat>::from(rt::effective_value(*p));
}

arma::vec sigmoid(const arma::vec& a) {
    return 1.0 / (1.0 + arma::exp(-a));
}

arma::vec phi(rt::Activation a, arma::vec x) {
    rt::apply_activation(a, x);
    return x;
}

// phi'(x) for the activations with a derivative everywhere used here.
arma::vec phi_prime(rt::Activation a, const arma::vec& x) {
    const arma::vec y = phi(a, x);
    arma::vec d(x.n_elem, arma::fill::ones);
    rt::multiply_by_derivative(a, y, d);
    return d;
}

CellMap rnn_map(const rt::Network<float>& net, const arma::vec& x) {
    const arma::uword n = net.units();
    const arma::mat W = tensor(net, R::Recurrent, n, n);
    const arma::vec drive = tensor(net, R::Input, n, x.n_elem) * x + tensor(net, R::Bias, n, 1);
    const rt::Activation act = net.activation;
    CellMap m;
    m.state_size = n;
    m.step = [=](const arma::vec& h) {
        return phi(act, W * h + drive);
    };
    m.jacobian = [=](const arma::vec& h) {
        return arma::mat(arma::diagmat(phi_prime(act, W * h + drive)) * W);
    };
    m.activity = [](const arma::vec& h) {
        return h;
    };
    m.state_of_activity = [](const arma::vec& a, const arma::vec&) {
        return a;
    };
    return m;
}

CellMap ctrnn_map(const rt::Network<float>& net, const arma::vec& x) {
    const arma::uword n = net.units();
    const arma::mat G = net.gain * tensor(net, R::Recurrent, n, n);
    const arma::vec drive = tensor(net, R::Input, n, x.n_elem) * x + tensor(net, R::Bias, n, 1);
    const double alpha = net.alpha;
    const rt::Activation act = net.activation;
    if (act != rt::Activation::Tanh && act != rt::Activation::Sigmoid
        && act != rt::Activation::Linear && act != rt::Activation::Softplus)
        throw std::invalid_argument(
            "fixed points of a ctrnn start from its rates, which needs an invertible activation "
            "(tanh, sigmoid, softplus or linear)");
    CellMap m;
    m.state_size = n;
    m.step = [=](const arma::vec& h) {
        return arma::vec(h + alpha * (-h + G * phi(act, h) + drive));
    };
    m.jacobian = [=](const arma::vec& h) {
        arma::mat J = alpha * G * arma::diagmat(phi_prime(act, h));
        J.diag() += 1.0 - alpha;
        return J;
    };
    m.activity = [=](const arma::vec& h) {
        return phi(act, h);
    };
    m.state_of_activity = [=](const arma::vec& r, const arma::vec&) {
        constexpr double edge = 1.0 - 1e-9;
        switch (act) {
            case rt::Activation::Tanh:
                return arma::vec(arma::atanh(arma::clamp(r, -edge, edge)));
            case rt::Activation::Sigmoid: {
                const arma::vec c = arma::clamp(r, 1.0 - edge, edge);
                return arma::vec(arma::log(c / (1.0 - c)));
            }
            case rt::Activation::Softplus: {
                const arma::vec c = arma::clamp(r, 1e-12, 1e12);
                return arma::vec(arma::log(arma::expm1(c)));
            }
            default:
                return r;
        }
    };
    return m;
}

CellMap gru_map(const rt::Network<float>& net, const arma::vec& x) {
    const arma::uword n = net.units();
    const arma::mat Wh = tensor(net, R::Recurrent, 3 * n, n);
    const arma::vec xi =
        tensor(net, R::Input, 3 * n, x.n_elem) * x + tensor(net, R::InputBias, 3 * n, 1);
    const arma::vec bh = tensor(net, R::RecurrentBias, 3 * n, 1);

    struct Gates {
        arma::vec r, z, nn, hn;
    };

    auto gates = [=](const arma::vec& h) {
        const arma::vec a = Wh * h + bh;
        Gates g;
        g.r = sigmoid(xi.rows(0, n - 1) + a.rows(0, n - 1));
        g.z = sigmoid(xi.rows(n, 2 * n - 1) + a.rows(n, 2 * n - 1));
        g.hn = a.rows(2 * n, 3 * n - 1);
        g.nn = arma::tanh(xi.rows(2 * n, 3 * n - 1) + g.r % g.hn);
        return g;
    };
    CellMap m;
    m.state_size = n;
    m.step = [=](const arma::vec& h) {
        const Gates g = gates(h);
        return arma::vec((1.0 - g.z) % g.nn + g.z % h);
    };
    m.jacobian = [=](const arma::vec& h) {
        const Gates g = gates(h);
        const arma::mat dr = arma::diagmat(g.r % (1.0 - g.r)) * Wh.rows(0, n - 1);
        const arma::mat dz = arma::diagmat(g.z % (1.0 - g.z)) * Wh.rows(n, 2 * n - 1);
        const arma::mat dn =
            arma::diagmat(1.0 - g.nn % g.nn)
            * (arma::diagmat(g.hn) * dr + arma::diagmat(g.r) * Wh.rows(2 * n, 3 * n - 1));
        arma::mat J = arma::diagmat(1.0 - g.z) * dn + arma::diagmat(h - g.nn) * dz;
        J.diag() += g.z;
        return J;
    };
    m.activity = [](const arma::vec& h) {
        return h;
    };
    m.state_of_activity = [](const arma::vec& a, const arma::vec&) {
        return a;
    };
    return m;
}

CellMap lstm_map(const rt::Network<float>& net, const arma::vec& x) {
    const arma::uword n = net.units();
    const arma::mat Wh = tensor(net, R::Recurrent, 4 * n, n);
    const arma::vec drive = tensor(net, R::Input, 4 * n, x.n_elem) * x
                            + tensor(net, R::InputBias, 4 * n, 1)
                            + tensor(net, R::RecurrentBias, 4 * n, 1);

    struct Gates {
        arma::vec i, f, g, o, c, tc;
    };

    auto gates = [=](const arma::vec& s) {
        const arma::vec a = Wh * s.rows(0, n - 1) + drive;
        Gates q;
        q.i = sigmoid(a.rows(0, n - 1));
        q.f = sigmoid(a.rows(n, 2 * n - 1));
        q.g = arma::tanh(a.rows(2 * n, 3 * n - 1));
        q.o = sigmoid(a.rows(3 * n, 4 * n - 1));
        q.c = q.f % s.rows(n, 2 * n - 1) + q.i % q.g;
        q.tc = arma::tanh(q.c);
        return q;
    };
    CellMap m;
    m.state_size = 2 * n;
    m.step = [=](const arma::vec& s) {
        const Gates q = gates(s);
        return arma::vec(arma::join_cols(q.o % q.tc, q.c));
    };
    m.jacobian = [=](const arma::vec& s) {
        const Gates q = gates(s);
        const arma::vec c_prev = s.rows(n, 2 * n - 1);
        // dc/dh through the i, f and g gates; dc/dc_prev = f.
        const arma::mat dc_dh =
            arma::diagmat(c_prev % q.f % (1.0 - q.f)) * Wh.rows(n, 2 * n - 1)
            + arma::diagmat(q.g % q.i % (1.0 - q.i)) * Wh.rows(0, n - 1)
            + arma::diagmat(q.i % (1.0 - q.g % q.g)) * Wh.rows(2 * n, 3 * n - 1);
        const arma::vec dtc = q.o % (1.0 - q.tc % q.tc);
        arma::mat J(2 * n, 2 * n);
        J.submat(0, 0, n - 1, n - 1) =
            arma::diagmat(q.tc % q.o % (1.0 - q.o)) * Wh.rows(3 * n, 4 * n - 1)
            + arma::diagmat(dtc) * dc_dh;
        J.submat(0, n, n - 1, 2 * n - 1) = arma::diagmat(dtc % q.f);
        J.submat(n, 0, 2 * n - 1, n - 1) = dc_dh;
        J.submat(n, n, 2 * n - 1, 2 * n - 1) = arma::diagmat(q.f);
        return J;
    };
    m.activity = [=](const arma::vec& s) {
        return arma::vec(s.rows(0, n - 1));
    };
    m.state_of_activity = [=](const arma::vec& h, const arma::vec& c) {
        if (!c.is_empty() && c.n_elem != n)
            throw std::invalid_argument("lstm cell state of the wrong size");
        return arma::vec(arma::join_cols(h, c.is_empty() ? arma::vec(n, arma::fill::zeros) : c));
    };
    return m;
}

}  // namespace

CellMap cell_map(const rt::Network<float>& net, const arma::vec& input) {
    switch (net.shape.kind) {
        case rt::CellKind::Rnn:
            return rnn_map(net, input);
        case rt::CellKind::Ctrnn:
            return ctrnn_map(net, input);
        case rt::CellKind::Gru:
            return gru_map(net, input);
        case rt::CellKind::Lstm:
            return lstm_map(net, input);
        case rt::CellKind::Plastic:
            break;
    }
    throw std::invalid_argument(
        "the plastic network has no fixed one-step map (its fast weights change within a "
        "trial), so it has no fixed points to find");
}

}  // namespace rnn::stdlib
