#!/bin/sh
# An example must reach a level: runs it and requires the metric KEY of the table TABLE
# in metrics.toml ([TABLE], or ['TABLE'] for names such as test[4]) to be at least MIN.
# usage: run_metric_at_least.sh RNN EXAMPLE WORKDIR TABLE KEY MIN
set -eu
rnn=$1; example=$2; work=$3; table=$4; key=$5; min=$6
rm -rf "$work"
mkdir -p "$work"
"$rnn" run "$example" --out "$work/run" --quiet
value=$(awk -v t="$table" -v k="$key" '
  $0 == "[" t "]" || $0 == "[\047" t "\047]" { inside = 1; next }
  /^\[/ { inside = 0 }
  inside && $1 == k { print $3; exit }' "$work/run/metrics.toml")
echo "$table.$key = $value (must be >= $min)"
[ -n "$value" ] && awk -v v="$value" -v m="$min" 'BEGIN { exit !(v >= m) }'
