#include "runtime/online_cells.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "runtime/parameter.hpp"

namespace rnn::rt {

namespace {

// out = scale * (the sum of each row of a over its columns), out preallocated.
template <typename T> void row_sums_into(const arma::Mat<T>& a, arma::Mat<T>& out, T scale) {
    T* o = out.memptr();
    for (arma::uword j = 0; j < a.n_rows; ++j)
        o[j] = T(0);
    for (arma::uword c = 0; c < a.n_cols; ++c) {
        const T* col = a.colptr(c);
        for (arma::uword j = 0; j < a.n_rows; ++j)
            o[j] += col[j];
    }
    if (scale != T(1))
        for (arma::uword j = 0; j < a.n_rows; ++j)
            o[j] *= scale;
}

// Every column of m set to the column c.
template <typename T> void broadcast(const arma::Mat<T>& c, arma::Mat<T>& m) {
    for (arma::uword b = 0; b < m.n_cols; ++b)
        std::copy(c.memptr(), c.memptr() + m.n_rows, m.colptr(b));
}

template <typename T> void copy_into(const arma::Mat<T>& from, arma::Mat<T>& to, const char* what) {
    if (to.n_rows != from.n_rows || to.n_cols != from.n_cols)
        throw std::invalid_argument(std::string("online learner: ") + what
                                    + " has the wrong shape");
    std::copy(from.memptr(), from.memptr() + from.n_elem, to.memptr());
}

}  // namespace

template <typename T>
OnlineCellLearner<T>::OnlineCellLearner(Network<T>& net, UpdateRule rule, Optimizer<T>& optimizer,
                                        double clip_norm, RandomStream feedback_stream)
    : net_(net)
    , kind_(net.shape.kind)
    , traits_(cell_traits(net.shape.kind))
    , rule_(rule)
    , optimizer_(optimizer)
    , clip_norm_(clip_norm)
    , units_(net.shape.units)
    , inputs_(net.shape.inputs)
    , outputs_(net.shape.outputs)
    , alpha_(static_cast<T>(net.alpha))
    , gain_(static_cast<T>(net.gain)) {
    if (!traits_.fused)
        throw std::invalid_argument(
            "online learner: only rnn, gru, lstm and ctrnn networks learn step by step here");
    if (rule_ == UpdateRule::Bptt)
        throw std::invalid_argument("online learner: bptt is not an online rule");
    if (!supports(traits_, rule_))
        throw std::invalid_argument(
            std::string("online learner: dfa needs a layer whose activations it can reach, and ")
            + std::string(cell_kind_name(kind_))
            + "'s gates are not layers: use dfa with rnn or ctrnn, or backprop");
    if (outputs_ == 0)
        throw std::invalid_argument("online learner: the network needs a readout (outputs > 0)");
    if (net.noise != 0.0)
        throw std::invalid_argument("online learner: no state noise while learning online");
    for (const Parameter<T>& p : net.params)
        if (p.constraint.any())
            throw std::invalid_argument("online learner: tensor " + p.name
                                        + " has a constraint other than fixed");

    auto role = [&](TensorRole r, arma::Mat<T>*& value) {
        Parameter<T>* p = net.find(tensor_name(kind_, r));
        value = p != nullptr ? &p->raw : nullptr;
    };
    role(TensorRole::Recurrent, w_rec_);
    role(TensorRole::Input, w_in_);
    role(TensorRole::Bias, bias_);
    role(TensorRole::InputBias, b_input_);
    role(TensorRole::RecurrentBias, b_self_);
    role(TensorRole::Readout, readout_);
    role(TensorRole::ReadoutBias, readout_bias_);
    role(TensorRole::InitialState, h0_);
    role(TensorRole::InitialCellState, c0_);
    if (w_rec_ == nullptr || w_in_ == nullptr || readout_ == nullptr || h0_ == nullptr
        || (traits_.cell_state && c0_ == nullptr))
        throw std::invalid_argument("online learner: the network lacks a tensor of its kind");
    if (inputs_ == 0)
        inputs_ = w_in_->n_cols;

    // The trained tensors in the network's order; gradient buffers sized once (grads_ is
    // reserved so the pointers into it stay valid).
    grads_.reserve(net.params.size());
    for (Parameter<T>& p : net.params) {
        if (!p.trainable() || &p.raw == h0_ || &p.raw == c0_)
            continue;
        grads_.emplace_back(p.raw.n_rows, p.raw.n_cols, arma::fill::zeros);
        arma::Mat<T>* g = &grads_.back();
        names_.push_back(p.name);
        params_.push_back(&p.raw);
        grads_mut_.push_back(g);
        grads_const_.push_back(g);
        if (&p.raw == w_rec_)
            g_rec_ = g;
        else if (&p.raw == w_in_)
            g_in_ = g;
        else if (&p.raw == bias_)
            g_bias_ = g;
        else if (&p.raw == b_input_)
            g_b_input_ = g;
        else if (&p.raw == b_self_)
            g_b_self_ = g;
        else if (&p.raw == readout_)
            g_readout_ = g;
        else if (&p.raw == readout_bias_)
            g_readout_bias_ = g;
        else
            throw std::invalid_argument("online learner: no rule for tensor " + p.name);
    }

    if (rule_ == UpdateRule::Dfa) {
        feedback_.set_size(units_, outputs_);
        initialize(feedback_, Initializer{InitKind::XavierNormal, 1.0, 0.0}, feedback_stream);
    }
}

template <typename T> void OnlineCellLearner<T>::begin(arma::uword batch) {
    if (batch == 0)
        throw std::invalid_argument("online learner: a batch of no trials");
    const arma::uword n = units_, g = traits_.gates * units_;
    if (batch != batch_) {
        batch_ = batch;
        h_prev_.set_size(n, batch);
        h_.set_size(n, batch);
        pre_.set_size(g, batch);
        y_.set_size(outputs_, batch);
        e_.set_size(outputs_, batch);
        dh_.set_size(n, batch);
        da_.set_size(g, batch);
        if (traits_.rates_differ) {
            rate_prev_.set_size(n, batch);
            rate_.set_size(n, batch);
        }
        if (kind_ == CellKind::Gru) {
            hp_.set_size(g, batch);
            hn_.set_size(n, batch);
            dhp_.set_size(g, batch);
            bhn_.set_size(n);
            carry_.set_size(n, batch);
        }
        if (traits_.cell_state) {
            c_prev_.set_size(n, batch);
            c_.set_size(n, batch);
            tc_.set_size(n, batch);
            zero_h_.zeros(n, batch);
            carry_.set_size(n, batch);
        }
    }
    if (h0_->n_rows != n || h0_->n_cols != 1)
        throw std::invalid_argument("online learner: h0 must be units x 1");
    broadcast(*h0_, h_prev_);
    if (traits_.cell_state)
        broadcast(*c0_, c_prev_);
}

template <typename T> void OnlineCellLearner<T>::forward_step(const arma::Mat<T>& x) {
    const arma::uword n = units_, batch = batch_;
    switch (kind_) {
        case CellKind::Rnn: {
            // As rnn_unroll: W_input x + b, then W_self h_{t-1} added in place, then phi.
            h_ = (*w_in_) * x;
            if (bias_ != nullptr)
                for (arma::uword b = 0; b < batch; ++b) {
                    T* col = h_.colptr(b);
                    const T* bv = bias_->memptr();
                    for (arma::uword j = 0; j < n; ++j)
                        col[j] += bv[j];
                }
            h_ += (*w_rec_) * h_prev_;
            apply_activation(net_.activation, h_);
            y_ = (*readout_) * h_;
            break;
        }
        case CellKind::Ctrnn: {
            // As ctrnn_unroll: alpha (I x + b) + (1 - alpha) h_{t-1} + alpha gain G phi(h_{t-1}).
            const T leak = T(1) - alpha_, coupling = alpha_ * gain_;
            std::copy(h_prev_.memptr(), h_prev_.memptr() + h_prev_.n_elem, rate_prev_.memptr());
            apply_activation(net_.activation, rate_prev_);
            h_ = (*w_in_) * x;
            const T* bv = bias_ != nullptr ? bias_->memptr() : nullptr;
            for (arma::uword b = 0; b < batch; ++b) {
                T* col = h_.colptr(b);
                const T* prev = h_prev_.colptr(b);
                for (arma::uword j = 0; j < n; ++j)
                    col[j] = alpha_ * (col[j] + (bv != nullptr ? bv[j] : T(0)));
                for (arma::uword j = 0; j < n; ++j)
                    col[j] += leak * prev[j];
            }
            h_ += coupling * (*w_rec_) * rate_prev_;
            std::copy(h_.memptr(), h_.memptr() + h_.n_elem, rate_.memptr());
            apply_activation(net_.activation, rate_);
            y_ = readout_->t() * rate_;
            break;
        }
        case CellKind::Gru: {
            pre_ = (*w_in_) * x;
            detail::gru_add_biases<T>(pre_, b_input_, b_self_);
            hp_ = (*w_rec_) * h_prev_;
            if (b_self_ != nullptr)
                std::copy(b_self_->memptr() + 2 * n, b_self_->memptr() + 3 * n, bhn_.memptr());
            else
                bhn_.zeros();
            detail::gru_pointwise(n, batch, pre_.memptr(), hp_.memptr(), bhn_.memptr(),
                                  h_prev_.memptr(), h_.memptr(), da_.memptr(), hn_.memptr(),
                                  static_cast<const T*>(nullptr));
            // da_ holds the gates [r; z; n] until the gradients overwrite it; keep them in pre_.
            pre_.swap(da_);
            y_ = (*readout_) * h_;
            break;
        }
        case CellKind::Lstm: {
            pre_ = (*w_in_) * x;
            detail::add_to_columns<T>(pre_, b_input_);
            detail::add_to_columns<T>(pre_, b_self_);
            pre_ += (*w_rec_) * h_prev_;
            detail::lstm_pointwise(n, batch, pre_.memptr(), c_prev_.memptr(), c_.memptr(),
                                   tc_.memptr(), h_.memptr(), static_cast<const T*>(nullptr));
            y_ = (*readout_) * h_;
            break;
        }
        default:
            throw std::logic_error("online learner: unknown cell kind");
    }
    if (readout_bias_ != nullptr)
        for (arma::uword b = 0; b < batch; ++b) {
            T* col = y_.colptr(b);
            const T* bv = readout_bias_->memptr();
            for (arma::uword o = 0; o < outputs_; ++o)
                col[o] += bv[o];
        }
}

template <typename T> void OnlineCellLearner<T>::gradients(const arma::Mat<T>& x) {
    const arma::uword n = units_, batch = batch_;
    const bool dfa = rule_ == UpdateRule::Dfa;
    // The readout's true gradient under both rules.
    const arma::Mat<T>& rates = traits_.rates_differ ? rate_ : h_;
    if (g_readout_ != nullptr) {
        if (traits_.readout_transposed)
            *g_readout_ = rates * e_.t();  // y = w^T r: dw = r e^T
        else
            *g_readout_ = e_ * rates.t();
    }
    if (g_readout_bias_ != nullptr)
        row_sums_into(e_, *g_readout_bias_, T(1));

    // dL/dh (backprop) or DFA's projected error, into dh_.
    if (dfa)
        dh_ = feedback_ * e_;
    else if (traits_.readout_transposed)
        dh_ = (*readout_) * e_;  // dL/dr, times phi'(h) below
    else
        dh_ = readout_->t() * e_;

    switch (kind_) {
        case CellKind::Rnn: {
            multiply_by_derivative(net_.activation, h_, dh_);  // dh_ is now dL/da
            if (g_rec_ != nullptr)
                *g_rec_ = dh_ * h_prev_.t();
            if (g_in_ != nullptr)
                *g_in_ = dh_ * x.t();
            if (g_bias_ != nullptr)
                row_sums_into(dh_, *g_bias_, T(1));
            break;
        }
        case CellKind::Ctrnn: {
            multiply_by_derivative(net_.activation, rate_, dh_);  // dL/dh_t
            if (g_rec_ != nullptr)
                *g_rec_ = (alpha_ * gain_) * dh_ * rate_prev_.t();
            if (g_in_ != nullptr)
                *g_in_ = alpha_ * dh_ * x.t();
            if (g_bias_ != nullptr)
                row_sums_into(dh_, *g_bias_, alpha_);
            break;
        }
        case CellKind::Gru: {
            // pre_ holds the gates [r; z; n]; da_ gets the input-side gradients, dhp_ the
            // recurrent-side ones. The carry (dL/dh_{t-1}) is not used: h_{t-1} is detached.
            carry_.zeros();
            for (arma::uword b = 0; b < batch; ++b) {
                const T* g = pre_.colptr(b);
                T* dx = da_.colptr(b);
                T* dr = dhp_.colptr(b);
                detail::gru_backward_column(n, g, g + n, g + 2 * n, hn_.colptr(b), dh_.colptr(b),
                                            h_prev_.colptr(b), carry_.colptr(b), dx, dx + n,
                                            dx + 2 * n, dr, dr + n, dr + 2 * n);
            }
            if (g_rec_ != nullptr)
                *g_rec_ = dhp_ * h_prev_.t();
            if (g_in_ != nullptr)
                *g_in_ = da_ * x.t();
            if (g_b_input_ != nullptr)
                row_sums_into(da_, *g_b_input_, T(1));
            if (g_b_self_ != nullptr)
                row_sums_into(dhp_, *g_b_self_, T(1));
            break;
        }
        case CellKind::Lstm: {
            // pre_ holds the gates [i; f; g; o]; no carry from the future (one step) and
            // none into the past (h_{t-1}, c_{t-1} detached).
            carry_.zeros();
            for (arma::uword b = 0; b < batch; ++b) {
                const T* g = pre_.colptr(b);
                T* da = da_.colptr(b);
                detail::lstm_backward_column(n, g, g + n, g + 2 * n, g + 3 * n, tc_.colptr(b),
                                             dh_.colptr(b), c_prev_.colptr(b), zero_h_.colptr(b),
                                             carry_.colptr(b), da, da + n, da + 2 * n, da + 3 * n);
            }
            if (g_rec_ != nullptr)
                *g_rec_ = da_ * h_prev_.t();
            if (g_in_ != nullptr)
                *g_in_ = da_ * x.t();
            if (g_b_input_ != nullptr)
                row_sums_into(da_, *g_b_input_, T(1));
            if (g_b_self_ != nullptr)
                row_sums_into(da_, *g_b_self_, T(1));
            break;
        }
        default:
            throw std::logic_error("online learner: unknown cell kind");
    }
}

template <typename T>
bool OnlineCellLearner<T>::any_target(const StepTarget<T>& target, arma::uword batch) {
    for (arma::uword b = 0; b < batch; ++b) {
        if ((*target.weights)(b) == T(0))
            continue;
        if (target.kind == StepLossKind::CrossEntropy && (*target.values)(b) == target.ignore)
            continue;
        return true;
    }
    return false;
}

template <typename T>
void OnlineCellLearner<T>::step(const arma::Mat<T>& x, const StepTarget<T>& target, bool learn,
                                arma::Mat<T>& state, arma::Mat<T>& outputs) {
    if (batch_ == 0)
        throw std::logic_error("online learner: step() before begin()");
    if (x.n_rows != inputs_ || x.n_cols != batch_)
        throw std::invalid_argument("online learner: x must be inputs x batch");
    forward_step(x);
    copy_into(h_, state, "the state");
    copy_into(y_, outputs, "the outputs");
    last_loss_ = 0.0;
    if (target.values != nullptr && target.weights != nullptr) {
        last_loss_ = step_output_error(y_, target, e_) / static_cast<double>(batch_);
        if (learn && !params_.empty() && any_target(target, batch_)) {
            e_ *= T(1) / static_cast<T>(batch_);
            gradients(x);
            if (clip_norm_ > 0.0)
                clip_global_norm(grads_mut_, clip_norm_);
            optimizer_.step(params_, grads_const_);
        }
    }
    h_prev_.swap(h_);
    if (traits_.cell_state)
        c_prev_.swap(c_);
}

template class OnlineCellLearner<float>;
template class OnlineCellLearner<double>;

}  // namespace rnn::rt
