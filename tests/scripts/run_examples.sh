#!/bin/sh
# Seed 000 reproduced: with seeds 1 to 5, both memories reach reaction >= 0.99 and
# retention >= 0.99 in at least 4 of the 5 runs; the same seed gives an identical
# metrics.toml twice.
# usage: run_examples.sh RNN EXAMPLE WORKDIR
set -eu
rnn="$1"; example="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
passed=0
for s in 1 2 3 4 5; do
  sed "s/^seed .*/seed $s/" "$example" > "$work/seed$s.rnn"
  "$rnn" run "$work/seed$s.rnn" --out "$work/seed$s" --quiet
  # Every reaction and retention value of the evaluation must be >= 0.99.
  ok=$(awk '/^\[test\]/{t=1;next} /^\[/{t=0} t && /^(reaction|retention) = \[/{
          gsub(/[\[\],]/," "); for(i=3;i<=NF;i++) if ($i+0 < 0.99) bad=1 } END{print bad?0:1}' "$work/seed$s/metrics.toml")
  echo "seed $s: $(grep -E '^(reaction|retention)_mean' "$work/seed$s/metrics.toml" | tr '\n' ' ') pass=$ok"
  passed=$((passed + ok))
done
echo "$passed of 5 seeds reached reaction and retention >= 0.99 for both memories"
[ "$passed" -ge 4 ] || exit 1
# Determinism: the same file and seed give an identical metrics.toml.
"$rnn" run "$work/seed1.rnn" --out "$work/seed1_again" --quiet
cmp "$work/seed1/metrics.toml" "$work/seed1_again/metrics.toml"
for f in manifest.toml fit/W_self.npy fit/W_input.npy fit/history.csv training_history.png learned_weights.png test_trajectory.png training_history.gp; do
  [ -s "$work/seed1/$f" ] || { echo "missing $f"; exit 1; }
done
echo "metrics.toml identical across two runs"
