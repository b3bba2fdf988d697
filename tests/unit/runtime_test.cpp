// Random streams, optimizers, .npy files, the vectorised pointwise functions and the
// network kinds' traits table.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/blas_core.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/network.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/parameter.hpp"
#include "runtime/random.hpp"
#include "runtime/vector_math.hpp"

namespace rt = rnn::rt;

TEST_CASE("a stream is fixed by its key: same key, same numbers, other path, other numbers") {
    rt::RandomStream a(rt::stream_key(42, "network hop / W_self"));
    rt::RandomStream b(rt::stream_key(42, "network hop / W_self"));
    rt::RandomStream c(rt::stream_key(42, "network hop / W_input"));
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        const std::uint32_t x = a.next_u32();
        CHECK(x == b.next_u32());
        differs |= x != c.next_u32();
    }
    CHECK(differs);
    CHECK(rt::stream_key(1, "x", 0) != rt::stream_key(1, "x", 1));
}

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vector") {
    // Counter 0, key 0 (Salmon et al. 2011, kat_vectors): a change here would change every
    // number every script draws.
    rt::RandomStream s(0);
    CHECK(s.next_u32() == 0x6627e8d5U);
    CHECK(s.next_u32() == 0xe169c58dU);
    CHECK(s.next_u32() == 0xbc57ac4cU);
    CHECK(s.next_u32() == 0x9b00dbd8U);
    CHECK(rt::hex64(0x1234) == "0000000000001234");
}

TEST_CASE("uniform and normal draws have the right moments and ranges") {
    rt::RandomStream s(rt::stream_key(7, "moments"));
    double sum = 0, sumsq = 0, usum = 0;
    const int n = 200000;
    double umin = 10, umax = 0;
    for (int i = 0; i < n; ++i) {
        const double z = s.normal();
        sum += z;
        sumsq += z * z;
        const double u = s.uniform(2.0, 3.5);
        usum += u;
        umin = std::min(umin, u);
        umax = std::max(umax, u);
        const std::int64_t k = s.uniform_int(-2, 3);
        REQUIRE(k >= -2);
        REQUIRE(k <= 3);
    }
    CHECK(sum / n == doctest::Approx(0.0).epsilon(0.01).scale(1.0));
    CHECK(std::abs(sum / n) < 0.01);
    CHECK(sumsq / n == doctest::Approx(1.0).epsilon(0.01));
    CHECK(usum / n == doctest::Approx(2.75).epsilon(0.005));
    CHECK(umin >= 2.0);
    CHECK(umax < 3.5);
}

namespace {

rt::OptimizerConfig config(rt::OptimizerKind kind, double lr, double weight_decay = 0.0) {
    rt::OptimizerConfig c;
    c.kind = kind;
    c.lr = lr;
    c.weight_decay = weight_decay;
    return c;
}

// Runs `steps` steps on the loss p^2 (gradient 2p) from p = 1 and returns p.
double descend(const rt::OptimizerConfig& c, int steps) {
    rt::Optimizer<double> opt(c);
    arma::mat p(1, 1, arma::fill::ones), g(1, 1);
    for (int i = 0; i < steps; ++i) {
        g(0, 0) = 2 * p(0, 0);
        opt.step({&p}, {&g});
    }
    return p(0, 0);
}

}  // namespace

TEST_CASE("Adam takes PyTorch's steps") {
    // By hand with torch.optim.Adam's formulas, lr 0.1: 1.0 -> 0.9 -> 0.800411 -> 0.701585.
    CHECK(descend(config(rt::OptimizerKind::Adam, 0.1), 3)
          == doctest::Approx(0.701585).epsilon(1e-5));
    // Coupled weight decay adds wd * p to the gradient.
    rt::Optimizer<double> decayed(config(rt::OptimizerKind::Adam, 0.1, 0.5));
    arma::mat q(1, 1, arma::fill::ones), zero(1, 1, arma::fill::zeros);
    decayed.step({&q}, {&zero});
    CHECK(q(0, 0) == doctest::Approx(0.9));
}

TEST_CASE("AdamW decays the parameter itself, outside the moments") {
    // p <- p (1 - lr wd) = 0.95; a zero gradient then moves nothing (Adam would step 0.1).
    rt::Optimizer<double> opt(config(rt::OptimizerKind::AdamW, 0.1, 0.5));
    arma::mat q(1, 1, arma::fill::ones), zero(1, 1, arma::fill::zeros);
    opt.step({&q}, {&zero});
    CHECK(q(0, 0) == doctest::Approx(0.95));
    // With the gradient 2 at p = 1: 0.95, then the first Adam step of lr = 0.1: 0.85.
    CHECK(descend(config(rt::OptimizerKind::AdamW, 0.1, 0.5), 1) == doctest::Approx(0.85));
}

TEST_CASE("SGD takes PyTorch's steps: plain, momentum, dampening, Nesterov, weight decay") {
    CHECK(descend(config(rt::OptimizerKind::Sgd, 0.1), 2) == doctest::Approx(0.64));
    auto momentum = config(rt::OptimizerKind::Sgd, 0.1);
    momentum.momentum = 0.9;
    // The buffer starts at the first gradient: 1 -> 0.8 -> 0.46 -> 0.062.
    CHECK(descend(momentum, 3) == doctest::Approx(0.062));
    auto damped = momentum;
    damped.dampening = 0.5;
    CHECK(descend(damped, 2) == doctest::Approx(0.54));  // buf = 0.9 * 2 + 0.5 * 1.6
    auto nesterov = momentum;
    nesterov.nesterov = true;
    CHECK(descend(nesterov, 2) == doctest::Approx(0.2224));  // 1 -> 0.62 -> 0.2224
    rt::Optimizer<double> decayed(config(rt::OptimizerKind::Sgd, 0.1, 0.5));
    arma::mat q(1, 1, arma::fill::ones), zero(1, 1, arma::fill::zeros);
    decayed.step({&q}, {&zero});
    CHECK(q(0, 0) == doctest::Approx(0.95));
}

TEST_CASE("global-norm clipping scales every gradient by one factor, only above the limit") {
    arma::mat a(1, 1), b(1, 1);
    a(0, 0) = 3.0;
    b(0, 0) = 4.0;
    CHECK(rt::clip_global_norm<double>({&a, &b}, 1.0) == doctest::Approx(5.0));
    CHECK(a(0, 0) == doctest::Approx(0.6));
    CHECK(b(0, 0) == doctest::Approx(0.8));
    arma::mat c(1, 1), d(1, 1);
    c(0, 0) = 3.0;
    d(0, 0) = 4.0;
    CHECK(rt::clip_global_norm<double>({&c, &d}, 10.0) == doctest::Approx(5.0));
    CHECK(c(0, 0) == 3.0);
    CHECK(d(0, 0) == 4.0);
}

TEST_CASE(".npy files round-trip and reject bad input") {
    const auto dir = std::filesystem::temp_directory_path() / "rnnlab_npy_test";
    std::filesystem::create_directories(dir);
    arma::fmat m = {{1.0F, 2.0F, 3.0F}, {4.0F, 5.0F, 6.0F}};
    rt::save_npy(dir / "m.npy", m);
    const arma::mat back = rt::load_npy(dir / "m.npy");
    REQUIRE(back.n_rows == 2);
    REQUIRE(back.n_cols == 3);
    CHECK(back(1, 2) == 6.0);
    CHECK(back(0, 1) == 2.0);
    rt::write_file_atomically(dir / "bad.npy", "not numpy at all");
    CHECK_THROWS_AS(rt::load_npy(dir / "bad.npy"), std::runtime_error);
    CHECK_THROWS_AS(rt::load_npy(dir / "missing.npy"), std::runtime_error);
    std::filesystem::remove_all(dir);
}

TEST_CASE(
    "a faster OpenBLAS core is chosen only over a slow fallback, and only if the CPU has it") {
    const rt::CpuFeatures bf16{true, true, true, true}, avx512{true, true, true, false},
        avx2{true, true, false, false}, old{false, false, false, false};
    CHECK(rt::better_coretype("Prescott", bf16) == std::optional<std::string>("Cooperlake"));
    CHECK(rt::better_coretype("Prescott", avx512) == std::optional<std::string>("SkylakeX"));
    CHECK(rt::better_coretype("Prescott", avx2) == std::optional<std::string>("Haswell"));
    CHECK(rt::better_coretype("Nehalem", avx2) == std::optional<std::string>("Haswell"));
    CHECK_FALSE(rt::better_coretype("Prescott", old));       // never a kernel the CPU lacks
    CHECK_FALSE(rt::better_coretype("Cooperlake", avx512));  // recognised: left alone
    CHECK_FALSE(rt::better_coretype("Haswell", avx512));
    CHECK_FALSE(rt::better_coretype("Zen", avx2));
    // Whatever kernels this process runs, they compute a GEMM right.
    CHECK(rt::gemm_agrees());
}

TEST_CASE("initialisers follow torch.nn.init: xavier, orthogonal, identity, fan-in uniform") {
    rt::RandomStream stream(rt::stream_key(7, "init test"));
    arma::mat w(200, 300);
    rt::initialize(w, {rt::InitKind::XavierUniform, 2.0, 0}, stream);
    const double xu = 2.0 * std::sqrt(6.0 / 500.0);
    CHECK(arma::abs(w).max() <= xu);
    CHECK(arma::abs(w).max() > 0.99 * xu);
    rt::initialize(w, {rt::InitKind::XavierNormal, 1.0, 0}, stream);
    CHECK(arma::stddev(arma::vectorise(w))
          == doctest::Approx(std::sqrt(2.0 / 500.0)).epsilon(0.02));
    arma::mat tall(40, 10), wide(10, 40);
    rt::initialize(tall, {rt::InitKind::Orthogonal, 0.5, 0}, stream);
    rt::initialize(wide, {rt::InitKind::Orthogonal, 0.5, 0}, stream);
    CHECK(arma::approx_equal(tall.t() * tall, 0.25 * arma::eye(10, 10), "absdiff", 1e-12));
    CHECK(arma::approx_equal(wide * wide.t(), 0.25 * arma::eye(10, 10), "absdiff", 1e-12));
    arma::mat id(3, 4);
    rt::initialize(id, {rt::InitKind::Identity, 0.9, 0}, stream);
    CHECK(arma::approx_equal(id, 0.9 * arma::eye(3, 4), "absdiff", 0.0));
    arma::mat fan(64, 16), bias(64, 1);
    rt::initialize(fan, {rt::InitKind::FanInUniform, 0, 0}, stream);
    rt::initialize(bias, {rt::InitKind::FanInUniform, 0, 0}, stream);
    CHECK(arma::abs(fan).max() <= 0.25);  // 1 / sqrt(16 columns)
    CHECK(arma::abs(fan).max() > 0.24);
    CHECK(arma::abs(bias).max() <= 0.125);  // a vector: 1 / sqrt(its 64 entries)
}

namespace {

// Distance in units in the last place between two finite floats of the same sign.
long ulp_distance(float a, float b) {
    std::int32_t ia, ib;
    std::memcpy(&ia, &a, sizeof a);
    std::memcpy(&ib, &b, sizeof b);
    if ((ia < 0) != (ib < 0))
        return a == b ? 0 : std::numeric_limits<long>::max();
    return std::labs(static_cast<long>(ia) - static_cast<long>(ib));
}

}  // namespace

TEST_CASE("the traits table gives each fused kind its tensors, in order, by role") {
    using R = rt::TensorRole;

    struct Expected {
        rt::CellKind kind;
        std::vector<std::string> names;
    };

    const std::vector<Expected> kinds = {
        {rt::CellKind::Rnn, {"W_self", "W_input", "b", "W_out", "b_out", "h0"}},
        {rt::CellKind::Gru, {"W_self", "W_input", "b_self", "b_input", "W_out", "b_out", "h0"}},
        {rt::CellKind::Lstm,
         {"W_self", "W_input", "b_self", "b_input", "W_out", "b_out", "h0", "c0"}},
        {rt::CellKind::Ctrnn, {"G", "I", "b", "w", "b_out", "h0"}}};
    for (const auto& k : kinds) {
        const rt::CellTraits& t = rt::cell_traits(k.kind);
        INFO(t.name);
        CHECK(t.kind == k.kind);
        CHECK(rt::cell_kind_from_name(t.name) == k.kind);
        rt::NetworkShape shape;
        shape.kind = k.kind;
        shape.units = 4;
        shape.inputs = 3;
        shape.outputs = 2;
        const auto layout = rt::tensor_layout(shape);
        std::vector<std::string> names;
        for (const auto& l : layout) {
            names.push_back(l.name);
            CHECK(rt::tensor_name(k.kind, l.role) == l.name);  // one tensor per role
        }
        CHECK(names == k.names);
        CHECK(layout[0].rows == t.gates * 4);
        CHECK(layout[0].role == R::Recurrent);
        CHECK(layout[1].role == R::Input);
        CHECK(rt::has_cell_state(k.kind) == (k.kind == rt::CellKind::Lstm));
        CHECK(rt::supports(t, rt::UpdateRule::Bptt, true));
        CHECK(rt::supports(t, rt::UpdateRule::Backprop));
        CHECK(rt::supports(t, rt::UpdateRule::Dfa)
              == (k.kind == rt::CellKind::Rnn || k.kind == rt::CellKind::Ctrnn));
        CHECK_FALSE(rt::learns_online(t, rt::UpdateRule::Bptt));
    }
    // seed 002's defaults for the ctrnn, PyTorch's for the others.
    rt::NetworkShape ctrnn;
    ctrnn.kind = rt::CellKind::Ctrnn;
    ctrnn.units = 4;
    ctrnn.inputs = 3;
    ctrnn.outputs = 2;
    const auto layout = rt::tensor_layout(ctrnn);
    CHECK(layout[0].init.kind == rt::InitKind::Normal);
    CHECK(layout[0].init.a == doctest::Approx(0.5));
    CHECK(layout[1].init.a == 1.0);
    CHECK(layout[2].init.kind == rt::InitKind::Zeros);
    CHECK(layout[3].rows == 4);  // w is units x outputs
    const rt::CellTraits& plastic = rt::cell_traits(rt::CellKind::Plastic);
    CHECK_FALSE(rt::supports(plastic, rt::UpdateRule::Bptt, true));
    CHECK(rt::supports(plastic, rt::UpdateRule::Dfa));
    CHECK(rt::learns_online(plastic, rt::UpdateRule::Bptt));
}

TEST_CASE("the vectorised tanh and sigmoid are within 4 ulp of the correctly rounded values") {
    std::vector<float> xs;
    for (float x = -20.0F; x <= 20.0F; x += 1.0F / 1024.0F)
        xs.push_back(x);
    for (const float tiny : {1e-30F, 1e-12F, 1e-6F, 3e-4F, 0.0F})
        for (const float s : {1.0F, -1.0F})
            xs.push_back(s * tiny);
    std::vector<float> t = xs;
    rnn::rt::tanh_inplace(t.data(), t.size());
    long worst = 0;
    float at = 0.0F;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const auto exact = static_cast<float>(std::tanh(static_cast<double>(xs[i])));
        const long d = ulp_distance(t[i], exact);
        if (d > worst) {
            worst = d;
            at = xs[i];
        }
    }
    INFO("tanh worst at x = " << at);
    CHECK(worst <= 4);
    CHECK(t[0] == -1.0F);  // saturates exactly

    std::vector<float> sx;
    for (float x = -80.0F; x <= 40.0F; x += 1.0F / 256.0F)
        sx.push_back(x);
    std::vector<float> s = sx;
    rnn::rt::sigmoid_inplace(s.data(), s.size());
    worst = 0;
    for (std::size_t i = 0; i < sx.size(); ++i) {
        const auto exact = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(sx[i]))));
        const long d = ulp_distance(s[i], exact);
        if (d > worst) {
            worst = d;
            at = sx[i];
        }
    }
    INFO("sigmoid worst at x = " << at);
    CHECK(worst <= 4);
}
