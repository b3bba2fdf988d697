#include "runtime/blas_core.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <unistd.h>
#include <vector>

extern "C" char* openblas_get_corename();
extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n,
                       const int* k, const float* alpha, const float* a, const int* lda,
                       const float* b, const int* ldb, const float* beta, float* c, const int* ldc);

namespace rnn::rt {

namespace {

// Set on the re-executed process, so that it checks the kernels and never loops.
constexpr const char* kMarker = "RNN_BLAS_CHOICE";

}  // namespace

CpuFeatures cpu_features() {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512bf16 = __builtin_cpu_supports("avx512bf16");
#endif
    return f;
}

std::string blas_corename() {
    const char* name = openblas_get_corename();
    return name != nullptr ? std::string(name) : std::string("unknown");
}

std::optional<std::string> better_coretype(std::string_view corename, const CpuFeatures& cpu) {
    // The generic and pre-AVX2 cores OpenBLAS falls back to on processors it does not know.
    static constexpr std::array<std::string_view, 12> slow = {
        "Prescott", "Core2",  "Penryn",    "Dunnington",  "Nehalem", "Atom",
        "Katmai",   "Banias", "Northwood", "Sandybridge", "unknown", "Generic"};
    bool is_slow = false;
    for (const auto s : slow)
        is_slow |= corename == s;
    if (!is_slow)
        return std::nullopt;
    // A processor newer than this OpenBLAS knows (Sapphire Rapids and later under 0.3.21)
    // gets the newest kernels it can run: those OpenBLAS itself picks on Cooper Lake, so that
    // such a machine computes as a recognised AVX512-BF16 one does.
    if (cpu.avx512f && cpu.avx512bf16 && cpu.avx2 && cpu.fma)
        return std::string("Cooperlake");
    if (cpu.avx512f && cpu.avx2 && cpu.fma)
        return std::string("SkylakeX");
    if (cpu.avx2 && cpu.fma)
        return std::string("Haswell");
    return std::nullopt;
}

bool gemm_agrees() {
    // 37 x 29 times 29 x 41: odd sizes exercise the kernels' edge handling.
    const int m = 37, k = 29, n = 41;
    std::vector<float> a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(k * n)),
        c(static_cast<std::size_t>(m * n), 0.0F);
    for (std::size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = static_cast<float>(std::cos(0.11 * static_cast<double>(i)));
    const float one = 1.0F, zero = 0.0F;
    sgemm_("N", "N", &m, &n, &k, &one, a.data(), &m, b.data(), &k, &zero, c.data(), &m);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) {
            double want = 0.0;
            for (int l = 0; l < k; ++l)
                want += static_cast<double>(a[static_cast<std::size_t>(i + l * m)])
                        * static_cast<double>(b[static_cast<std::size_t>(l + j * k)]);
            const double got = c[static_cast<std::size_t>(i + j * m)];
            if (!(std::abs(got - want) <= 1e-4 * (1.0 + std::abs(want))))
                return false;
        }
    return true;
}

BlasChoice choose_blas_kernels(char** argv) {
    BlasChoice choice{blas_corename(), "openblas"};
    const char* marker = std::getenv(kMarker);
    if (marker != nullptr && std::string_view(marker) == "chosen") {
        // The re-executed process: keep the faster kernels only if they compute right.
        if (gemm_agrees()) {
            choice.how = "rnnlab";
            return choice;
        }
        ::unsetenv("OPENBLAS_CORETYPE");
        ::setenv(kMarker, "rejected", 1);
        ::execv("/proc/self/exe", argv);
        return choice;  // exec failed: run on as we are
    }
    if (marker != nullptr && std::string_view(marker) == "rejected") {
        choice.how = "rejected";
        return choice;
    }
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) {
        choice.how = "user";
        return choice;
    }
    if (const char* auto_choice = std::getenv("RNN_BLAS_AUTO");
        auto_choice != nullptr && std::string_view(auto_choice) == "0")
        return choice;
    const auto better = better_coretype(choice.corename, cpu_features());
    if (!better)
        return choice;
    ::setenv("OPENBLAS_CORETYPE", better->c_str(), 1);
    ::setenv(kMarker, "chosen", 1);
    ::execv("/proc/self/exe", argv);
    // exec failed (no /proc): undo, and run with OpenBLAS's choice.
    ::unsetenv("OPENBLAS_CORETYPE");
    ::unsetenv(kMarker);
    return choice;
}

}  // namespace rnn::rt
