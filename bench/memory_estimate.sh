#!/bin/sh
# The memory estimate of `rnn check` (interpreter/check/memory_estimate.hpp) against the
# peak resident memory of `rnn run` (GNU time's "Maximum resident set size"), one script per
# shape: a training alone, or a one-epoch training of batch 1 with a large evaluation.
# Prints a Markdown table: shape, estimate, measured peak, estimate / peak.
# usage: bench/memory_estimate.sh RNN [WORKDIR]      (needs /usr/bin/time; about 3 minutes)
set -u
rnn="$1"; work="${2:-/tmp/rnnlab_memory_estimate}"
rm -rf "$work"; mkdir -p "$work"

# training NAME KIND UNITS BATCH STEPS [TRAIN FIELDS] [NETWORK FIELDS]
training() {
  cat >"$work/$1.rnn" <<S
task t = flip_flop { length = $5 steps }
network n = $2 { units = $3, outputs = 3 ${7:-} }
train fit = n on t {
  loss = masked_mse(output, target, mask: all)
  batch = $4
  epochs = 2
  ${6:-}
}
S
}

# plastic NAME UNITS BATCH UPDATER LAYERS: key-recall (11 steps) with per-trial fast weights
plastic() {
  cat >"$work/$1.rnn" <<S
task keys = key_recall { input = last_one }
network n = plastic { units = $2, outputs = 9, layers = $5, plastic_rate = 10, plastic_fraction = 0.1 }
train fit = n on keys {
  updater = $4
  optimizer = sgd { lr = 1e-3 }
  loss = cross_entropy(logits, target, mask: targets, ignore: -1)
  batch = $3
  epochs = 2
}
S
}

# evaluation NAME KIND UNITS TRIALS STEPS [LINE THAT READS ITS ACTIVITY]
evaluation() {
  cat >"$work/$1.rnn" <<S
task t = flip_flop { length = $5 steps }
network n = $2 { units = $3, outputs = 3 }
train fit = n on t {
  loss = masked_mse(output, target, mask: all)
  epochs = 1
}
evaluate test = fit on t { trials = $4 }
${6:-}
S
}

training rnn_params rnn 2000 1 10
training gru_params gru 1000 1 10
training rnn_tape rnn 64 2000 1000
training gru_tape gru 64 1000 1000
training lstm_tape lstm 64 1000 1000
training ctrnn_tape ctrnn 64 2000 1000
training rnn_noise rnn 64 1000 1000 "" ", noise = 0.1"
training rnn_wide_io rnn 16 2000 1000 "" ""
sed -i 's/length = 1000 steps/length = 1000 steps, bits = 30/; s/outputs = 3/outputs = 30/' \
  "$work/rnn_wide_io.rnn"
training rnn_backprop rnn 64 2000 1000 "updater = backprop"
training rnn_validation rnn 64 200 1000 "validate_every = 1
  validate_trials = 2000"
plastic plastic_dfa 256 200 dfa 3
plastic plastic_bptt 256 200 bptt 3
evaluation rnn_eval rnn 64 2000 1000
evaluation gru_eval_kept gru 64 1000 1000 'plot speed(test) to "speed.png"'
evaluation lstm_eval_kept lstm 64 1000 1000 'plot speed(test) to "speed.png"'
evaluation rnn_eval_saved rnn 64 2000 1000
sed -i 's/trials = 2000 }/trials = 2000, save = [states, inputs] }/' "$work/rnn_eval_saved.rnn"

echo "| shape | estimate | peak RSS | estimate / peak |"
echo "| --- | --- | --- | --- |"
for f in "$work"/*.rnn; do
  name=$(basename "$f" .rnn)
  # Every training and evaluation is over one byte: the messages give each estimate.
  estimate=$("$rnn" check "$f" --max-memory 1 2>&1 |
    sed -n 's/.* needs about \([0-9.]*\) \([KMGT]\)iB.*/\1 \2/p' |
    awk '{ f = ($2 == "K") ? 1 : ($2 == "M") ? 1024 : ($2 == "G") ? 1048576 : 1073741824;
           v = $1 * f; if (v > m) m = v } END { printf "%.0f", m }')
  peak=$(/usr/bin/time -f "%M" "$rnn" run "$f" --out "$work/$name.out" --quiet 2>&1 >/dev/null |
    tail -n 1)
  awk -v n="$name" -v e="$estimate" -v p="$peak" \
    'BEGIN { printf "| %s | %.0f MiB | %.0f MiB | %.2f |\n", n, e / 1024, p / 1024, e / p }'
done
