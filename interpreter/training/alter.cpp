// alter: the network of an `alter` from the trained network it changes, and the
// constraints (fixed, lesion masks) that keep the change in anything run on it.
#include <map>

#include <fmt/format.h>

#include "interpreter/training.hpp"
#include "runtime/cell_traits.hpp"

namespace rnn::interp {

void alter_constraints(const AlterDef& def, rt::Network<float>& net) {
    const arma::uword n = net.units();
    std::map<std::string, rt::TensorRole> roles;
    for (const auto& l : rt::tensor_layout(net.shape))
        roles[l.name] = l.role;
    for (auto& p : net.params) {
        p.constraint = rt::Constraint{};
        p.constraint.fixed = true;
        if (def.lesion.empty())
            continue;
        const rt::TensorRole role = roles.count(p.name) ? roles.at(p.name) : rt::TensorRole::Bias;
        arma::mat mask(p.raw.n_rows, p.raw.n_cols, arma::fill::ones);
        bool masked = false;
        for (const long unit : def.lesion) {
            const auto u = static_cast<arma::uword>(unit);
            if (role == rt::TensorRole::Recurrent && p.raw.n_cols == n) {
                // Outgoing: the unit's column; incoming: its row in every gate block.
                mask.col(u).zeros();
                for (arma::uword r = u; r < p.raw.n_rows; r += n)
                    mask.row(r).zeros();
                masked = true;
            } else if (role == rt::TensorRole::Readout) {
                // W_out (outputs x units) reads columns; a transposed readout (ctrnn's w,
                // units x outputs) rows.
                if (rt::cell_traits(net.shape.kind).readout_transposed)
                    mask.row(u).zeros();
                else
                    mask.col(u).zeros();
                masked = true;
            }
        }
        if (masked)
            p.constraint.mask = std::move(mask);
    }
}

TrainedNetwork alter(const AlterDef& def, const TrainedNetwork& base) {
    TrainedNetwork out = base;
    for (auto& p : out.net.params)
        p.raw = rt::effective_value(p);
    for (const auto& op : def.ops) {
        auto& p = *out.net.find(op.tensor);
        if (op.kind == AlterOp::Kind::Scale) {
            p.raw *= static_cast<float>(op.value);
            continue;
        }
        if (static_cast<arma::uword>(op.row) >= p.raw.n_rows
            || static_cast<arma::uword>(op.column) >= p.raw.n_cols)
            throw RuntimeFailure(fmt::format(
                "alter {}: {} is {} x {}, so it has no entry [{}, {}] (indices count from 0)",
                def.name, op.tensor, p.raw.n_rows, p.raw.n_cols, op.row, op.column));
        p.raw(static_cast<arma::uword>(op.row), static_cast<arma::uword>(op.column)) =
            static_cast<float>(op.value);
    }
    alter_constraints(def, out.net);
    return out;
}

}  // namespace rnn::interp
