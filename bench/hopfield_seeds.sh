#!/bin/sh
# Runs a seed-000 example over seeds 1..5 and prints a Markdown table of the evaluation
# (reaction and retention per memory), epochs run and wall time per run.
# usage: bench/hopfield_seeds.sh RNN EXAMPLE [WORKDIR]
set -eu
rnn="$1"; example="$2"; work="${3:-/tmp/rnnlab_seeds}"
rm -rf "$work"; mkdir -p "$work"
echo "| seed | epochs | reaction 1 | reaction 2 | retention 1 | retention 2 | seconds |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for s in 1 2 3 4 5; do
  sed "s/^seed .*/seed $s/" "$example" > "$work/seed$s.rnn"
  start=$(date +%s.%N)
  "$rnn" run "$work/seed$s.rnn" --out "$work/seed$s" --quiet
  end=$(date +%s.%N)
  awk -v s="$s" -v t="$(echo "$end - $start" | bc)" '
    /^\[fit\]/{sec="fit";next} /^\[test\]/{sec="test";next} /^\[/{sec="";next}
    sec=="fit" && /^epochs_run/{ep=$3}
    sec=="test" && /^reaction = /{gsub(/[\[\],]/," "); r1=$3; r2=$4}
    sec=="test" && /^retention = /{gsub(/[\[\],]/," "); q1=$3; q2=$4}
    END{printf "| %s | %s | %.4f | %.4f | %.4f | %.4f | %.2f |\n", s, ep, r1, r2, q1, q2, t}' "$work/seed$s/metrics.toml"
done
