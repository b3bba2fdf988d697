#!/bin/sh
# rnnlab against PyTorch, one training step (forward, loss, backward, Adam), same machine,
# same thread count, each side in its own process. Prints a markdown table for
# bench/README.md. Usage: bench/vs_torch.sh BUILD_DIR [REPEATS]
#   (build first: cmake --build BUILD_DIR --target bench_train_step)
# Both sides get the same BLAS settings: OPENBLAS_CORETYPE, if set, reaches both; PyTorch
# uses its own bundled kernels (MKL-DNN/oneDNN or OpenBLAS, as Debian builds it).
set -eu
build=$1
repeats=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
ours="$build/bench/bench_train_step"
theirs="/usr/bin/python3 $here/torch_train_step.py"

field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

echo "| workload | threads | rnnlab ms (fwd + bwd) | PyTorch ms | ratio | rnnlab GFLOP/s | sgemm GFLOP/s | rnnlab MB | PyTorch MB |"
echo "|---|---|---|---|---|---|---|---|---|"
run() {  # name, then the arguments of both programs
  name=$1; shift
  for threads in 1 2; do
    a=$(OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads "$ours" "$@")
    b=$(RNN_BENCH_THREADS=$threads OMP_NUM_THREADS=$threads $theirs "$@")
    ma=$(field "$a" median_ms); mb=$(field "$b" median_ms)
    ratio=$(awk "BEGIN { printf \"%.3f\", $ma / $mb }")
    echo "| $name | $threads | $ma ($(field "$a" forward_ms) + $(field "$a" backward_ms)) | $mb | $ratio | $(field "$a" gflops) | $(field "$a" sgemm_gflops) | $(field "$a" maxrss_mb) | $(field "$b" maxrss_mb) |"
  done
}
run "rnn N=64 B=1 T=1000 (seed 000)"        rnn   64  1 1000 64 64 mse "$repeats"
run "gru H=128 B=64 T=45 in 15, 8 classes"  gru   128 64 45  15 8  ce  "$repeats"
run "lstm H=128 B=64 T=45 in 15, 8 classes" lstm  128 64 45  15 8  ce  "$repeats"
run "ctrnn N=500 B=32 T=1000 (seed 002)"    ctrnn 500 32 1000 1 1  mse "$(( (repeats + 3) / 4 ))"
