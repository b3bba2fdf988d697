#!/bin/sh
# `rnn plot RUN` and hand-edited figure scripts (docs/figures.md, "Drawing a run's figures
# again", "Editing a figure's script"): every figure drawn again from its .gp and .dat with
# nothing computed; a script edited within the rules drawn too; a script that could run a
# command refused (exit 1, nothing run) unless --edited; a hand-edited .gp kept by `rnn run`
# with rnnlab's new one beside it as .gp.new, on every run until the edit is undone.
# usage: run_plot.sh RNN WORK_DIR
rnn="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
cd "$work" || exit 1

cat > p.rnn <<'RNN'
task memories = memory_recall { units = 8, present = 20 steps, retain = 80 steps }
network hop = rnn { units = 8 }
train fit = hop on memories { loss = -mean(overlap, during: retain), epochs = 20 }
evaluate test = fit on memories
plot history(fit, smooth: 5, logy: true, legend: ["total"]) to "figures/history.png"
plot trajectory(test, xlabel: "time step", key: none) to "traj.pdf"
plot heatmap(fit.W_self, size: [400, 380]) to "w.svg"
RNN
"$rnn" run p.rnn --out run --quiet || fail "run exited $?"
for f in figures/history.png traj.pdf w.svg; do [ -s "run/$f" ] || fail "no $f"; done
head -c 4 run/traj.pdf | grep -q '%PDF' || fail "traj.pdf is not a PDF"

# Everything again, from the scripts alone: the cache is gone, so nothing could be computed.
rm -rf run/.cache run/figures/history.png run/traj.pdf run/w.svg
out=$("$rnn" plot run 2>&1) || fail "plot exited $?: $out"
for f in figures/history.png traj.pdf w.svg; do [ -s "run/$f" ] || fail "rnn plot drew no $f"; done
echo "$out" | grep -q "rnn plot: 3 figures drawn" || fail "plot said: $out"

# An edit within the rules (a colour, a range, a label) is drawn without being asked.
sed -i 's/set grid/set grid lw 2\nset yrange [-2:2]/' run/traj.gp
rm run/traj.pdf
"$rnn" plot run traj.pdf >/dev/null 2>&1 || fail "an edit within the rules was refused"
[ -s run/traj.pdf ] || fail "the edited traj.gp drew nothing"

# A picture named must have its script; ./a.pdf names traj's the way a shell completes it.
out=$("$rnn" plot run ./traj.pdf nothere.png 2>&1); code=$?
[ "$code" -eq 2 ] || fail "an unknown picture: exit $code, want 2"
echo "$out" | grep -q "no figure script 'nothere.gp'" || fail "unknown picture said: $out"
"$rnn" plot run ./traj.pdf >/dev/null 2>&1 || fail "./traj.pdf did not name traj.gp"

# A script that could run a command is refused, naming the line; --edited runs it.
printf 'set title system("touch PWNED")\n' >> run/w.gp
rm run/w.svg
out=$("$rnn" plot run 2>&1); code=$?
[ "$code" -eq 1 ] || fail "a hostile script: exit $code, want 1"
echo "$out" | grep -q "plot w.gp: not run: rnnlab cannot vouch for it (line [0-9]*: 'system')" \
  || fail "refusal said: $out"
[ ! -e run/w.svg ] || fail "the refused script drew its picture"
[ ! -e run/PWNED ] && [ ! -e PWNED ] || fail "a refused script ran a command"
"$rnn" plot run w.svg --edited >/dev/null 2>&1 || fail "--edited exited $?"
[ -s run/w.svg ] || fail "--edited drew nothing"
rm -f run/PWNED

# A data file named '<cmd' is a command to gnuplot: refused.
printf 'plot "<touch PWNED2" using 1:2\n' >> run/figures/history.gp
"$rnn" plot run figures/history.png >/dev/null 2>&1 && fail "a '<cmd' data file was run"
[ ! -e run/figures/PWNED2 ] || fail "'<cmd' ran"

# rnn run keeps the edited scripts: rnnlab's new ones go beside them, with a warning.
out=$("$rnn" run p.rnn --out run 2>&1) || fail "re-run exited $?: $out"
echo "$out" | grep -q "warning: 'figures/history.gp' was edited since rnnlab wrote it: kept" \
  || fail "no warning for history.gp: $out"
grep -q 'PWNED2' run/figures/history.gp || fail "the edited history.gp was overwritten"
[ -s run/figures/history.gp.new ] || fail "no history.gp.new"
grep -q 'PWNED2' run/figures/history.gp.new && fail "history.gp.new is the user's"
grep -q 'figures/history.gp.new' run/manifest.toml || fail "the manifest lists no history.gp.new"
# Again: still kept (the manifest keeps the hash rnnlab wrote, not the user's).
out=$("$rnn" run p.rnn --out run 2>&1) || fail "third run exited $?"
echo "$out" | grep -q "warning: 'figures/history.gp' was edited" || fail "kept only once: $out"
grep -q 'PWNED2' run/figures/history.gp || fail "overwritten on the third run"
# Taking rnnlab's script back ends it: no warning, and the .new file goes.
mv run/figures/history.gp.new run/figures/history.gp
mv run/traj.gp.new run/traj.gp
mv run/w.gp.new run/w.gp
out=$("$rnn" run p.rnn --out run 2>&1) || fail "fourth run exited $?"
echo "$out" | grep -q "warning" && fail "a warning after the edits were undone: $out"
[ ! -e run/figures/history.gp.new ] || fail "history.gp.new stayed"
echo "ok"
