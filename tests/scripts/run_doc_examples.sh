#!/bin/sh
# Every example stays in step with the language: each ```rnn block of docs/*.md must pass
# `rnn check` (blocks marked ```rnn parse-only must parse: `rnn fmt`), and every
# examples/*.rnn must pass `rnn check` without warnings and be in the canonical layout (and
# examples/tasks/*.rnn, tasks meant to be included, must check and be in that layout).
# The memory check is not this test's: `rnn check` gets a --max-memory every example fits in
# (run_memory.sh tests that), so the result does not depend on the machine's free memory.
# usage: run_doc_examples.sh RNN SOURCE_DIR WORK_DIR
rnn="$1"; src="$2"; work="$3"
memory="--max-memory 64G"
rm -rf "$work"; mkdir -p "$work"
status=0
for doc in "$src"/docs/*.md; do
  name=$(basename "$doc" .md)
  # Writes block N of the page to WORK/NAME_N.rnn (or NAME_N.parse.rnn when parse-only).
  awk -v out="$work/$name" '
    /^```rnn/ { n++; mode = ($2 == "parse-only") ? ".parse.rnn" : ".rnn";
                file = out "_" n mode; inside = 1; next }
    /^```/    { inside = 0; next }
    inside    { print > file }
  ' "$doc"
done
for f in "$work"/*.rnn; do
  [ -e "$f" ] || continue
  case "$f" in
    *.parse.rnn) cmd="fmt"; options="" ;;
    *) cmd="check"; options="$memory" ;;
  esac
  # shellcheck disable=SC2086 # the options are meant to be split
  if ! out=$(cd "$work" && "$rnn" $cmd "$(basename "$f")" $options 2>&1 >/dev/null); then
    echo "FAIL: rnn $cmd on a block of docs ($(basename "$f")):"; echo "$out"; status=1
  fi
done
for f in "$src"/examples/*.rnn; do
  # shellcheck disable=SC2086
  out=$(cd "$(dirname "$f")" && "$rnn" check "$(basename "$f")" $memory 2>&1 >/dev/null)
  if [ $? -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: rnn check examples/$(basename "$f"):"; echo "$out"; status=1
  fi
done
# The tasks of examples/tasks/ are meant to be included: they must check, and may warn
# that nothing in their own file uses them.
for f in "$src"/examples/tasks/*.rnn; do
  # shellcheck disable=SC2086
  if ! out=$(cd "$(dirname "$f")" && "$rnn" check "$(basename "$f")" $memory 2>&1 >/dev/null); then
    echo "FAIL: rnn check examples/tasks/$(basename "$f"):"; echo "$out"; status=1
  fi
done
# Examples are what users copy: they are kept in the canonical layout.
for f in "$src"/examples/*.rnn "$src"/examples/shared/*.rnn "$src"/examples/tasks/*.rnn; do
  "$rnn" fmt "$f" --check || status=1
done
exit $status
