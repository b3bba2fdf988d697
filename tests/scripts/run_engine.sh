#!/bin/sh
# The execution engine (docs/run_directory.md): the cache (hits, misses, what a change
# recomputes), -j 1 and -j 2 give identical results, Ctrl-C then --resume ends bit for bit
# as an uninterrupted run, kill -9 at any moment leaves a usable cache, run directories of
# other scripts and path escapes are refused, --set/--config, and rnn verify.
set -u
rnn="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
fail=0
no() { echo "FAIL: $*"; fail=1; }

# A sweep over seeds: three independent trainings, each with an evaluation, an analysis and
# a plot, and a plot of the task alone.
cat > "$work/s.rnn" <<'RNN'
seed 3
task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 20 steps }
network n = rnn { units = 8, inputs = 8
  W_self : symmetric, init normal(0.1) }
for s in 1..3 {
  train fit[s] = n on m { loss = -mean(overlap, during: retain), epochs = 40, seed = s,
    optimizer = adam { lr = 0.01 } }
  evaluate test[s] = fit[s] on m
  analyze sim[s] = hopfield_similarity(fit[s].W_self, m.patterns)
  plot history(fit[s]) to "history_{s}.png"
}
plot heatmap(m.patterns) to "patterns.png"
RNN
[ -f "$work/s.rnn" ] || no "no script"
# Reference: one uninterrupted run with -j 1.
"$rnn" run "$work/s.rnn" --out "$work/ref" -j 1 > "$work/ref.log" 2>&1 || { no "reference run"; cat "$work/ref.log"; }
grep -q "reused" "$work/ref.log" && no "a first run reused something: $(cat "$work/ref.log")"
# The results of a finished training come before the next training starts, and the sweep's
# trainings run in index order.
first() { grep -n "$1" "$work/ref.log" | head -1 | cut -d: -f1; }
[ "$(first '^evaluate test\[1\]')" -lt "$(first '^train fit\[2\]')" ] \
  || no "fit[2] started before test[1] was evaluated: $(cat "$work/ref.log")"
[ "$(first '^analyze sim\[2\]')" -lt "$(first '^train fit\[3\]')" ] \
  || no "fit[3] started before sim[2] was analysed"

# Cache hit: the same run again recomputes nothing and gives the same files.
cp -r "$work/ref" "$work/again"
"$rnn" run "$work/s.rnn" --out "$work/again" > "$work/again.log" 2>&1 || no "second run"
grep -q "reused 13 of 13 nodes" "$work/again.log" || { no "a re-run recomputed something"; cat "$work/again.log"; }
grep -q "^train\|^evaluate\|^plot" "$work/again.log" && no "a re-run printed work: $(cat "$work/again.log")"
cmp -s "$work/ref/metrics.toml" "$work/again/metrics.toml" || no "metrics of the re-run differ"
# A deleted result file comes back from the cache.
rm "$work/again/fit_2/W_self.npy"
"$rnn" run "$work/s.rnn" --out "$work/again" --quiet || no "third run"
cmp -s "$work/ref/fit_2/W_self.npy" "$work/again/fit_2/W_self.npy" || no "a deleted file did not come back"

# A cached training that a recomputed evaluation loads is published too: its files come
# back and its metrics are in metrics.toml.
key=$(grep -A3 -F "[nodes.'evaluate test[2]']" "$work/again/manifest.toml" | grep '^key' | cut -d"'" -f2)
[ -n "$key" ] || no "no key of evaluate test[2] in the manifest"
rm -rf "$work/again/.cache/$key" "$work/again/fit_2"
"$rnn" run "$work/s.rnn" --out "$work/again" --quiet || no "run with one evaluation missing"
cmp -s "$work/ref/fit_2/W_self.npy" "$work/again/fit_2/W_self.npy" || no "a loaded training was not published"
cmp -s "$work/ref/metrics.toml" "$work/again/metrics.toml" || no "a loaded training's metrics are missing"

# New plots of cached nodes: the training and the evaluation they read are loaded from
# their cache entries, exactly (the history drawn from the entry equals the one drawn
# when it was trained).
cp -r "$work/ref" "$work/load"
cp "$work/s.rnn" "$work/s.rnn.orig"
printf 'plot history(fit[2]) to "h2.png"\nplot trajectory(test[1]) to "traj.png"\n' >> "$work/s.rnn"
"$rnn" run "$work/s.rnn" --out "$work/load" > "$work/load.log" 2>&1 || { no "run with new plots"; cat "$work/load.log"; }
grep -q "reused 13 of 15 nodes" "$work/load.log" || { no "new plots: wrong reuse"; cat "$work/load.log"; }
cmp -s "$work/load/history_2.dat" "$work/load/h2.dat" || no "a history loaded from the cache differs"
[ -s "$work/load/traj.png" ] || no "no plot of a cached evaluation"
mv "$work/s.rnn.orig" "$work/s.rnn"

# Cache miss: a changed plot redraws only that plot; a changed learning rate retrains only
# what depends on it (all trainings here, not the plot of the task).
sed 's/heatmap(m.patterns) to "patterns.png"/heatmap(m.patterns) to "patterns2.png"/' "$work/s.rnn" > "$work/s2.rnn"
cp "$work/s2.rnn" "$work/s.rnn.new"
cp -r "$work/ref" "$work/plot"
cp "$work/s.rnn" "$work/s.rnn.orig"; mv "$work/s.rnn.new" "$work/s.rnn"
"$rnn" run "$work/s.rnn" --out "$work/plot" > "$work/plot.log" 2>&1 || no "plot change run"
grep -q "reused 12 of 13 nodes" "$work/plot.log" || { no "a changed plot recomputed more than the plot"; cat "$work/plot.log"; }
grep -q "^plot patterns2.png" "$work/plot.log" || no "the changed plot was not drawn"
mv "$work/s.rnn.orig" "$work/s.rnn"
"$rnn" run "$work/s.rnn" --out "$work/plot" --set fit.optimizer.lr=0.02 > "$work/lr.log" 2>&1 || { no "lr run"; cat "$work/lr.log"; }
grep -q "reused 1 of 13 nodes" "$work/lr.log" || { no "a changed lr: wrong reuse"; cat "$work/lr.log"; }
grep -q "fit.optimizer.lr=0.02" "$work/plot/manifest.toml" || no "the override is not in the manifest"
grep -q "note: .* with other overrides (none)" "$work/lr.log" || no "replacing results of other overrides was silent"
cmp -s "$work/ref/metrics.toml" "$work/plot/metrics.toml" && no "lr 0.02 gave the same metrics"

# -j 2 gives the same numbers as -j 1 (and BLAS threads are shared out).
"$rnn" run "$work/s.rnn" --out "$work/j2" -j 2 --quiet || no "-j 2 run"
cmp -s "$work/ref/metrics.toml" "$work/j2/metrics.toml" || no "-j 2 metrics differ from -j 1"
for f in fit_1/W_self.npy fit_3/history.csv test_2/overlap.npy; do
  cmp -s "$work/ref/$f" "$work/j2/$f" || no "-j 2: $f differs from -j 1"
done
grep -q "jobs = 2" "$work/j2/manifest.toml" || no "jobs not in the manifest"

# Interrupt (SIGINT after epoch 15 of each training), then --resume: bit for bit.
RNN_INTERRUPT_AFTER_EPOCH=15 "$rnn" run "$work/s.rnn" --out "$work/int" -j 2 > "$work/int.log" 2>&1
code=$?
[ "$code" = 130 ] || { no "an interrupted run exited $code"; cat "$work/int.log"; }
grep -q "checkpointed after epoch 15 of 40" "$work/int.log" || { no "no checkpoint message"; cat "$work/int.log"; }
grep -q -- "--resume" "$work/int.log" || no "no --resume hint"
[ -f "$work/int/metrics.toml" ] && no "an interrupted run wrote metrics.toml"
"$rnn" run "$work/s.rnn" --out "$work/int" --resume > "$work/resume.log" 2>&1 || { no "resume"; cat "$work/resume.log"; }
grep -q "resumed after epoch 15" "$work/resume.log" || { no "did not resume"; cat "$work/resume.log"; }
cmp -s "$work/ref/metrics.toml" "$work/int/metrics.toml" || no "interrupt + resume: metrics differ"
for f in fit_1/W_self.npy fit_2/W_self.raw.npy fit_3/history.csv test_1/overlap.npy; do
  cmp -s "$work/ref/$f" "$work/int/$f" || no "interrupt + resume: $f differs"
done
[ -z "$(ls "$work/int/.cache/checkpoints" 2>/dev/null)" ] || no "checkpoints left after completion"

# An evaluation that keeps much activity says so, with the way to keep less.
cat > "$work/big.rnn" <<'RNN'
task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 20 steps }
network n = rnn { units = 8 }
train fit = n on m { loss = -mean(overlap, during: retain), epochs = 2 }
evaluate test = fit on m { trials = 6 }
analyze p = pca(test, at: "retain.end")
RNN
RNN_LARGE_ACTIVITY_BYTES=1000 "$rnn" run "$work/big.rnn" --out "$work/big" > "$work/big.log" 2>&1 || no "big run"
grep -q "note: evaluate test keeps 0.0 GB of activity (6 trials x 8 units x 25 steps) .*'trials = N'" "$work/big.log" \
  || { no "no note on a large activity"; cat "$work/big.log"; }
"$rnn" run "$work/big.rnn" --out "$work/small" > "$work/small.log" 2>&1 || no "small run"
grep -q "note: evaluate" "$work/small.log" && no "a note on a small activity"

# kill -9 at several moments of a longer run (about 1.5 s; checkpointing every epoch, so
# that many kills fall inside a write), each run going on with --resume from what the last
# one left; then a complete run: the cache stays usable and the results equal an
# uninterrupted run's.
cat > "$work/k.rnn" <<'RNN'
task m = memory_recall { units = 64, patterns = 2, present = 5 steps, retain = 200 steps }
network n = rnn { units = 64, inputs = 64 }
for s in 1..2 {
  train fit[s] = n on m { loss = -mean(overlap, during: retain), epochs = 2000, seed = s }
  evaluate test[s] = fit[s] on m
}
RNN
"$rnn" run "$work/k.rnn" --out "$work/kref" --quiet || no "reference of the kill test"
for pause in 0.1 0.4 0.3 0.6 0.2 0.5 0.7; do
  RNN_CHECKPOINT_SECONDS=0 "$rnn" run "$work/k.rnn" --out "$work/kill" --resume -j 2 --quiet &
  pid=$!
  sleep $pause
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done
# A real SIGINT (kill -INT, as Ctrl-C sends) in the middle of a longer run, then --resume
# with another -j: identical to an uninterrupted run. (Should the run end before the
# signal on a fast machine, it exits 0 and the comparison still holds.)
sed 's/epochs = 2000/epochs = 4000/' "$work/k.rnn" > "$work/k8.rnn"
"$rnn" run "$work/k8.rnn" --out "$work/k8ref" --quiet || no "reference of the SIGINT test"
"$rnn" run "$work/k8.rnn" --out "$work/sigint" -j 2 > "$work/sigint.log" 2>&1 &
pid=$!
sleep 0.3
kill -INT $pid 2>/dev/null; wait $pid; code=$?
[ "$code" = 130 ] || [ "$code" = 0 ] || { no "SIGINT: exit $code"; cat "$work/sigint.log"; }
[ "$code" = 130 ] && { grep -q "checkpointed after epoch" "$work/sigint.log" || no "SIGINT: no checkpoint"; }
"$rnn" run "$work/k8.rnn" --out "$work/sigint" --resume --quiet || no "resume after SIGINT"
for f in metrics.toml fit_1/W_self.npy fit_2/history.csv test_1/overlap.npy; do
  cmp -s "$work/k8ref/$f" "$work/sigint/$f" || no "SIGINT + resume: $f differs"
done

# A half-written entry and a staging leftover, as a kill during a write leaves them.
mkdir -p "$work/kill/.cache/.staging-0000000000000001/files"
key=$(grep -A3 -F "[nodes.'evaluate test[1]']" "$work/kref/manifest.toml" | grep '^key' | cut -d"'" -f2)
[ -n "$key" ] || no "no key of evaluate test[1] in the manifest"
rm -rf "$work/kill/.cache/$key"; mkdir -p "$work/kill/.cache/$key"
printf 'format = 1\nkind = "evalu' > "$work/kill/.cache/$key/entry.toml"
"$rnn" run "$work/k.rnn" --out "$work/kill" --resume > "$work/kill.log" 2>&1 || { no "run after kill -9"; cat "$work/kill.log"; }
grep -q "evaluate test\[1\]" "$work/kill.log" || no "a half-written entry was trusted"
for f in metrics.toml fit_1/W_self.npy fit_2/history.csv test_2/overlap.npy; do
  cmp -s "$work/kref/$f" "$work/kill/$f" || no "after kill -9: $f differs"
done
[ -d "$work/kill/.cache/.staging-0000000000000001" ] && no "a staging leftover was not cleaned"

# A run directory of another script, or a folder that is not a run directory: refused.
cp "$work/s.rnn" "$work/other.rnn"
"$rnn" run "$work/other.rnn" --out "$work/ref" > "$work/other.log" 2>&1; code=$?
[ "$code" = 2 ] || no "another script's run directory: exit $code"
grep -q "holds the results of another script" "$work/other.log" || no "no refusal message: $(cat "$work/other.log")"
mkdir -p "$work/notrun"; echo x > "$work/notrun/thesis.tex"
"$rnn" run "$work/s.rnn" --out "$work/notrun" > "$work/notrun.log" 2>&1; code=$?
[ "$code" = 2 ] || no "a non-run directory: exit $code"
[ "$(cat "$work/notrun/thesis.tex")" = x ] || no "a file of a non-run directory was touched"

# Path escapes in file names are errors with a clear message.
for bad in '../escape.png' '/tmp/abs.png'; do
  sed "s|\"patterns.png\"|\"$bad\"|" "$work/s.rnn" > "$work/esc.rnn"
  out=$("$rnn" run "$work/esc.rnn" --out "$work/esc" 2>&1); code=$?
  [ "$code" = 1 ] || no "plot to $bad: exit $code"
  echo "$out" | grep -q "must be a relative path\|must not contain '..'" || no "no clear message for $bad: $out"
done
[ -e "$work/escape.png" ] && no "a file escaped the run directory"

# Overrides: --set and --config, errors with the nearest name, recorded in the manifest.
"$rnn" run "$work/s.rnn" --out "$work/ovr" --set fit.epochs=3 --set m.patterns=3 --quiet \
  || no "--set run"
[ "$(wc -l < "$work/ovr/fit_1/history.csv")" = 4 ] || no "--set fit.epochs=3 not applied"
grep -q "m.patterns=3" "$work/ovr/manifest.toml" || no "--set not in the manifest"
out=$("$rnn" run "$work/s.rnn" --out "$work/ovr" --set fti.epochs=3 2>&1); code=$?
[ "$code" = 1 ] || no "--set of an unknown name: exit $code"
echo "$out" | grep -qF "[E0901]" && echo "$out" | grep -q "did you mean 'fit'" \
  || no "unknown override name: $out"
out=$("$rnn" run "$work/s.rnn" --out "$work/ovr" --set fit.epochz=3 2>&1); code=$?
[ "$code" = 1 ] && echo "$out" | grep -q "epochs" || no "unknown override field: $out"
out=$("$rnn" run "$work/s.rnn" --out "$work/ovr" --set fit 2>&1); code=$?
[ "$code" = 2 ] || no "--set without '=': exit $code"
out=$("$rnn" run "$work/s.rnn" --out "$work/ovr" --set fit.loss.x=3 2>&1); code=$?
[ "$code" = 1 ] && echo "$out" | grep -qF "[E0902]" || no "--set into a non-block: $out"
# rnn check takes the same overrides and runs nothing.
out=$("$rnn" check "$work/s.rnn" --set fti.epochs=3 2>&1); code=$?
[ "$code" = 1 ] && echo "$out" | grep -qF "[E0901]" || no "rnn check --set: $code $out"
"$rnn" check "$work/s.rnn" --set fit.epochs=3 || no "rnn check with a good --set"
printf 'seed = 5\n[fit]\nepochs = 2\n[fit.optimizer]\nlr = 0.05\n' > "$work/o.toml"
"$rnn" run "$work/s.rnn" --out "$work/cfg" --config "$work/o.toml" --set fit.epochs=4 --quiet \
  || no "--config run"
[ "$(wc -l < "$work/cfg/fit_1/history.csv")" = 5 ] || no "--set after --config did not win"
grep -q "seed = 5" "$work/cfg/manifest.toml" || no "--config seed not applied"
grep -q "config = '$work/o.toml'" "$work/cfg/manifest.toml" || no "--config not in the manifest"

# rnn verify: the reference agrees with itself; a tampered metric is reported.
"$rnn" verify "$work/ref" > "$work/verify.log" 2>&1 || { no "verify of the reference"; cat "$work/verify.log"; }
grep -q "agree, bit for bit" "$work/verify.log" || no "verify: $(cat "$work/verify.log")"
"$rnn" verify "$work/cfg" --quiet > /dev/null 2>&1; [ $? = 2 ] || no "verify --quiet is not an option"
"$rnn" verify "$work/cfg" > "$work/verify_cfg.log" 2>&1 || { no "verify replays overrides"; cat "$work/verify_cfg.log"; }
sed 's/^final_loss = .*/final_loss = 12.5/' "$work/ref/metrics.toml" > "$work/m.toml"
mv "$work/m.toml" "$work/ref/metrics.toml"
"$rnn" verify "$work/ref" > "$work/verify2.log" 2>&1; code=$?
[ "$code" = 1 ] || no "verify of a tampered run exited $code"
grep -q "final_loss: 12.5 in the run" "$work/verify2.log" || { no "verify did not name the metric"; cat "$work/verify2.log"; }
exit $fail
