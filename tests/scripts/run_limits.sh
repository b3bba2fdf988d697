#!/bin/sh
# `rnn check` on hostile input: deep nesting, megabyte lines, long operator chains, binary
# and non-UTF-8 bytes, empty files, a directory and a missing file. Every case must end
# within SECONDS (default 20) with exit 0 or 1 (never a signal, a timeout or a usage
# error), and every error must be reported as `FILE:LINE:COL: error: ...` (the location is
# optional only where there is no text to point into: a directory, a missing file).
# usage: run_limits.sh RNN WORKDIR [SECONDS]
# The limit is there to catch hangs and quadratic blow-ups; a Debug build under ASan runs
# the parser many times slower than Release, so its test passes a larger one.
set -u
rnn="$1"; work="$2"; limit="${3:-20}"
src=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"; mkdir -p "$work"
fail=0

# repeat N TEXT: TEXT N times, no newline (awk: POSIX, and fast enough for megabytes).
repeat() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }

# expect NAME FILE WANT_EXIT [EREGEX]: checks FILE; stderr must match EREGEX when given.
# With WANT_EXIT 0 and no EREGEX, stderr must hold no error line.
expect() {
  name="$1"; file="$2"; want="$3"; pattern="${4:-}"
  timeout "$limit" "$rnn" check "$file" >"$work/$name.stdout" 2>"$work/$name.stderr"
  got=$?
  why=""
  if [ "$got" = 124 ]; then why="did not finish within $limit s"
  elif [ "$got" -gt 128 ]; then why="killed by signal $((got - 128))"
  elif [ "$got" != "$want" ]; then why="exit $got, wanted $want"
  elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$work/$name.stderr"; then
    why="stderr does not match: $pattern"
  elif [ -z "$pattern" ] && grep -q "error:" "$work/$name.stderr"; then
    why="unexpected error on stderr"
  fi
  if [ -n "$why" ]; then
    echo "FAIL $name: $why"
    # Long lines are the point of some cases: show only their start.
    head -n 5 "$work/$name.stderr" | cut -c 1-200
    fail=1
  else
    echo "ok   $name (exit $got)"
  fi
}

# The location prefix of an error in FILE (any line and column).
at() { printf '^%s:[0-9]+:[0-9]+: error: ' "$1"; }

# --- nesting: the parser must refuse, not recurse until the stack runs out -----------------
for pair in 'paren:(' 'bracket:[' 'brace:{'; do
  kind=${pair%%:*}; open=${pair#*:}
  f="$work/nest_$kind.rnn"
  { printf 'analyze a = '; repeat 10000 "$open"; echo; } >"$f"
  expect "nest_$kind" "$f" 1 "$(at "$f")"
done
# Unary operators nest without brackets.
f="$work/nest_minus.rnn"; { printf 'analyze a = '; repeat 100000 '-'; echo 1; } >"$f"
expect nest_minus "$f" 1 "$(at "$f")"
f="$work/nest_not.rnn"; { printf 'analyze a = '; repeat 100000 'not '; echo true; } >"$f"
expect nest_not "$f" 1 "$(at "$f")"

# --- long chains: flat in the text, deep in a tree built naively -----------------------
f="$work/chain_lines.rnn"; { printf 'analyze a = 1'; repeat 300000 '
+ 1'; echo; } >"$f"
expect chain_plus_300k_lines "$f" 1 "$(at "$f")"
f="$work/chain_member.rnn"; { printf 'analyze a = x'; repeat 300000 '
.y'; echo; } >"$f"
expect chain_member_300k_lines "$f" 1 "$(at "$f")"

# --- one line of a megabyte (1 MiB = 1048576 bytes) ---------------------------------------
f="$work/line_comment.rnn"; { printf 'seed 1 #'; repeat 1048576 c; echo; } >"$f"
expect line_comment_1mb "$f" 0
f="$work/line_string.rnn"; { printf 'output "'; repeat 1048576 s; echo '"'; } >"$f"
expect line_string_1mb "$f" 1 "$(at "$f")"
f="$work/line_open_string.rnn"; { printf 'output "'; repeat 1048576 s; echo; } >"$f"
expect line_unclosed_string_1mb "$f" 1 "$(at "$f")"
f="$work/line_ident.rnn"; { printf 'network hop = '; repeat 1048576 i; echo ' { units = 8 }'; } >"$f"
expect line_identifier_1mb "$f" 1 "$(at "$f")"
f="$work/line_expr.rnn"; { printf 'analyze a = 1'; repeat 524288 '+1'; echo; } >"$f"
expect line_expression_1mb "$f" 1 "$(at "$f")"
# A million empty lines: line numbers must keep counting.
f="$work/many_lines.rnn"; { repeat 1000000 '
'; echo 'seed x'; } >"$f"
expect many_lines "$f" 1 "^$f:1000001:6: error: "

# --- bytes that are not text ------------------------------------------------------------
# 64 KiB from a fixed LCG (the same bytes everywhere), with NULs certain among them.
f="$work/binary.rnn"
perl -e '$x = 42; for (1 .. 65536) { $x = ($x * 1103515245 + 12345) % 2147483648;
  print chr(($x >> 16) & 255) } print "\0" x 16' >"$f"
expect binary "$f" 1 "$(at "$f")(the file is not valid UTF-8 text|.*NUL byte)"
f="$work/nul.rnn"; printf 'seed 1\n\000\n' >"$f"
expect nul_byte "$f" 1 "^$f:2:1: error: .*NUL byte"
f="$work/nul_in_comment.rnn"; printf 'seed 1 # a\000b\n' >"$f"
expect nul_in_comment "$f" 1 "^$f:1:11: error: .*NUL byte"
# Invalid UTF-8 in a string and in a comment; the error points at the first bad byte.
f="$work/utf8_string.rnn"; printf 'output "ab\377\376"\n' >"$f"
expect utf8_in_string "$f" 1 "^$f:1:11: error: the file is not valid UTF-8 text"
f="$work/utf8_comment.rnn"; printf 'seed 1\n# x\377\376\n' >"$f"
expect utf8_in_comment "$f" 1 "^$f:2:4: error: the file is not valid UTF-8 text"
# A sequence cut by the end of the file, an overlong '/', a UTF-16 surrogate.
f="$work/utf8_truncated.rnn"; printf 'seed 1 # \303' >"$f"
expect utf8_truncated "$f" 1 "^$f:1:10: error: the file is not valid UTF-8 text"
f="$work/utf8_overlong.rnn"; printf 'seed 1 # \300\257\n' >"$f"
expect utf8_overlong "$f" 1 "^$f:1:10: error: the file is not valid UTF-8 text"
f="$work/utf8_surrogate.rnn"; printf 'seed 1 # \355\240\200\n' >"$f"
expect utf8_surrogate "$f" 1 "^$f:1:1[01]: error: the file is not valid UTF-8 text"
# Valid UTF-8 beyond ASCII stays accepted.
f="$work/utf8_valid.rnn"; printf 'seed 1 # caf\303\251 \342\234\223 \360\237\247\240\n' >"$f"
expect utf8_valid "$f" 0

# --- nothing to do ----------------------------------------------------------------------
# An empty experiment is valid: nothing to check, nothing to run.
f="$work/empty.rnn"; : >"$f"
expect empty "$f" 0
f="$work/comments.rnn"; printf '# only\n\n   # comments\n#' >"$f"
expect only_comments "$f" 0

# --- not a readable file ----------------------------------------------------------------
mkdir -p "$work/dir.rnn"
expect directory "$work/dir.rnn" 1 \
  "^$work/dir.rnn(:[0-9]+:[0-9]+)?: error: cannot read the script: it is a directory"
expect missing "$work/missing.rnn" 1 \
  "^$work/missing.rnn(:[0-9]+:[0-9]+)?: error: cannot read the script: no such file"

# --- inputs the fuzzer once crashed on (tests/fuzz/regressions/): exit 0 or 1 -----------
for f in "$src"/tests/fuzz/regressions/*.rnn; do
  [ -f "$f" ] || continue
  name="regression_$(basename "$f" .rnn)"
  timeout "$limit" "$rnn" check "$f" >"$work/$name.stdout" 2>"$work/$name.stderr"
  got=$?
  if [ "$got" = 0 ] || [ "$got" = 1 ]; then
    echo "ok   $name (exit $got)"
  else
    echo "FAIL $name: exit $got (0 or 1 wanted)"
    head -n 5 "$work/$name.stderr" | cut -c 1-200
    fail=1
  fi
done

exit $fail
