#!/bin/sh
# Results against the loop variables of a sweep (docs/language.md §4, docs/figures.md):
# curve's data file holds, for each hidden size, the mean and standard deviation over seeds
# of the evaluations' metric in metrics.toml; text values give categories; history of a
# family overlays its members with their loop values as legends; table names its loop
# variables; and the REPL, over a pipe, shows an analysis's scalars and arrays.
set -u
rnn="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }

cat > sweep.rnn <<'RNN'
seed 7
task pulses = integration_memory { length = 300 ms, onset = 100 ms, duration = 20 ms, cost_onset = 200 ms, pool = 8 trials }
for n in [8, 4], s in 1..2 {
  network net[n, s] = ctrnn { units = n, outputs = 1 }
  train fit[n, s] = net[n, s] on pulses { loss = masked_mse(output, target, mask: not_minus_one), epochs = 3, seed = s }
  evaluate test[n, s] = fit[n, s] on pulses
}
for act in [tanh, relu] {
  network cell[act] = ctrnn { units = 4, outputs = 1, activation = act }
  train by_act[act] = cell[act] on pulses { loss = masked_mse(output, target, mask: not_minus_one), epochs = 2 }
  evaluate probe[act] = by_act[act] on pulses
}
analyze fps = fixed_points(fit[4, 1], test[4, 1], starts: 4)
analyze summary = table(test.plateau_error_mean)
plot curve(test.plateau_error_mean, over: n, mean_over: s) to "curve.png"
plot curve(probe.plateau_error_mean, over: act) to "by_act.png"
plot history(fit, metric: plateau_error) to "histories.png"
RNN
"$rnn" check sweep.rnn > check.out 2>&1 || { no "rnn check"; cat check.out; }
"$rnn" run sweep.rnn --out run --quiet > run.out 2>&1 || { no "rnn run"; cat run.out; }
for f in curve.png curve.dat by_act.png by_act.dat histories.png histories.dat; do
  [ -s "run/$f" ] || no "run/$f is missing"
done

# The curve's points are the mean and standard deviation (ddof 1) over s of the metric.
python3 - <<'PY' || no "curve.dat does not hold the metrics of metrics.toml"
import math, tomllib
metrics = tomllib.load(open("run/metrics.toml", "rb"))
rows = [l.split() for l in open("run/curve.dat") if l.strip() and not l.startswith("#")]
assert [float(r[0]) for r in rows] == [4.0, 8.0], rows
for r in rows:
    n = int(float(r[0]))
    v = [metrics[f"test[{n},{s}]"]["plateau_error_mean"] for s in (1, 2)]
    mean = sum(v) / 2
    sd = math.sqrt(sum((x - mean) ** 2 for x in v))
    assert abs(float(r[1]) - mean) <= 1e-6 * max(1.0, abs(mean)), (r, v)
    assert abs(float(r[2]) - sd) <= 1e-6 * max(1.0, sd), (r, v)
    assert float(r[3]) == 2, r
PY
grep -q '^# act values: 1=tanh 2=relu$' run/by_act.dat || no "by_act.dat names its categories"
grep -q 'set xtics ("tanh" 1, "relu" 2)' run/by_act.gp || no "by_act.gp: categorical axis"
grep -q '^# epoch fit\[8,1\] fit\[8,2\] fit\[4,1\] fit\[4,2\]$' run/histories.dat \
  || { no "histories.dat: a column per member"; head -2 run/histories.dat; }
grep -q 'title "n = 4, s = 2"' run/histories.gp || no "histories.gp: legends from loop values"
head -1 run/summary/table.csv | grep -q '^index,n,s,test.plateau_error_mean$' \
  || { no "table.csv: loop variables as columns"; head -2 run/summary/table.csv; }

# The REPL shows an analysis's outputs: the list, a scalar, an array's summary and shape.
printf 'fps\nfps.count\nfps.spectral_radius\nfps.nothing\n' \
  | "$rnn" repl sweep.rnn --out repl_run > repl.out 2> repl.err
grep -q '^  arrays: .*spectral_radius [0-9]* x 1' repl.out || { no "fps lists its arrays"; cat repl.out; }
grep -q '^fps.count = [0-9]' repl.out || no "fps.count"
grep -q '^fps.spectral_radius: [0-9]* x 1  mean ' repl.out || { no "fps.spectral_radius"; cat repl.out; }
grep -q "'fps' has no result 'nothing'" repl.err || { no "an unknown output"; cat repl.err; }
exit $fail
