#include "runtime/vector_math.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <malloc.h>

#if defined(__x86_64__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

// GCC builds three clones of each float loop and picks one at load time; clang (the fuzz
// build) and other CPUs get the baseline loop.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RNN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RNN_CLONES
#endif

namespace rnn::rt {

namespace {

// exp(x) for x in [-87, 88] (clamped), Cephes' expf: x = n ln2 + r with |r| <= ln2/2,
// exp(r) by a degree-7 polynomial, times 2^n built in the exponent bits.
inline float exp_branch_free(float x) {
    x = x < -87.0F ? -87.0F : (x > 88.0F ? 88.0F : x);
    // Round x log2(e) to the nearest integer by the 1.5 * 2^23 shift.
    const float shift = 12582912.0F;
    const float n = (x * 1.44269504088896341F + shift) - shift;
    const float r = (x - n * 0.693359375F) - n * -2.12194440e-4F;
    float p = 1.9875691500e-4F;
    p = p * r + 1.3981999507e-3F;
    p = p * r + 8.3334519073e-3F;
    p = p * r + 4.1665795894e-2F;
    p = p * r + 1.6666665459e-1F;
    p = p * r + 5.0000001201e-1F;
    const float y = p * r * r + r + 1.0F;
    const auto bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return y * scale;
}

// Cephes' tanhf: an odd polynomial below 0.625, 1 - 2 / (exp(2|x|) + 1) above; |x| is
// clamped at 10, where tanh rounds to 1 in float.
inline float tanh_branch_free(float x) {
    const float a = std::fabs(x) > 10.0F ? 10.0F : std::fabs(x);
    const float z = x * x;
    float p = -5.70498872745e-3F;
    p = p * z + 2.06390887954e-2F;
    p = p * z - 5.37397155531e-2F;
    p = p * z + 1.33314422036e-1F;
    p = p * z - 3.33332819422e-1F;
    const float small = p * z * x + x;
    const float large = 1.0F - 2.0F / (exp_branch_free(2.0F * a) + 1.0F);
    return a < 0.625F ? small : std::copysign(large, x);
}

}  // namespace

RNN_CLONES void tanh_inplace(float* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        p[i] = tanh_branch_free(p[i]);
}

void tanh_inplace(double* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        p[i] = std::tanh(p[i]);
}

RNN_CLONES void sigmoid_inplace(float* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        p[i] = 1.0F / (1.0F + exp_branch_free(-p[i]));
}

void sigmoid_inplace(double* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        p[i] = 1.0 / (1.0 + std::exp(-p[i]));
}

void configure_compute_thread() {
#if defined(__x86_64__)
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
    // Buffers up to 512 MiB come from the heap and stay there when freed (glibc would
    // otherwise map and unmap each large tape buffer, faulting its pages in every epoch).
    mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
}

}  // namespace rnn::rt
