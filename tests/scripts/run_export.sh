#!/bin/sh
# What an evaluation writes, read as a researcher reads it: the example of
# docs/run_directory.md ("What an evaluation writes") is run, its numpy snippet runs on the
# result, and check_export.py checks the arrays' shapes and known values against trials.csv
# (integration_memory's input is 2.0 for duration + 1 steps from each trial's onset).
# usage: run_export.sh RNN SOURCE_DIR WORK_DIR
rnn="$1"; src="$2"; work="$3"
python=/usr/bin/python3
if ! "$python" -c "import numpy" 2>/dev/null; then
  echo "numpy is not installed for $python: skipped"; exit 77
fi
rm -rf "$work"; mkdir -p "$work"
# The first ```rnn and ```python blocks of the section.
awk -v rnn="$work/look.rnn" -v py="$work/snippet.py" '
  /^## / { inside_section = ($0 == "## What an evaluation writes") }
  inside_section && /^```rnn/ && !done_rnn { file = rnn; done_rnn = 1; inside = 1; next }
  inside_section && /^```python/ && !done_py { file = py; done_py = 1; inside = 1; next }
  /^```/ { inside = 0; next }
  inside { print > file }
' "$src/docs/run_directory.md"
[ -s "$work/look.rnn" ] && [ -s "$work/snippet.py" ] || { echo "FAIL: no example in docs/run_directory.md"; exit 1; }
cd "$work" || exit 1
"$rnn" check look.rnn > check.out 2>&1 || { echo "FAIL: rnn check"; cat check.out; exit 1; }
grep -q "^evaluate look saves about .*: 8 trials x 300 steps of states (20 wide), rates (20 wide), outputs (1 wide), inputs (1 wide), targets (1 wide)" check.out \
  || { echo "FAIL: rnn check's size line:"; cat check.out; exit 1; }
"$rnn" run look.rnn --quiet || { echo "FAIL: rnn run"; exit 1; }
"$python" snippet.py > snippet.out || { echo "FAIL: the snippet of docs/run_directory.md"; exit 1; }
"$python" "$src/tests/scripts/check_export.py" runs/look/look || exit 1
# The arrays and trials.csv are published files: the manifest hashes them, and a second
# run takes them from the cache unchanged.
for f in states.npy rates.npy inputs.npy outputs.npy targets.npy trials.csv; do
  grep -q "'look/$f'" runs/look/manifest.toml || { echo "FAIL: look/$f is not in the manifest"; exit 1; }
done
sum=$(cat runs/look/look/* | cksum)
rm -rf runs/look/look
"$rnn" run look.rnn --quiet || { echo "FAIL: rnn run again"; exit 1; }
[ "$sum" = "$(cat runs/look/look/* | cksum)" ] || { echo "FAIL: the cached files differ"; exit 1; }
echo "ok"
