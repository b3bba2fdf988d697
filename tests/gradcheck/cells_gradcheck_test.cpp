// The fused GRU, LSTM and CTRNN cells and the RNN cell's state noise, checked against
// finite differences in double over several steps, w.r.t. every input: weights, biases, the
// input sequence and the initial state(s).
#include <string>

#include <doctest/doctest.h>

#include "runtime/ctrnn_cell.hpp"
#include "runtime/gru_cell.hpp"
#include "runtime/lstm_cell.hpp"
#include "runtime/rnn_cell.hpp"
#include "tests/gradcheck/gradcheck.hpp"

using rnn::rt::Var;
using rnn::test::check_gradients;
using rnn::test::random_matrix;
using rnn::test::Tape;
namespace rt = rnn::rt;

namespace {

constexpr arma::uword kUnits = 5, kInputs = 2, kBatch = 3, kSteps = 4;

}  // namespace

TEST_CASE("rnn_unroll with state noise matches finite differences") {
    const arma::mat W = random_matrix(kUnits, kUnits, 100, 0.4);
    const arma::mat U = random_matrix(kUnits, kInputs, 101, 0.5);
    const arma::mat b = random_matrix(kUnits, 1, 102, 0.3);
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 103);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 104, 0.5);
    const arma::mat noise = random_matrix(kUnits, kBatch * kSteps, 105, 0.3);
    for (const auto a : {rt::Activation::Tanh, rt::Activation::Softplus, rt::Activation::Sigmoid}) {
        check_gradients(
            {W, U, b, X, h0},
            [a, &noise](Tape& t, const std::vector<Var>& v) {
                return rt::rnn_unroll(t, v[0], v[1], v[2], v[3], v[4], kBatch, a, &noise);
            },
            std::string("rnn_unroll noise ") + std::string(rt::activation_name(a)));
    }
}

TEST_CASE("gru_unroll matches finite differences for every input, with and without biases") {
    const arma::mat Wi = random_matrix(3 * kUnits, kInputs, 110, 0.5);
    const arma::mat Ws = random_matrix(3 * kUnits, kUnits, 111, 0.5);
    const arma::mat bi = random_matrix(3 * kUnits, 1, 112, 0.3);
    const arma::mat bs = random_matrix(3 * kUnits, 1, 113, 0.3);
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 114);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 115, 0.5);
    const arma::mat noise = random_matrix(kUnits, kBatch * kSteps, 116, 0.3);
    check_gradients(
        {Wi, Ws, bi, bs, X, h0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::gru_unroll(t, v[0], v[1], v[2], v[3], v[4], v[5], kBatch);
        },
        "gru_unroll both biases");
    check_gradients(
        {Wi, Ws, X, h0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::gru_unroll(t, v[0], v[1], Var{}, Var{}, v[2], v[3], kBatch);
        },
        "gru_unroll no biases");
    check_gradients(
        {Wi, Ws, bs, X, h0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::gru_unroll(t, v[0], v[1], Var{}, v[2], v[3], v[4], kBatch);
        },
        "gru_unroll b_self only");
    check_gradients(
        {Wi, Ws, bi, X, h0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::gru_unroll(t, v[0], v[1], v[2], Var{}, v[3], v[4], kBatch);
        },
        "gru_unroll b_input only");
    check_gradients(
        {Wi, Ws, bi, bs, X, h0},
        [&noise](Tape& t, const std::vector<Var>& v) {
            return rt::gru_unroll(t, v[0], v[1], v[2], v[3], v[4], v[5], kBatch, &noise);
        },
        "gru_unroll noise");
}

TEST_CASE("lstm_unroll matches finite differences for every input, with and without biases") {
    const arma::mat Wi = random_matrix(4 * kUnits, kInputs, 120, 0.5);
    const arma::mat Ws = random_matrix(4 * kUnits, kUnits, 121, 0.5);
    const arma::mat bi = random_matrix(4 * kUnits, 1, 122, 0.3);
    const arma::mat bs = random_matrix(4 * kUnits, 1, 123, 0.3);
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 124);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 125, 0.5);
    const arma::mat c0 = random_matrix(kUnits, kBatch, 126, 0.8);
    const arma::mat noise = random_matrix(kUnits, kBatch * kSteps, 127, 0.3);
    check_gradients(
        {Wi, Ws, bi, bs, X, h0, c0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::lstm_unroll(t, v[0], v[1], v[2], v[3], v[4], v[5], v[6], kBatch);
        },
        "lstm_unroll both biases");
    check_gradients(
        {Wi, Ws, X, h0, c0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::lstm_unroll(t, v[0], v[1], Var{}, Var{}, v[2], v[3], v[4], kBatch);
        },
        "lstm_unroll no biases");
    check_gradients(
        {Wi, Ws, bs, X, h0, c0},
        [](Tape& t, const std::vector<Var>& v) {
            return rt::lstm_unroll(t, v[0], v[1], Var{}, v[2], v[3], v[4], v[5], kBatch);
        },
        "lstm_unroll b_self only");
    check_gradients(
        {Wi, Ws, bi, bs, X, h0, c0},
        [&noise](Tape& t, const std::vector<Var>& v) {
            return rt::lstm_unroll(t, v[0], v[1], v[2], v[3], v[4], v[5], v[6], kBatch, &noise);
        },
        "lstm_unroll noise");
}

TEST_CASE("ctrnn_unroll matches finite differences for every input and several activations") {
    const arma::mat G = random_matrix(kUnits, kUnits, 130, 1.0 / std::sqrt(double(kUnits)));
    const arma::mat I = random_matrix(kUnits, kInputs, 131);
    const arma::mat b = random_matrix(kUnits, 1, 132, 0.3);
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 133);
    const arma::mat h0 = random_matrix(kUnits, kBatch, 134, 0.5);
    const arma::mat noise = random_matrix(kUnits, kBatch * kSteps, 135, 0.2);
    const double alpha = 0.3, gain = 1.5;
    for (const auto a : {rt::Activation::Tanh, rt::Activation::Softplus, rt::Activation::Sigmoid}) {
        const std::string name(rt::activation_name(a));
        check_gradients(
            {G, I, b, X, h0},
            [a, alpha, gain](Tape& t, const std::vector<Var>& v) {
                return rt::ctrnn_unroll(t, v[0], v[1], v[2], v[3], v[4], kBatch, alpha, gain, a);
            },
            "ctrnn_unroll bias " + name);
        check_gradients(
            {G, I, X, h0},
            [a, alpha, gain](Tape& t, const std::vector<Var>& v) {
                return rt::ctrnn_unroll(t, v[0], v[1], Var{}, v[2], v[3], kBatch, alpha, gain, a);
            },
            "ctrnn_unroll no bias " + name);
        check_gradients(
            {G, I, b, X, h0},
            [a, alpha, gain, &noise](Tape& t, const std::vector<Var>& v) {
                return rt::ctrnn_unroll(t, v[0], v[1], v[2], v[3], v[4], kBatch, alpha, gain, a,
                                        &noise);
            },
            "ctrnn_unroll noise " + name);
    }
    // Seed 002's setting: G fixed (a constant), only I and the input trained, h0 = 0.
    check_gradients(
        {I, X},
        [&G, alpha, gain](Tape& t, const std::vector<Var>& v) {
            return rt::ctrnn_unroll(t, t.constant(G), v[0], Var{}, v[1],
                                    t.constant(arma::mat(kUnits, kBatch, arma::fill::zeros)),
                                    kBatch, alpha, gain, rt::Activation::Tanh);
        },
        "ctrnn_unroll fixed G");
}

TEST_CASE("a loss through two stacked cells matches finite differences") {
    // The GRU states feed a CTRNN as its input: gradients must flow through both fused ops.
    const arma::mat Wi = random_matrix(3 * kUnits, kInputs, 140, 0.5);
    const arma::mat Ws = random_matrix(3 * kUnits, kUnits, 141, 0.5);
    const arma::mat G = random_matrix(kUnits, kUnits, 142, 0.4);
    const arma::mat I = random_matrix(kUnits, kUnits, 143, 0.5);
    const arma::mat X = random_matrix(kInputs, kBatch * kSteps, 144);
    check_gradients(
        {Wi, Ws, G, I, X},
        [](Tape& t, const std::vector<Var>& v) {
            const Var zero = t.constant(arma::mat(kUnits, kBatch, arma::fill::zeros));
            const Var h = rt::gru_unroll(t, v[0], v[1], Var{}, Var{}, v[4], zero, kBatch);
            return rt::ctrnn_unroll(t, v[2], v[3], Var{}, h, zero, kBatch, 0.4, 1.2,
                                    rt::Activation::Tanh);
        },
        "gru into ctrnn");
}
