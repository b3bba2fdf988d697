#!/bin/sh
# Runs one fuzzer for a bounded time over a fresh seed corpus.
# usage: run_fuzz.sh FUZZER SOURCE_DIR WORKDIR SECONDS [parse_check|config|npy]
# The corpus is rebuilt on every run, so reproducers of old crashes run first, every time:
#   parse_check: examples/*.rnn and examples/tasks/*.rnn, tests/scripts/check/*.rnn and tests/fuzz/regressions/*;
#   config:      tests/fuzz/seeds/config/* (TOML; reproducers go there too);
#   npy:         tests/fuzz/seeds/npy/* (.npy files; reproducers go there too).
# Any crash, leak, timeout (-timeout=10 per input) or sanitizer report makes libFuzzer exit
# non-zero, and the input that caused it is left in WORKDIR/artifacts/ and printed here.
set -u
fuzzer="$1"; src="$2"; work="$3"; seconds="$4"; kind="${5:-parse_check}"
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
# Prefixes keep files of the same name from different directories apart.
case "$kind" in
  parse_check)
    dict="$src/tests/fuzz/rnn.dict"
    for f in "$src"/examples/*.rnn; do cp "$f" "$work/corpus/example_$(basename "$f")"; done
    for f in "$src"/examples/tasks/*.rnn; do cp "$f" "$work/corpus/task_$(basename "$f")"; done
    for f in "$src"/tests/scripts/check/*.rnn; do cp "$f" "$work/corpus/check_$(basename "$f")"; done
    for f in "$src"/tests/fuzz/regressions/*; do
      [ -f "$f" ] && [ "$(basename "$f")" != README.md ] && cp "$f" "$work/corpus/regression_$(basename "$f")"
    done
    ;;
  config|npy)
    dict="$src/tests/fuzz/$([ "$kind" = config ] && echo toml || echo npy).dict"
    for f in "$src"/tests/fuzz/seeds/"$kind"/*; do
      [ -f "$f" ] && cp "$f" "$work/corpus/seed_$(basename "$f")"
    done
    ;;
  *)
    echo "run_fuzz: unknown kind '$kind' (parse_check, config or npy)" >&2
    exit 2
    ;;
esac
# halt_on_error: a UBSan finding must end the run like an ASan one does.
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export UBSAN_OPTIONS
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -dict="$dict" -artifact_prefix="$work/artifacts/" \
  -print_final_stats=1 "$work/corpus"
code=$?
if [ "$code" != 0 ]; then
  echo "run_fuzz: the fuzzer exited $code; inputs that failed (replay: $fuzzer FILE):"
  for a in "$work"/artifacts/*; do
    [ -f "$a" ] || continue
    echo "--- $a"
    od -c "$a" | head -n 40
  done
fi
exit "$code"
