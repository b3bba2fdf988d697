// Pointwise transcendental functions over arrays, for the cells' hot loops. libm's tanhf
// and expf are scalar calls; per time step a cell evaluates thousands of them, and they took
// a third of a training step (perf, bench/README.md). These are branch-free so the compiler
// vectorises them, and the float versions are compiled for AVX-512, AVX2 and baseline x86-64
// with the best chosen when the program loads (GCC target_clones). Every clone does the same
// IEEE operations in the same order (the project builds with -ffp-contract=off), so results
// are bitwise the same whatever the CPU.
//
// Accuracy of the float versions against the correctly rounded value, measured over the
// whole useful range: tanh within 1 ulp, sigmoid within 2 ulp (tests/unit/runtime_test.cpp
// allows 4). The double versions, used by gradient checks, call libm.
#pragma once

#include <cstddef>

namespace rnn::rt {

void tanh_inplace(float* p, std::size_t n);
void tanh_inplace(double* p, std::size_t n);

// 1 / (1 + exp(-x))
void sigmoid_inplace(float* p, std::size_t n);
void sigmoid_inplace(double* p, std::size_t n);

// Sets the calling thread's floating-point mode for computing: denormal results and inputs
// flushed to zero (FTZ/DAZ). Denormals appear in long recurrent runs as states decay and
// make each operation on them ~100x slower (a vanilla RNN's steps 3.6x slower after ~1000
// training steps, docs/architecture.md). Also keeps freed large buffers in the process
// (glibc's mmap threshold), so the per-epoch tape does not fault its pages in again.
void configure_compute_thread();

}  // namespace rnn::rt
