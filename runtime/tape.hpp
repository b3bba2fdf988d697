// A reverse-mode tape over whole matrices. Each recorded op stores its value and a
// backward function written by hand next to its forward (see ops.hpp, rnn_cell.hpp). The
// reverse pass is an explicit loop over the nodes in reverse creation order: no recursion,
// no global tape, so a 1000-step unrolled sequence cannot overflow the stack.
//
// The tape is templated on the scalar: float for training, double for gradient checks.
// Shapes follow the runtime convention: features x batch; a sequence is features x
// (batch * time) with time-major column blocks (column t * batch + b).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <armadillo>

namespace rnn::rt {

struct Var {
    std::uint32_t index = UINT32_MAX;

    bool valid() const { return index != UINT32_MAX; }
};

template <typename T> class Tape {
public:
    using Mat = arma::Mat<T>;
    // Called with the tape, the gradient of the node's own output and that output's value;
    // adds into the gradients of its inputs through grad().
    using Backward = std::function<void(Tape&, const Mat& output_grad, const Mat& output)>;

    // A value that receives no gradient.
    Var constant(Mat value) { return push(std::move(value), false, {}); }

    // A leaf whose gradient is wanted (a parameter being trained).
    Var leaf(Mat value) { return push(std::move(value), true, {}); }

    // Records an op. needs_grad says whether any input needs a gradient; if none does,
    // the backward is dropped.
    Var record(Mat value, bool needs_grad, Backward backward) {
        return push(std::move(value), needs_grad, needs_grad ? std::move(backward) : Backward{});
    }

    const Mat& value(Var v) const { return nodes_.at(v.index).value; }

    bool needs_grad(Var v) const { return nodes_.at(v.index).needs_grad; }

    // The accumulated gradient of a node, allocated as zeros on first use.
    Mat& grad(Var v) {
        Node& node = nodes_.at(v.index);
        if (node.grad.n_elem != node.value.n_elem || node.grad.n_rows != node.value.n_rows)
            node.grad.zeros(node.value.n_rows, node.value.n_cols);
        return node.grad;
    }

    bool has_grad(Var v) const {
        const Node& node = nodes_.at(v.index);
        return node.grad.n_elem == node.value.n_elem && node.value.n_elem > 0;
    }

    // Reverse pass from a scalar (1 x 1) output.
    void backward(Var output) {
        if (value(output).n_elem != 1)
            throw std::logic_error("Tape::backward: the output must be a scalar");
        grad(output).fill(T(1));
        for (std::uint32_t i = output.index + 1; i-- > 0;) {
            Node& node = nodes_[i];
            if (!node.backward || node.grad.n_elem == 0)
                continue;
            // backward may allocate gradients of earlier nodes but records no node, so
            // references into nodes_ stay valid.
            node.backward(*this, node.grad, node.value);
        }
    }

    std::size_t size() const { return nodes_.size(); }

    // Drops all nodes, keeping the vector's capacity for the next step.
    void clear() { nodes_.clear(); }

private:
    struct Node {
        Mat value;
        Mat grad;
        bool needs_grad = false;
        Backward backward;
    };

    Var push(Mat value, bool needs_grad, Backward backward) {
        nodes_.push_back(Node{std::move(value), Mat(), needs_grad, std::move(backward)});
        return Var{static_cast<std::uint32_t>(nodes_.size() - 1)};
    }

    std::vector<Node> nodes_;
};

}  // namespace rnn::rt
