#!/bin/sh
# A golden test of diagnostics: `rnn check FILE` must exit with the code and print exactly
# the text in FILE.expected (the first line of the .expected file is "exit N"). Options for
# `rnn check` come from FILE.args when there is one (one line, split at spaces): a golden
# of the memory check gives its own --max-memory, so it does not depend on the machine.
# usage: run_check.sh RNN FILE
rnn="$1"; file="$2"; expected="$file.expected"
dir=$(dirname "$file"); base=$(basename "$file")
args=""; [ -f "$file.args" ] && args=$(cat "$file.args")
# shellcheck disable=SC2086 # the options are meant to be split
actual=$(cd "$dir" && "$rnn" check "$base" $args 2>&1; echo "exit $?")
want=$(tail -n +2 "$expected"; head -n 1 "$expected")
if [ "$actual" != "$want" ]; then
  echo "--- expected"; echo "$want"; echo "--- actual"; echo "$actual"
  exit 1
fi
