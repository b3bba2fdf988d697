#include "runtime/plastic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "runtime/vector_math.hpp"

namespace rnn::rt {

namespace {

// GELU with the error function (torch.nn.functional.gelu's default) and its derivative.
template <typename T> T gelu(T a) {
    return T(0.5) * a * (T(1) + std::erf(a * T(0.70710678118654752440)));
}

template <typename T> T gelu_derivative(T a) {
    return T(0.5) * (T(1) + std::erf(a * T(0.70710678118654752440)))
           + a * std::exp(T(-0.5) * a * a) * T(0.39894228040143267794);
}

template <typename T> arma::Mat<T> slice_view(const arma::Cube<T>& c, arma::uword b) {
    return arma::Mat<T>(const_cast<T*>(c.slice_memptr(b)), c.n_rows, c.n_cols, false, true);
}

template <typename T> arma::Col<T> col_view(const arma::Mat<T>& m, arma::uword b) {
    return arma::Col<T>(const_cast<T*>(m.colptr(b)), m.n_rows, false, true);
}

// The hot kernels are compiled for AVX-512, AVX2 and baseline x86-64, the best chosen when
// the program loads, as vector_math.cpp; every clone does the same IEEE operations in the
// same order (-ffp-contract=off), so results do not depend on the CPU.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RNN_PLASTIC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define RNN_INLINE inline __attribute__((always_inline))
#else
#define RNN_PLASTIC_CLONES
#define RNN_INLINE inline
#endif

// y = c z + bias for one trial (c rows x cols), as columns of axpys, four columns per pass
// over y. A BLAS GEMV per trial was 15 % faster at one thread, but at two OpenBLAS splits
// each small GEMV over the threads and a step took 1.7-4x longer (bench/README.md).
template <typename T>
RNN_INLINE void trial_product_impl(const T* __restrict c, const T* __restrict z,
                                   const T* __restrict bias, T* __restrict y, arma::uword rows,
                                   arma::uword cols) {
    for (arma::uword i = 0; i < rows; ++i)
        y[i] = bias != nullptr ? bias[i] : T(0);
    arma::uword j = 0;
    for (; j + 4 <= cols; j += 4) {
        const T z0 = z[j], z1 = z[j + 1], z2 = z[j + 2], z3 = z[j + 3];
        const T* __restrict c0 = c + j * rows;
        const T* __restrict c1 = c0 + rows;
        const T* __restrict c2 = c1 + rows;
        const T* __restrict c3 = c2 + rows;
        for (arma::uword i = 0; i < rows; ++i)
            y[i] += (c0[i] * z0 + c1[i] * z1) + (c2[i] * z2 + c3[i] * z3);
    }
    for (; j < cols; ++j) {
        const T zj = z[j];
        const T* __restrict cj = c + j * rows;
        for (arma::uword i = 0; i < rows; ++i)
            y[i] += cj[i] * zj;
    }
}

RNN_PLASTIC_CLONES void trial_product(const float* c, const float* z, const float* bias, float* y,
                                      arma::uword rows, arma::uword cols) {
    trial_product_impl(c, z, bias, y, rows, cols);
}

RNN_PLASTIC_CLONES void trial_product(const double* c, const double* z, const double* bias,
                                      double* y, arma::uword rows, arma::uword cols) {
    trial_product_impl(c, z, bias, y, rows, cols);
}

// out_b = C_b in_b (+ bias) for every trial b. Products with 0 are not skipped, so a NaN or
// inf in C shows as in torch.bmm.
template <typename T>
void per_trial_product(const arma::Cube<T>& C, const arma::Col<T>* bias, const arma::Mat<T>& in,
                       arma::Mat<T>& out) {
    for (arma::uword b = 0; b < C.n_slices; ++b)
        trial_product(C.slice_memptr(b), in.colptr(b), bias != nullptr ? bias->memptr() : nullptr,
                      out.colptr(b), C.n_rows, C.n_cols);
}

// out_b = C_b^T d_b for every trial b.
template <typename T>
void per_trial_transposed(const arma::Cube<T>& C, const arma::Mat<T>& d, arma::Mat<T>& out) {
    for (arma::uword b = 0; b < C.n_slices; ++b) {
        const arma::Mat<T> cb = slice_view(C, b);
        const arma::Col<T> db = col_view(d, b);
        arma::Col<T> yb = col_view(out, b);
        yb = cb.t() * db;
    }
}

// G_b += d_b in_b^T for every trial b.
template <typename T>
void accumulate_outer(arma::Cube<T>& G, const arma::Mat<T>& d, const arma::Mat<T>& in) {
    const arma::uword rows = G.n_rows, cols = G.n_cols;
    for (arma::uword b = 0; b < G.n_slices; ++b) {
        T* g = G.slice_memptr(b);
        const T* db = d.colptr(b);
        const T* zb = in.colptr(b);
        for (arma::uword j = 0; j < cols; ++j) {
            const T zj = zb[j];
            T* gj = g + j * rows;
            for (arma::uword i = 0; i < rows; ++i)
                gj[i] += db[i] * zj;
        }
    }
}

template <typename T> void sum_rows(const arma::Mat<T>& m, arma::Col<T>& out, T factor) {
    out.zeros();
    for (arma::uword c = 0; c < m.n_cols; ++c) {
        const T* p = m.colptr(c);
        for (arma::uword r = 0; r < m.n_rows; ++r)
            out[r] += p[r];
    }
    out *= factor;
}

// One trial's copy c (rows x cols) after the forget step and the update U = -G mult
// (clamped to [lo, hi] when Clip): c (1 - F) + lr U, or (c + lr U)(1 - F) when After.
// grad(i, j) is the trial's gradient entry.
template <typename T, bool Clip, bool After, typename Grad>
RNN_INLINE void fused_update(T* __restrict c, arma::uword rows, arma::uword cols, const T* mult,
                             const T* keep, const T* lo, const T* hi, T lr, Grad grad) {
    for (arma::uword j = 0; j < cols; ++j) {
        const arma::uword o = j * rows;
        for (arma::uword i = 0; i < rows; ++i) {
            T u = -grad(i, j) * mult[o + i];
            if constexpr (Clip)
                u = std::min(std::max(u, lo[o + i]), hi[o + i]);
            T v = c[o + i];
            if constexpr (!After)
                v *= keep[o + i];
            v += lr * u;
            if constexpr (After)
                v *= keep[o + i];
            c[o + i] = v;
        }
    }
}

template <typename T, typename Grad>
RNN_INLINE void fused_update_any(bool clip, bool after, T* c, arma::uword rows, arma::uword cols,
                                 const T* mult, const T* keep, const T* lo, const T* hi, T lr,
                                 Grad grad) {
    if (clip) {
        if (after)
            fused_update<T, true, true>(c, rows, cols, mult, keep, lo, hi, lr, grad);
        else
            fused_update<T, true, false>(c, rows, cols, mult, keep, lo, hi, lr, grad);
    } else {
        if (after)
            fused_update<T, false, true>(c, rows, cols, mult, keep, lo, hi, lr, grad);
        else
            fused_update<T, false, false>(c, rows, cols, mult, keep, lo, hi, lr, grad);
    }
}

// The unified update of one trial's copy from G = d z^T (dfa, backprop).
template <typename T>
RNN_INLINE void rank1_update_impl(bool clip, bool after, T* c, const T* __restrict d,
                                  const T* __restrict z, arma::uword rows, arma::uword cols,
                                  const T* mult, const T* keep, const T* lo, const T* hi, T lr) {
    fused_update_any(clip, after, c, rows, cols, mult, keep, lo, hi, lr,
                     [d, z](arma::uword i, arma::uword j) { return d[i] * z[j]; });
}

RNN_PLASTIC_CLONES void rank1_update(bool clip, bool after, float* c, const float* d,
                                     const float* z, arma::uword rows, arma::uword cols,
                                     const float* mult, const float* keep, const float* lo,
                                     const float* hi, float lr) {
    rank1_update_impl(clip, after, c, d, z, rows, cols, mult, keep, lo, hi, lr);
}

RNN_PLASTIC_CLONES void rank1_update(bool clip, bool after, double* c, const double* d,
                                     const double* z, arma::uword rows, arma::uword cols,
                                     const double* mult, const double* keep, const double* lo,
                                     const double* hi, double lr) {
    rank1_update_impl(clip, after, c, d, z, rows, cols, mult, keep, lo, hi, lr);
}

template <typename T> double frobenius(const T* p, arma::uword n) {
    double s = 0.0;
    for (arma::uword i = 0; i < n; ++i)
        s += static_cast<double>(p[i]) * static_cast<double>(p[i]);
    return std::sqrt(s);
}

// p / (|p| + 1e-6), as the seed's normalisation of every float tensor of a layer.
template <typename T> void normalize_tensor(T* p, arma::uword n) {
    const T factor = static_cast<T>(1.0 / (frobenius(p, n) + 1e-6));
    for (arma::uword i = 0; i < n; ++i)
        p[i] *= factor;
}

}  // namespace

template <typename T>
PlasticLearner<T>::PlasticLearner(Network<T>& net, UpdateRule rule, double lr)
    : net_(net), rule_(rule), lr_(static_cast<T>(lr)) {
    const NetworkShape& s = net.shape;
    if (s.kind != CellKind::Plastic)
        throw std::invalid_argument("PlasticLearner: the network is not a plastic network");
    if (s.inputs == 0 || s.units == 0 || s.outputs == 0)
        throw std::invalid_argument("PlasticLearner: the network needs inputs, units and outputs");
    inputs_ = s.inputs;
    units_ = s.units;
    outputs_ = s.outputs;
    S_ = inputs_ + units_;
    hidden_ = s.layers;
    const PlasticOptions& o = net.plastic;
    const T alpha = static_cast<T>(o.plastic_rate);
    const T rate = static_cast<T>(o.forget_rate);
    auto tensor = [&](const std::string& name, arma::uword rows, arma::uword cols) {
        Parameter<T>* p = net.find(name);
        if (p == nullptr)
            throw std::invalid_argument("PlasticLearner: the network has no tensor " + name);
        if (p->raw.n_rows != rows || p->raw.n_cols != cols)
            throw std::invalid_argument("PlasticLearner: " + name + " must be "
                                        + std::to_string(rows) + " x " + std::to_string(cols));
        return p;
    };
    for (arma::uword k = 0; k < hidden_ + 3; ++k) {
        Layer l;
        if (k < hidden_) {
            l.name = std::to_string(k + 1);
            l.head = Head::Hidden;
            l.n_out = S_;
        } else if (k == hidden_) {
            l.name = "i2h";
            l.head = Head::I2h;
            l.n_out = units_;
        } else {
            l.name = k == hidden_ + 1 ? "i2o" : "self_grad";
            l.head = k == hidden_ + 1 ? Head::I2o : Head::SelfGrad;
            l.last = true;
            l.n_out = outputs_;
        }
        l.n_in = S_;
        l.C_param = tensor("C." + l.name, l.n_out, l.n_in);
        l.bias_param = tensor("bias." + l.name, l.n_out, 1);
        l.mask_param = tensor("mask." + l.name, l.n_out, l.n_in);
        l.feedback_param = tensor("feedback." + l.name, outputs_, l.n_out);
        l.mask = l.mask_param->raw;
        l.mask.transform([](T m) { return m != T(0) ? T(1) : T(0); });
        l.P.set_size(l.n_out, l.n_in);
        l.F.set_size(l.n_out, l.n_in);
        l.scale.set_size(l.n_out, l.n_in);
        for (arma::uword i = 0; i < l.mask.n_elem; ++i) {
            const bool m = l.mask[i] != T(0);
            l.P[i] = m && !l.last ? alpha : T(1);
            l.scale[i] = m && !l.last ? alpha : T(1);
            l.F[i] = m ? rate : T(0);
        }
        l.feedback = l.feedback_param->raw;
        l.bias = l.bias_param->raw.col(0);
        l.gbias.zeros(l.n_out);
        derive(l);
        layers_.push_back(std::move(l));
    }
}

template <typename T> arma::uword PlasticLearner<T>::layer_index(const std::string& name) const {
    for (arma::uword k = 0; k < layers_.size(); ++k)
        if (layers_[k].name == name)
            return k;
    throw std::invalid_argument("PlasticLearner: no layer " + name);
}

// mult, keep, lo and hi from P, F and the options.
template <typename T> void PlasticLearner<T>::derive(Layer& l) const {
    const PlasticOptions& o = net_.plastic;
    const arma::uword n = l.P.n_elem;
    l.mult.set_size(l.n_out, l.n_in);
    l.keep.set_size(l.n_out, l.n_in);
    l.lo.set_size(l.n_out, l.n_in);
    l.hi.set_size(l.n_out, l.n_in);
    const T inf = std::numeric_limits<T>::infinity();
    const T clip = static_cast<T>(o.update_clip);
    for (arma::uword i = 0; i < n; ++i) {
        T m = T(1);
        if (!l.last) {
            if (rule_ == UpdateRule::Dfa)
                m = l.P[i];
            else if (rule_ == UpdateRule::Bptt)
                m = l.scale[i];
            else  // backprop: scale_gradients, then the unified update's P (twice) or not
                m = o.backprop_plasticity == PlasticOptions::BackpropPlasticity::Twice
                        ? l.scale[i] * l.P[i]
                        : l.scale[i];
        }
        l.mult[i] = m;
        l.keep[i] = T(1) - l.F[i];
        const bool clamped = !l.last && l.mask[i] != T(0) && clip > T(0);
        l.lo[i] = clamped ? -clip : -inf;
        l.hi[i] = clamped ? clip : inf;
    }
}

template <typename T> void PlasticLearner<T>::size_acts(Acts& acts) const {
    const arma::uword b = batch_;
    if (acts.z0.n_rows == S_ && acts.z0.n_cols == b && acts.a.size() == layers_.size())
        return;
    acts.z0.zeros(S_, b);
    acts.top.zeros(S_, b);
    acts.err.zeros(outputs_, b);
    acts.a.resize(layers_.size());
    acts.z.resize(layers_.size());
    for (arma::uword k = 0; k < layers_.size(); ++k) {
        acts.a[k].zeros(layers_[k].n_out, b);
        acts.z[k].zeros(layers_[k].n_out, b);
    }
}

template <typename T> void PlasticLearner<T>::begin(arma::uword batch) {
    if (batch == 0)
        throw std::invalid_argument("PlasticLearner::begin: batch must be positive");
    batch_ = batch;
    t_ = 0;
    for (Layer& l : layers_) {
        // The wipe: every trial's copy is the stored batch mean with the plastic entries 0.
        l.C.set_size(l.n_out, l.n_in, batch);
        const arma::Mat<T>& stored = l.C_param->raw;
        T* first = l.C.slice_memptr(0);
        const T* s = stored.memptr();
        const T* m = l.mask.memptr();
        for (arma::uword i = 0; i < stored.n_elem; ++i)
            first[i] = m[i] != T(0) ? T(0) : s[i];
        for (arma::uword b = 1; b < batch; ++b)
            std::copy(first, first + stored.n_elem, l.C.slice_memptr(b));
        l.bias = l.bias_param->raw.col(0);
        l.feedback = l.feedback_param->raw;
        if (l.delta.n_cols != batch) {
            l.delta.zeros(l.n_out, batch);
            l.back.zeros(l.n_in, batch);
        }
        if (rule_ == UpdateRule::Bptt)
            l.G.zeros(l.n_out, l.n_in, batch);
        l.input = nullptr;
    }
    if (acts_.empty())
        acts_.resize(1);
    for (Acts& a : acts_)
        size_acts(a);
    size_acts(probe_);
    const arma::Mat<T>& h0 = net_.at("h0").raw;
    h_.set_size(units_, batch);
    for (arma::uword b = 0; b < batch; ++b)
        h_.col(b) = h0.col(0);
    e_.zeros(outputs_, batch);
    dz_.zeros(S_, batch);
    dz2_.zeros(S_, batch);
    dz0_.zeros(S_, batch);
    dh_.zeros(units_, batch);
    du_.zeros(units_, batch);
}

template <typename T>
void PlasticLearner<T>::forward(Acts& acts, const arma::Mat<T>& x, bool need_sg) {
    if (x.n_rows != inputs_ || x.n_cols != batch_)
        throw std::invalid_argument("PlasticLearner::step: x must be inputs x batch");
    for (arma::uword b = 0; b < batch_; ++b) {
        T* z = acts.z0.colptr(b);
        const T* xb = x.colptr(b);
        const T* hb = h_.colptr(b);
        std::copy(xb, xb + inputs_, z);
        std::copy(hb, hb + units_, z + inputs_);
    }
    const PlasticOptions& o = net_.plastic;
    for (arma::uword k = 0; k < hidden_; ++k) {
        Layer& l = layers_[k];
        l.input = k == 0 ? &acts.z0 : &acts.z[k - 1];
        per_trial_product(l.C, &l.bias, *l.input, acts.a[k]);
        const T* a = acts.a[k].memptr();
        T* z = acts.z[k].memptr();
        for (arma::uword i = 0; i < acts.a[k].n_elem; ++i)
            z[i] = gelu(a[i]);
    }
    acts.top = hidden_ > 0 ? acts.z[hidden_ - 1] : acts.z0;
    if (o.residual)
        acts.top += acts.z0;
    const bool dfa_head =
        rule_ == UpdateRule::Dfa && o.dfa_hidden_head == PlasticOptions::DfaHiddenHead::Trained;
    Layer& hh = i2h();
    hh.input = &acts.top;
    if (o.recurrence || dfa_head) {
        per_trial_product(hh.C, &hh.bias, acts.top, acts.a[hidden_]);
        acts.z[hidden_] = acts.a[hidden_];
        tanh_inplace(acts.z[hidden_].memptr(), acts.z[hidden_].n_elem);
    }
    Layer& out = i2o();
    out.input = &acts.top;
    per_trial_product(out.C, &out.bias, acts.top, acts.z[hidden_ + 1]);
    Layer& sg = self_grad();
    sg.input = &acts.top;
    if (need_sg)
        per_trial_product(sg.C, &sg.bias, acts.top, acts.z[hidden_ + 2]);
}

template <typename T> void PlasticLearner<T>::update(Layer& l, bool clip, bool scaled) {
    const bool after = net_.plastic.forget_order == PlasticOptions::ForgetOrder::After;
    const arma::uword rows = l.n_out, cols = l.n_in;
    for (arma::uword b = 0; b < batch_; ++b) {
        T* c = l.C.slice_memptr(b);
        if (scaled) {  // bptt: the accumulated gradient
            const T* g = l.G.slice_memptr(b);
            fused_update_any(false, after, c, rows, cols, l.mult.memptr(), l.keep.memptr(),
                             l.lo.memptr(), l.hi.memptr(), lr_,
                             [g, rows](arma::uword i, arma::uword j) { return g[j * rows + i]; });
        } else {
            rank1_update(clip, after, c, l.delta.colptr(b), l.input->colptr(b), rows, cols,
                         l.mult.memptr(), l.keep.memptr(), l.lo.memptr(), l.hi.memptr(), lr_);
        }
    }
    T* bias = l.bias.memptr();
    for (arma::uword i = 0; i < l.n_out; ++i)
        bias[i] -= lr_ * l.gbias[i];
}

// normalize and weight_clip after a unified update (dfa, backprop).
template <typename T> void PlasticLearner<T>::normalize(Layer& l) {
    const PlasticOptions& o = net_.plastic;
    if (o.normalize != PlasticOptions::Normalize::None)
        normalize_tensor(l.C.memptr(), l.C.n_elem);
    if (o.normalize == PlasticOptions::Normalize::All) {
        normalize_tensor(l.bias.memptr(), l.bias.n_elem);
        normalize_tensor(l.P.memptr(), l.P.n_elem);
        normalize_tensor(l.F.memptr(), l.F.n_elem);
        normalize_tensor(l.feedback.memptr(), l.feedback.n_elem);
        derive(l);
    }
    if (o.weight_clip > 0.0)
        l.C.clamp(static_cast<T>(-o.weight_clip), static_cast<T>(o.weight_clip));
}

template <typename T>
void PlasticLearner<T>::step(const arma::Mat<T>& x, const StepTarget<T>& target, bool learn,
                             arma::Mat<T>& state, arma::Mat<T>& outputs) {
    if (batch_ == 0)
        throw std::logic_error("PlasticLearner::step before begin");
    if (state.n_rows != units_ || state.n_cols != batch_ || outputs.n_rows != outputs_
        || outputs.n_cols != batch_)
        throw std::invalid_argument(
            "PlasticLearner::step: state is units x batch, outputs outputs x batch");
    const PlasticOptions& o = net_.plastic;
    const bool bptt = rule_ == UpdateRule::Bptt;
    if (bptt) {
        if (t_ >= acts_.size()) {
            acts_.emplace_back();
            size_acts(acts_.back());
        }
    }
    Acts& acts = acts_[bptt ? t_ : 0];
    const bool need_sg = learn && rule_ == UpdateRule::Dfa && o.self_grad > 0.0;
    forward(acts, x, need_sg);
    const arma::Mat<T>& logits = acts.z[hidden_ + 1];
    const arma::Mat<T>& h_new = acts.z[hidden_];
    std::copy(logits.begin(), logits.end(), outputs.begin());
    if (o.recurrence)
        std::copy(h_new.begin(), h_new.end(), state.begin());
    else
        state.zeros();
    const T inv_batch = T(1) / static_cast<T>(batch_);

    if (learn) {
        step_output_error(logits, target, e_);
        const bool clip = o.update_clip > 0.0;
        if (rule_ == UpdateRule::Dfa) {
            if (o.self_grad > 0.0) {
                const T s = static_cast<T>(o.self_grad);
                const T* sg = acts.z[hidden_ + 2].memptr();
                T* e = e_.memptr();
                for (arma::uword i = 0; i < e_.n_elem; ++i)
                    e[i] += std::min(std::max(sg[i], -s), s);
            }
            const bool derivative = o.dfa_derivative == PlasticOptions::DfaDerivative::Used;
            const bool head = o.dfa_hidden_head == PlasticOptions::DfaHiddenHead::Trained;
            for (arma::uword k = 0; k < layers_.size(); ++k) {
                Layer& l = layers_[k];
                if (l.head == Head::I2h && !head)
                    continue;
                if (l.last) {
                    l.delta = e_;
                } else {
                    l.delta = l.feedback.t() * e_;
                    if (derivative) {
                        T* d = l.delta.memptr();
                        if (l.head == Head::Hidden) {
                            const T* a = acts.a[k].memptr();
                            for (arma::uword i = 0; i < l.delta.n_elem; ++i)
                                d[i] *= gelu_derivative(a[i]);
                        } else {
                            const T* h = acts.z[k].memptr();
                            for (arma::uword i = 0; i < l.delta.n_elem; ++i)
                                d[i] *= T(1) - h[i] * h[i];
                        }
                    }
                }
                sum_rows(l.delta, l.gbias, inv_batch);
                update(l, clip, false);
                normalize(l);
            }
        } else if (rule_ == UpdateRule::Backprop) {
            // The gradient of (1/B) sum_b loss_b through this step only.
            Layer& out = i2o();
            out.delta = e_;
            out.delta *= inv_batch;
            sum_rows(out.delta, out.gbias, T(1));
            per_trial_transposed(out.C, out.delta, dz_);
            for (arma::uword k = hidden_; k-- > 0;) {
                Layer& l = layers_[k];
                const T* a = acts.a[k].memptr();
                const T* dz = dz_.memptr();
                T* d = l.delta.memptr();
                for (arma::uword i = 0; i < l.delta.n_elem; ++i)
                    d[i] = dz[i] * gelu_derivative(a[i]);
                sum_rows(l.delta, l.gbias, T(1));
                if (k > 0)
                    per_trial_transposed(l.C, l.delta, dz_);
            }
            for (arma::uword k = 0; k < hidden_; ++k) {
                update(layers_[k], clip, false);
                normalize(layers_[k]);
            }
            update(out, clip, false);
            normalize(out);
        } else {
            acts.err = e_;
            acts.err *= inv_batch;
        }
    } else if (bptt) {
        acts.err.zeros();
    }
    h_ = h_new;
    if (!o.recurrence)
        h_.zeros();
    ++t_;
}

template <typename T> void PlasticLearner<T>::bptt_backward() {
    const PlasticOptions& o = net_.plastic;
    for (Layer& l : layers_) {
        l.G.zeros();
        l.gbias.zeros();
    }
    dh_.zeros();
    Layer& out = i2o();
    Layer& hh = i2h();
    arma::Col<T> sums(S_);  // allocated once per sequence, not per step
    arma::Col<T> hs(units_);
    arma::Col<T> os(outputs_);
    for (arma::uword t = t_; t-- > 0;) {
        Acts& A = acts_[t];
        accumulate_outer(out.G, A.err, A.top);
        sum_rows(A.err, os, T(1));
        out.gbias += os;
        per_trial_transposed(out.C, A.err, dz_);  // d top
        if (o.recurrence && t + 1 < t_) {
            const T* dh = dh_.memptr();
            const T* h = A.z[hidden_].memptr();
            T* du = du_.memptr();
            for (arma::uword i = 0; i < du_.n_elem; ++i)
                du[i] = dh[i] * (T(1) - h[i] * h[i]);
            accumulate_outer(hh.G, du_, A.top);
            sum_rows(du_, hs, T(1));
            hh.gbias += hs;
            per_trial_transposed(hh.C, du_, dz2_);
            dz_ += dz2_;
        }
        if (o.residual)
            dz0_ = dz_;
        else
            dz0_.zeros();
        if (hidden_ == 0)
            dz0_ += dz_;
        for (arma::uword k = hidden_; k-- > 0;) {
            Layer& l = layers_[k];
            const T* a = A.a[k].memptr();
            const T* dz = dz_.memptr();
            T* d = l.delta.memptr();
            for (arma::uword i = 0; i < l.delta.n_elem; ++i)
                d[i] = dz[i] * gelu_derivative(a[i]);
            accumulate_outer(l.G, l.delta, k == 0 ? A.z0 : A.z[k - 1]);
            sum_rows(l.delta, sums, T(1));
            l.gbias += sums;
            per_trial_transposed(l.C, l.delta, dz2_);
            if (k > 0)
                std::swap(dz_, dz2_);
            else
                dz0_ += dz2_;
        }
        for (arma::uword b = 0; b < batch_; ++b)
            std::copy(dz0_.colptr(b) + inputs_, dz0_.colptr(b) + S_, dh_.colptr(b));
    }
}

template <typename T> void PlasticLearner<T>::end(bool learn) {
    if (batch_ == 0)
        throw std::logic_error("PlasticLearner::end before begin");
    if (!learn)
        return;
    if (rule_ == UpdateRule::Bptt && t_ > 0) {
        bptt_backward();
        for (Layer& l : layers_) {
            const bool has_gradient = l.head == Head::Hidden || l.head == Head::I2o
                                      || (l.head == Head::I2h && net_.plastic.recurrence);
            if (has_gradient)
                update(l, false, true);
        }
    }
    for (Layer& l : layers_) {
        arma::Mat<T>& stored = l.C_param->raw;
        stored.zeros();
        for (arma::uword b = 0; b < batch_; ++b)
            stored += slice_view(l.C, b);
        stored /= static_cast<T>(batch_);
        // What the next begin() would wipe anyway: the stored C holds the slow weights only.
        stored.elem(arma::find(l.mask != T(0))).zeros();
        l.bias_param->raw.col(0) = l.bias;
        l.feedback_param->raw = l.feedback;
    }
}

template <typename T> arma::Cube<T> PlasticLearner<T>::gradient(arma::uword layer) const {
    const Layer& l = layers_.at(layer);
    if (rule_ == UpdateRule::Bptt)
        return l.G;
    arma::Cube<T> g(l.n_out, l.n_in, batch_, arma::fill::zeros);
    if (l.input != nullptr)
        accumulate_outer(g, l.delta, *l.input);
    return g;
}

template <typename T>
double PlasticLearner<T>::evaluate(const arma::Mat<T>& x, const StepTarget<T>& target) {
    forward(probe_, x, false);
    arma::Mat<T> e(outputs_, batch_);
    return step_output_error(probe_.z[hidden_ + 1], target, e) / static_cast<double>(batch_);
}

template class PlasticLearner<float>;
template class PlasticLearner<double>;

}  // namespace rnn::rt
