// The one-step map h -> F(h; x) of a trained network at a constant input x, with its
// Jacobian dF/dh, in double precision: what fixed-point analysis minimises
// q = ||F(h) - h||^2 / 2 over. The equations are the runtime cells' (runtime/*_cell.hpp);
// the Jacobians are written out by hand and checked against finite differences
// (tests/gradcheck/cell_maps_test.cpp).
//
// The state is the cell's full state: h for rnn and gru, x (before the activation) for
// the ctrnn, [h; c] for the lstm (2 x units).
#pragma once

#include <armadillo>

#include "runtime/network.hpp"
#include "stdlib/analyses/fixed_points.hpp"

namespace rnn::stdlib {

struct CellMap {
    StepFunction step;
    StepJacobian jacobian;
    arma::uword state_size = 0;
    // The activity (what evaluations record: phi(x) for the ctrnn, h otherwise) of a state.
    std::function<arma::vec(const arma::vec&)> activity;
    // The state with the given activity (the ctrnn inverts phi) and, for the lstm, the
    // given cell state (the recorded c; 0 when cell is empty). Other kinds ignore cell.
    std::function<arma::vec(const arma::vec& activity, const arma::vec& cell)> state_of_activity;
};

// Throws std::invalid_argument for the plastic network (its fast weights change within a
// trial, so it has no fixed one-step map) and for activations without an inverse
// (ctrnn with relu).
CellMap cell_map(const rt::Network<float>& net, const arma::vec& input);

}  // namespace rnn::stdlib
