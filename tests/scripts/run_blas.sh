#!/bin/sh
# How rnn chooses OpenBLAS kernels (runtime/blas_core.hpp): a user's OPENBLAS_CORETYPE is
# kept; a re-executed process keeps the chosen kernels after checking a GEMM; the choice
# can be switched off; the manifest records the kernels a run used. (Prescott: kernels
# every x86-64 processor can run.)
# usage: run_blas.sh RNN SOURCE_DIR WORK_DIR
rnn="$1"; src="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

out=$(OPENBLAS_CORETYPE=Prescott "$rnn" --version) || fail "--version exited $?"
echo "$out" | grep -q '^OpenBLAS core: Prescott (chosen by user)$' || fail "user value: $out"

# What a process re-executed by rnn sees: the variable it set and the marker.
out=$(OPENBLAS_CORETYPE=Prescott RNN_BLAS_CHOICE=chosen "$rnn" --version) || fail "exit $?"
echo "$out" | grep -q '^OpenBLAS core: Prescott (chosen by rnnlab)$' || fail "re-executed: $out"

out=$(env -u OPENBLAS_CORETYPE RNN_BLAS_AUTO=0 "$rnn" --version) || fail "exit $?"
echo "$out" | grep -q '(chosen by openblas)$' || fail "switched off: $out"

cat > "$work/tiny.rnn" <<'RNN'
task m = memory_recall { units = 4, present = 2 steps, retain = 3 steps }
network n = rnn { units = 4, inputs = 4 }
train f = n on m { loss = -mean(overlap, during: retain), epochs = 2 }
RNN
OPENBLAS_CORETYPE=Prescott "$rnn" run "$work/tiny.rnn" --out "$work/run" --quiet || fail "run exited $?"
grep -q '^core = .Prescott.$' "$work/run/manifest.toml" || fail "manifest: $(grep -A2 blas "$work/run/manifest.toml")"
grep -q '^chosen_by = .user.$' "$work/run/manifest.toml" || fail "manifest chosen_by"
echo ok
