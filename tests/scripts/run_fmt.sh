#!/bin/sh
# `rnn fmt` on every .rnn file of the given directories that parses: its output is a fixed
# point (formatting it again changes nothing, --check accepts it silently); --check on the
# file itself exits 0 exactly when the file is already canonical, else 1 with a one-line
# message, and leaves the file alone; --write leaves exactly the printed text; CRLF line
# endings print the same; `rnn check` exits with the same code before and after.
# usage: run_fmt.sh RNN WORKDIR DIR...
set -u
rnn="$1"; work="$2"; shift 2
rm -rf "$work"; mkdir -p "$work"
fail=0; formatted=0
bad() { echo "FAIL ($1): $2"; fail=1; }
for dir in "$@"; do
  for file in "$dir"/*.rnn; do
    [ -f "$file" ] || continue
    name=$(basename "$dir")_$(basename "$file" .rnn)
    out="$work/$name"; mkdir -p "$out"
    if ! "$rnn" fmt "$file" > "$out/canonical.rnn" 2> "$out/stderr"; then
      echo "skip $file: it does not parse"
      continue
    fi
    formatted=$((formatted + 1))

    "$rnn" fmt "$out/canonical.rnn" > "$out/twice.rnn" 2>&1 \
      || bad "$file" "the formatted text does not parse: $(cat "$out/twice.rnn")"
    cmp -s "$out/canonical.rnn" "$out/twice.rnn" \
      || { bad "$file" "formatting twice changes the text"; diff "$out/canonical.rnn" "$out/twice.rnn"; }

    msg=$("$rnn" fmt "$out/canonical.rnn" --check 2>&1); code=$?
    [ "$code" = 0 ] && [ -z "$msg" ] || bad "$file" "--check on the canonical text: exit $code, '$msg'"

    cp "$file" "$out/original.rnn"
    msg=$("$rnn" fmt "$out/original.rnn" --check 2>&1); code=$?
    if cmp -s "$file" "$out/canonical.rnn"; then
      [ "$code" = 0 ] && [ -z "$msg" ] || bad "$file" "--check on a canonical file: exit $code, '$msg'"
    else
      [ "$code" = 1 ] || bad "$file" "--check on a file that is not canonical: exit $code"
      [ -n "$msg" ] && [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] \
        || bad "$file" "--check should print one line, printed: '$msg'"
    fi
    cmp -s "$file" "$out/original.rnn" || bad "$file" "--check changed the file"

    msg=$("$rnn" fmt "$out/original.rnn" --write 2>&1); code=$?
    [ "$code" = 0 ] || bad "$file" "--write: exit $code, '$msg'"
    cmp -s "$out/original.rnn" "$out/canonical.rnn" || bad "$file" "--write did not leave the printed text"

    sed 's/$/\r/' "$file" > "$out/crlf.rnn"
    "$rnn" fmt "$out/crlf.rnn" > "$out/crlf_formatted.rnn" 2>&1
    cmp -s "$out/crlf_formatted.rnn" "$out/canonical.rnn" || bad "$file" "CRLF line endings print differently"

    # Both copies sit in the work folder, so an include would fail alike in both.
    cp "$file" "$out/unformatted.rnn"
    "$rnn" check "$out/unformatted.rnn" > /dev/null 2>&1; before=$?
    "$rnn" check "$out/canonical.rnn" > /dev/null 2>&1; after=$?
    [ "$before" = "$after" ] || bad "$file" "rnn check exits $before before formatting, $after after"
  done
done
[ "$formatted" -ge 2 ] || bad "$*" "only $formatted files were formatted"
exit $fail
