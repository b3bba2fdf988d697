#!/bin/sh
# An example must reach a level: runs it and requires the metric KEY of the table TABLE
# in metrics.toml ([TABLE], or ['TABLE'] for names such as test[4]) to be at least MIN;
# more TABLE KEY MIN triples may follow, each a further requirement on the same run.
# usage: run_metric_at_least.sh RNN EXAMPLE WORKDIR TABLE KEY MIN [TABLE KEY MIN ...]
set -eu
rnn=$1; example=$2; work=$3
shift 3
rm -rf "$work"
mkdir -p "$work"
"$rnn" run "$example" --out "$work/run" --quiet
status=0
while [ $# -ge 3 ]; do
  table=$1; key=$2; min=$3
  shift 3
  value=$(awk -v t="$table" -v k="$key" '
    $0 == "[" t "]" || $0 == "[\047" t "\047]" { inside = 1; next }
    /^\[/ { inside = 0 }
    inside && $1 == k { print $3; exit }' "$work/run/metrics.toml")
  echo "$table.$key = $value (must be >= $min)"
  if [ -z "$value" ] || ! awk -v v="$value" -v m="$min" 'BEGIN { exit !(v >= m) }'; then
    status=1
  fi
done
[ $# -eq 0 ] || { echo "run_metric_at_least.sh: a TABLE KEY MIN triple is incomplete"; exit 2; }
exit $status
