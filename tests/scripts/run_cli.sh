#!/bin/sh
# The documented exit codes: 0 success, 1 script error, 2 usage error, 3 runtime failure.
set -u
rnn="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
fail=0
expect() { want=$1; shift; "$@" >/dev/null 2>&1; got=$?; [ "$got" = "$want" ] || { echo "FAIL ($got, wanted $want): $*"; fail=1; }; }
expect 0 "$rnn" --version
expect 0 "$rnn" --help
expect 2 "$rnn"
expect 2 "$rnn" frobnicate
expect 2 "$rnn" run
expect 2 "$rnn" run a.rnn --bogus
echo 'task t = memory_recall {' > "$work/bad.rnn"
expect 1 "$rnn" check "$work/bad.rnn"
expect 1 "$rnn" run "$work/bad.rnn"
expect 1 "$rnn" check "$work/missing.rnn"
# A run that diverges is a runtime failure that names the epoch.
cat > "$work/diverge.rnn" <<'RNN'
task m = memory_recall { units = 4, present = 5 steps, retain = 400 steps }
network n = rnn { units = 4, activation = linear
  W_self : init normal(5) }
train f = n on m { loss = -mean(overlap, during: retain), epochs = 5 }
RNN
expect 0 "$rnn" check "$work/diverge.rnn"
out=$("$rnn" run "$work/diverge.rnn" --out "$work/d" 2>&1); code=$?
[ "$code" = 3 ] || { echo "FAIL: diverging run exited $code"; echo "$out"; fail=1; }
echo "$out" | grep -q "at epoch" || { echo "FAIL: no epoch in: $out"; fail=1; }
expect 0 "$rnn" doc --out "$work/stdlib.md"
# A script that cannot be read is a script error, reported with its code.
mkdir -p "$work/dir.rnn"
out=$("$rnn" check "$work/dir.rnn" 2>&1); code=$?
[ "$code" = 1 ] || { echo "FAIL: checking a directory exited $code"; echo "$out"; fail=1; }
echo "$out" | grep -qF "$work/dir.rnn: error: cannot read the script: it is a directory [E0001]" \
  || { echo "FAIL: no E0001 in: $out"; fail=1; }
# The manifest records every included file with its hash.
mkdir -p "$work/inc/shared"
cat > "$work/inc/shared/parts.rnn" <<'RNN'
task m = memory_recall { units = 4, present = 2 steps, retain = 3 steps }
network n = rnn { units = 4, inputs = 4 }
RNN
cat > "$work/inc/main.rnn" <<'RNN'
include "shared/parts.rnn"
train f = n on m { loss = -mean(overlap, during: retain), epochs = 1 }
RNN
expect 0 "$rnn" run "$work/inc/main.rnn" --out "$work/inc/run" --quiet
grep -q "path = '$work/inc/shared/parts.rnn'" "$work/inc/run/manifest.toml" \
  || { echo "FAIL: the include is not in the manifest"; cat "$work/inc/run/manifest.toml"; fail=1; }
exit $fail
