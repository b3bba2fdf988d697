#!/bin/sh
# The memory check (docs/guide.md, "Memory"): --max-memory's sizes, a training no machine
# can hold refused by `rnn check` and `rnn run` before anything is written, every example
# within 1 GiB, and an allocation that fails anyway (the limit raised past the estimate)
# reported as what to reduce, never as a bare std::bad_alloc. The failing allocations ask
# for petabytes, more than any address space, so they fail at once without touching memory.
# usage: run_memory.sh RNN WORKDIR
set -u
rnn="$1"; work="$2"
src=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
# Under AddressSanitizer a refused allocation must return null (then bad_alloc), as malloc's does.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1"
fail=0

# expect NAME WANT_EXIT EREGEX COMMAND...: the exit code, and stderr matching EREGEX.
expect() {
  name="$1"; want="$2"; pattern="$3"; shift 3
  "$@" >"$name.stdout" 2>"$name.stderr"
  got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit $got, wanted $want"; head -n 8 "$name.stderr"; fail=1
  elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$name.stderr"; then
    echo "FAIL $name: stderr does not match: $pattern"; head -n 8 "$name.stderr"; fail=1
  elif grep -q "bad_alloc" "$name.stderr"; then
    echo "FAIL $name: a bare bad_alloc"; fail=1
  else
    echo "ok   $name (exit $got)"
  fi
}

cat >small.rnn <<'S'
task bits = flip_flop { length = 20 steps }
network n = rnn { units = 8, outputs = 3 }
train fit = n on bits { loss = masked_mse(output, target, mask: all), epochs = 1 }
S

# --- sizes ------------------------------------------------------------------------------
for size in 4G 512M 512MiB 1.5T 64MB 1000000000 2P; do
  expect "size_$size" 0 "" "$rnn" check small.rnn --max-memory "$size"
done
for size in 0 -1G 1X 4Gb G 4GiBs ""; do
  expect "bad_size_$size" 2 "max-memory needs a size" "$rnn" check small.rnn --max-memory "$size"
done
expect run_bad_size 2 "max-memory needs a size" "$rnn" run small.rnn --max-memory 1X --out bad
expect run_small_limit 0 "" "$rnn" run small.rnn --max-memory 1G --out small --quiet

# --- more than any machine: 10 million trials of 10 million steps (2.9 PiB) ------------
cat >huge.rnn <<'S'
task bits = flip_flop { length = 10000000 steps }
network n = rnn { units = 8, outputs = 3 }
train fit = n on bits {
  loss  = masked_mse(output, target, mask: all)
  batch = 10000000
}
S
at='^huge\.rnn:5:11: error: the training .fit. needs about [0-9.]+ PiB of memory'
expect check_huge 1 "$at.*available now \[E0630\]" "$rnn" check huge.rnn
expect run_huge 1 "$at" "$rnn" run huge.rnn --out huge
[ -e huge ] && { echo "FAIL run_huge: it wrote its run directory"; fail=1; }
# Allowed past the estimate, the first allocation fails: what to reduce, exit 3.
expect run_huge_allowed 3 "train fit: out of memory while training on batches of 10000000 trials.*reduce 'batch'" \
  "$rnn" run huge.rnn --max-memory 100000P --out huge_allowed --quiet

# With Slurm the trainings run on the cluster's nodes: held against sbatch's --mem (a plain
# number is MiB), else left to each task.
expect slurm_mem 1 "$at.*allowed by --mem 4G \[E0630\]" \
  "$rnn" run huge.rnn --executor slurm --mem 4G --dry-run --out slurm_mem
expect slurm_mem_mib 1 "than the 3\.9 GiB allowed by --mem 4000 " \
  "$rnn" run huge.rnn --executor slurm --mem 4000 --dry-run --out slurm_mem_mib
expect slurm_no_mem 0 "" "$rnn" run huge.rnn --executor slurm --dry-run --out slurm_no_mem

# Each node fits in 600 MiB, but a local run keeps all four evaluations' activity: refused
# here, while a Slurm driver and its tasks each run a part, so only each node counts.
cp "$src/tests/scripts/check/E0630_run_memory.rnn" kept.rnn
expect kept_local 1 "the run needs about" "$rnn" run kept.rnn --max-memory 600M --out kept_local
expect kept_slurm 0 "" "$rnn" run kept.rnn --executor slurm --mem 600M --dry-run --out kept_slurm

cat >huge_eval.rnn <<'S'
task short = flip_flop { length = 10 steps }
task long = flip_flop { length = 10000000 steps }
network n = rnn { units = 8, outputs = 3 }
train fit = n on short { loss = masked_mse(output, target, mask: all), epochs = 1 }
evaluate test = fit on long { trials = 10000000 }
S
expect check_huge_eval 1 "^huge_eval\.rnn:5:40: error: the evaluation .test. needs about" \
  "$rnn" check huge_eval.rnn --max-memory 64G
expect run_huge_eval_allowed 3 "evaluate test: out of memory while evaluating 10000000 trials.*reduce 'trials'" \
  "$rnn" run huge_eval.rnn --max-memory 100000P --out huge_eval --quiet

# --- the examples fit in 4 GiB (integration_memory.rnn: 3 GiB a training) ---------------------------------------------------------
for f in "$src"/examples/*.rnn; do
  expect "example_$(basename "$f" .rnn)" 0 "" "$rnn" check "$f" --max-memory 4G
done

exit $fail
