#!/bin/sh
# A quick-size example must learn: runs it and requires the training loss of its last
# epoch to be at most FRACTION of the first epoch's (history.csv, column 2).
# usage: run_loss_drop.sh RNN EXAMPLE WORKDIR TRAIN FRACTION
set -eu
rnn=$1; example=$2; work=$3; train=$4; fraction=$5
rm -rf "$work"
mkdir -p "$work"
"$rnn" run "$example" --out "$work/run" --quiet
history="$work/run/$train/history.csv"
first=$(sed -n 2p "$history" | cut -d, -f2)
last=$(tail -n 1 "$history" | cut -d, -f2)
echo "loss: first epoch $first, last epoch $last (must be <= $fraction of the first)"
awk -v a="$first" -v b="$last" -v f="$fraction" 'BEGIN { exit !(b <= f * a) }'
