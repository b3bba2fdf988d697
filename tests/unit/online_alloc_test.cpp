// Time steps of the online cell learner allocate nothing (runtime/online_cells.hpp): this
// executable replaces malloc and its relatives with counting wrappers around glibc's own
// (__libc_malloc and friends), so every heap allocation in the process — operator new,
// Armadillo's buffers, OpenBLAS — is seen. Built without sanitizers only (they bring their
// own malloc).
#include <cerrno>
#include <cstddef>
#include <string>

#include <doctest/doctest.h>

#include "runtime/network.hpp"
#include "runtime/online_cells.hpp"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
}

namespace {

bool counting = false;
long allocations = 0;

void count() {
    if (counting)
        ++allocations;
}

}  // namespace

extern "C" {
void* malloc(std::size_t size) {
    count();
    return __libc_malloc(size);
}

void* calloc(std::size_t n, std::size_t size) {
    count();
    return __libc_calloc(n, size);
}

void* realloc(void* p, std::size_t size) {
    count();
    return __libc_realloc(p, size);
}

void* memalign(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** p, std::size_t alignment, std::size_t size) {
    count();
    *p = __libc_memalign(alignment, size);
    return *p != nullptr || size == 0 ? 0 : ENOMEM;
}
}

namespace rt = rnn::rt;

TEST_CASE("online cell learning steps allocate nothing after the first update") {
    // The counter sees operator new's and Armadillo's allocations: the wrappers are in force.
    counting = true;
    allocations = 0;
    { const std::string s(1000, 'x'); }
    counting = false;
    REQUIRE(allocations == 1);
    counting = true;
    { const arma::fmat m(100, 100); }
    counting = false;
    REQUIRE(allocations == 2);

    for (const auto kind :
         {rt::CellKind::Rnn, rt::CellKind::Ctrnn, rt::CellKind::Gru, rt::CellKind::Lstm})
        for (const auto rule : {rt::UpdateRule::Backprop, rt::UpdateRule::Dfa}) {
            if (rule == rt::UpdateRule::Dfa
                && (kind == rt::CellKind::Gru || kind == rt::CellKind::Lstm))
                continue;
            for (const arma::uword batch : {1, 4}) {
                rt::NetworkShape shape;
                shape.kind = kind;
                shape.units = 64;  // more than Armadillo keeps inside the object
                shape.inputs = 9;
                shape.outputs = 9;
                rt::Network<float> net = rt::default_network<float>(
                    shape,
                    [](const std::string& n) { return rt::RandomStream(rt::stream_key(1, n)); });
                rt::OptimizerConfig config;  // Adam: moment buffers, allocated at the first step
                rt::Optimizer<float> opt(config);
                rt::OnlineCellLearner<float> learner(net, rule, opt, 1.0, rt::RandomStream(3));
                arma::fmat x(shape.inputs, batch, arma::fill::randn);
                arma::fmat classes(1, batch, arma::fill::zeros),
                    weights(1, batch, arma::fill::ones);
                rt::StepTarget<float> target;
                target.values = &classes;
                target.weights = &weights;
                arma::fmat state(shape.units, batch), outputs(shape.outputs, batch);
                learner.begin(batch);
                learner.step(x, target, true, state, outputs);  // the optimizer's buffers
                counting = true;
                allocations = 0;
                for (int t = 0; t < 20; ++t)
                    learner.step(x, target, t % 3 != 0, state, outputs);
                learner.end(true);
                learner.begin(batch);
                learner.step(x, target, true, state, outputs);
                counting = false;
                INFO(rt::cell_kind_name(kind)
                     << (rule == rt::UpdateRule::Dfa ? " dfa" : " backprop") << " batch " << batch);
                CHECK(allocations == 0);
                CHECK(opt.steps_taken() == 15);
            }
        }
}
