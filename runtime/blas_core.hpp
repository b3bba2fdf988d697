// Choosing OpenBLAS kernels. Debian's OpenBLAS (DYNAMIC_ARCH) picks its kernels from the CPU
// it recognises when the library loads; on a CPU it does not know it falls back to its
// slowest ones ("Prescott"), several times slower for the GEMMs training is made of. It
// reads OPENBLAS_CORETYPE at load time, before main, so a better choice takes effect only
// in a new process: `choose_blas_kernels` sets the variable and re-executes the program.
//
// The rules: a value the user set is respected; a core type is chosen only when the CPU
// supports it (Cooperlake needs AVX-512F and AVX512-BF16, SkylakeX AVX-512F, Haswell AVX2
// and FMA: a kernel the CPU lacks dies with SIGILL); after the re-execution a small GEMM is checked
// against a plain loop, and if it disagrees the program runs again with OpenBLAS's own choice.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rnn::rt {

struct CpuFeatures {
    bool avx2 = false;
    bool fma = false;
    bool avx512f = false;
    bool avx512bf16 = false;
};

CpuFeatures cpu_features();

// The core type OpenBLAS runs with (openblas_get_corename()).
std::string blas_corename();

// A faster core type for this CPU when OpenBLAS runs one it does not need to, or nothing.
// Pure: `corename` as OpenBLAS reports it, `cpu` what the processor supports.
std::optional<std::string> better_coretype(std::string_view corename, const CpuFeatures& cpu);

// Whether single-precision GEMM agrees with a plain triple loop on a small product.
bool gemm_agrees();

// How the kernels were chosen, for manifests and `rnn --version`.
struct BlasChoice {
    std::string corename;  // what OpenBLAS runs with now
    std::string how;       // "openblas" | "user" (OPENBLAS_CORETYPE) | "rnnlab" | "rejected"
};

// Called first thing in main: may re-execute the program (argv as given) with
// OPENBLAS_CORETYPE set, and never returns in that case. Returns how the kernels were
// chosen otherwise. RNN_BLAS_AUTO=0 turns the choice off.
BlasChoice choose_blas_kernels(char** argv);

}  // namespace rnn::rt
