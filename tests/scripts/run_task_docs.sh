#!/bin/sh
# A script's own tasks in the tools (docs/tasks.md, "Documenting your task"): `rnn doc FILE`
# documents the tasks a script and its includes define (a paradigm from an included file,
# a stdlib task with the script's values), the REPL's `:help NAME` prints a session task's
# section, and `plot trial(TASK)` names a paradigm's input rows in a figure `rnn plot`
# draws again.
# usage: run_task_docs.sh RNN SOURCE_DIR WORK
set -u
rnn="$1"; src="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }
has() {  # FILE TEXT: FILE has a line holding TEXT (fixed string)
  grep -qF -- "$2" "$1" || { no "$1 lacks: $2"; cat "$1"; }
}

mkdir tasks
cp "$src/examples/tasks/perceptual_dm.rnn" tasks/
cat > main.rnn <<'RNN'
include "tasks/perceptual_dm.rnn"
task recall = memory_recall { units = 8, present = 5 steps }
task slow = perceptual_decision { dt = 10 ms }
plot trial(perceptual_decision) to "trial.png"
RNN

# rnn doc FILE: a title, the script's tasks in order, then the included file's.
"$rnn" doc main.rnn > doc.out 2> doc.err || no "rnn doc main.rnn failed"
[ -s doc.err ] && { no "rnn doc printed warnings or errors"; cat doc.err; }
[ "$(head -1 doc.out)" = "# Tasks of main.rnn" ] || no "the title: $(head -1 doc.out)"
[ "$(grep '^### ' doc.out | tr '\n' ' ')" = '### `recall` ### `slow` ### `perceptual_decision` ' ] \
  || { no "sections in the order written: $(grep '^### ' doc.out | tr '\n' ' ')"; }
has doc.out 'Source: tasks/perceptual_dm.rnn line 7, a paradigm'
has doc.out 'Source: main.rnn line 2, the stdlib task `memory_recall` (docs/stdlib.md)'
has doc.out '| `units` | integer | `8` |'  # the script's value, not the default 64
has doc.out '| parameter | type | value |'
has doc.out 'Input rows: 1 `fixation`; 2 `evidence 1`; 3 `evidence 2`.'
has doc.out 'Periods: `fixation` ('
has doc.out 'Metrics: `choice_accuracy` ('
has doc.out 'Masks (mask.npy'"'"'s channels, in this order): `response` ('
has doc.out '`signed_coherence` ('
# The variant's own dt; its base's default.
awk '/^### `slow`/ { on = 1 } /^### `perceptual_decision`/ { on = 0 } on' doc.out > slow.md
has slow.md '| `dt` | time | `10` |'

# --out writes what stdout shows; the stdlib reference is unchanged without a script.
"$rnn" doc main.rnn --out main.md || no "rnn doc main.rnn --out"
cmp -s main.md doc.out || no "--out differs from stdout"
"$rnn" doc --out stdlib.md || no "rnn doc --out"
"$rnn" doc > stdlib_stdout.md || no "rnn doc"
cmp -s stdlib.md stdlib_stdout.md || no "rnn doc --out differs from rnn doc"
cmp -s stdlib.md "$src/docs/stdlib.md" || no "rnn doc differs from docs/stdlib.md"

# A script that does not check: its diagnostics, exit 1, nothing documented.
printf 'task t = perceptual_dmm { }\n' > broken.rnn
"$rnn" doc broken.rnn > broken.out 2> broken.err
code=$?
[ "$code" = 1 ] || no "rnn doc of a broken script exits 1, not $code"
[ -s broken.out ] && no "rnn doc of a broken script printed a reference"
has broken.err "did you mean 'perceptual_dm'?"
# A script without tasks says so.
printf 'seed 1\n' > none.rnn
"$rnn" doc none.rnn > none.out || no "rnn doc of a script without tasks"
has none.out 'none.rnn and the files it includes define no task.'
# Usage errors.
for args in "main.rnn none.rnn" "--out" "main.rnn --out a --out b" "--bogus"; do
  # shellcheck disable=SC2086
  "$rnn" doc $args > /dev/null 2> usage.err
  code=$?
  [ "$code" = 2 ] || no "rnn doc $args exits 2, not $code"
  has usage.err 'usage: rnn doc [FILE.rnn] [--out FILE]'
done

# :help NAME in the REPL: a task the session defines, from a loaded file; the stdlib's
# entries and the statements as before.
cat > session.txt <<RNN
:load $src/examples/context_integration.rnn
:help mante
:help colour_context
:help paradigm
:help mantee
:quit
RNN
"$rnn" repl --out run_repl < session.txt > repl.out 2> repl.err
code=$?
[ "$code" = 1 ] || { no "the session with one error exits 1, not $code"; cat repl.err; }
has repl.out '### `mante`'
has repl.out 'Source: this session, a paradigm'
has repl.out 'Input rows: 1 `fixation`; 2 `motion`; 3 `colour`; 4 `context 1`; 5 `context 2`.'
has repl.out '`relevant` ('
has repl.out '### `colour_context`'
has repl.out '### `paradigm`'
has repl.err "no statement, task or stdlib entry named 'mantee'; did you mean 'mante'?"

# plot trial(TASK) of a paradigm: its rows by name, its periods marked, and a script that
# rnn plot draws again without --edited.
"$rnn" run main.rnn --out run --quiet || no "rnn run main.rnn"
[ -s run/trial.png ] || no "no trial.png"
has run/trial.gp 'title "fixation"'
has run/trial.gp 'title "evidence 2"'
has run/trial.gp 'set label 2 "stimulus" at 5,'  # 100 ms of fixation at 20 ms a step
rm run/trial.png
"$rnn" plot run trial.png > plot.out 2>&1 || { no "rnn plot refused the trial figure"; cat plot.out; }
[ -s run/trial.png ] || no "rnn plot did not draw trial.png again"

[ "$fail" = 0 ] && echo "task docs: all checks passed"
exit "$fail"
