#!/bin/sh
# Every diagnostic code must be exercised by a test. For each code that `rnn explain` lists
# (interpreter/diagnostic_codes.hpp), some file under TESTS_DIR whose name ends in .expected
# or .sh must contain the literal text "[CODE]", as a diagnostic prints it. The usual place
# is a golden script tests/scripts/check/CODE_short_name.rnn with its .rnn.expected.
# usage: run_codes.sh RNN TESTS_DIR
set -u
rnn="$1"; tests="$2"

# Codes that no script can trigger in this version. Each one is a defect to fix (make the
# code reachable, or drop it from the table), then delete it here and add its golden; the
# test fails while a listed code is covered, so this list cannot go stale.
#   E0623  interpreter/check/evaluate.cpp check_evaluate: the stdlib has a single task kind
#          (memory_recall), so a training and its evaluation task always share a kind.
known_gaps="E0623"

codes=$("$rnn" explain) || { echo "FAIL: '$rnn explain' exited $?"; exit 1; }
codes=$(printf '%s\n' "$codes" | awk 'NF { print $1 }')
if [ -z "$codes" ]; then
  echo "FAIL: '$rnn explain' listed no codes"
  exit 1
fi

fail=0
missing=""
for code in $codes; do
  case "$code" in
    [EW][0-9][0-9][0-9][0-9]) ;;
    *) echo "FAIL: '$rnn explain' printed a line that does not start with a code: $code"
       fail=1; continue ;;
  esac
  found=$(find "$tests" -type f \( -name '*.expected' -o -name '*.sh' \) \
            -exec grep -lF -- "[$code]" {} + 2>/dev/null | head -n 1)
  gap=0
  for g in $known_gaps; do [ "$g" = "$code" ] && gap=1; done
  if [ -n "$found" ] && [ "$gap" = 1 ]; then
    echo "FAIL: $code is listed in known_gaps of $0 but $found covers it; remove it from the list"
    fail=1
  elif [ -z "$found" ] && [ "$gap" = 1 ]; then
    echo "gap  $code (cannot be triggered in this version; see known_gaps)"
  elif [ -z "$found" ]; then
    missing="$missing $code"
  fi
done
for g in $known_gaps; do
  printf '%s\n' "$codes" | grep -qx -- "$g" \
    || { echo "FAIL: known_gaps lists $g, which '$rnn explain' does not know"; fail=1; }
done

if [ -n "$missing" ]; then
  echo "FAIL: no test under $tests shows these codes (no [CODE] in a .expected or .sh file):"
  for code in $missing; do
    echo "  $("$rnn" explain "$code" 2>/dev/null | head -n 1 || echo "$code")"
  done
  echo "add a golden script tests/scripts/check/CODE_short_name.rnn that triggers each one"
  fail=1
fi
[ "$fail" = 0 ] && echo "ok   every diagnostic code appears in a test"
exit $fail
