#!/bin/sh
# A task from the user's own arrays (docs/tasks.md, "Tasks from your own arrays"), end to
# end: small arrays and a labels CSV written in plain Python (no numpy needed), `rnn run`
# trains a small rnn on them for a few epochs, and the run directory is checked: the
# evaluation shows the held-out trials (round(0.2 * 60) = 12, a variant's 0.5: 30), its
# trials.csv has the labels' columns with each trial's row of the arrays, and outputs.npy and
# targets.npy are trials x steps x width. A regression on 3-D targets trains too.
# usage: run_arrays.sh RNN WORK_DIR
rnn="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work/data"; cd "$work" || exit 1
python3 - <<'PY' || { echo "FAIL: writing the arrays"; exit 1; }
import struct

def save(path, shape, values, descr):
    code = {"<f4": "f", "<i8": "q", "|u1": "B"}[descr]
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, ", ".join(str(d) for d in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), code), *values))

TRIALS, STEPS = 60, 12
coh = [(-1) ** b * (0.2 + 0.1 * (b % 5)) for b in range(TRIALS)]
inputs, classes, values, mask = [], [], [], []
for b in range(TRIALS):
    for t in range(STEPS):
        inputs += [1.0 if t < 8 else 0.0, coh[b] if 2 <= t < 8 else 0.0, -coh[b] if 2 <= t < 8 else 0.0]
        classes.append(-1 if t == 0 else 0 if t < 8 else (1 if coh[b] > 0 else 2))
        values.append(coh[b] if t >= 8 else 0.0)
        mask.append(1 if t > 0 else 0)
save("data/inputs.npy", (TRIALS, STEPS, 3), inputs, "<f4")
save("data/classes.npy", (TRIALS, STEPS), classes, "<i8")
save("data/values.npy", (TRIALS, STEPS, 1), values, "<f4")
save("data/mask.npy", (TRIALS, STEPS), mask, "|u1")
with open("data/trials.csv", "w") as f:
    f.write("coherence,side\n")
    for b in range(TRIALS):
        f.write("%g,%d\n" % (coh[b], 1 if coh[b] > 0 else 2))
PY
cat > arrays.rnn <<'RNN'
task rec = arrays {
  inputs  = "data/inputs.npy"
  targets = "data/classes.npy"
  mask    = "data/mask.npy"
  labels  = "data/trials.csv"
}
task half = rec { held_out = 0.5 }
task reg = arrays { inputs = "data/inputs.npy", targets = "data/values.npy", mask = "data/mask.npy" }
network net = rnn { units = 16, inputs = 0, outputs = rec.outputs }
network line = rnn { units = 16, inputs = 0, outputs = reg.outputs }
train fit = net on rec {
  loss = cross_entropy(logits, target, mask: all, ignore: -1)
  batch = 16, epochs = 20, validate_every = 10
}
train fit_reg = line on reg { loss = masked_mse(output, target, mask: all), batch = 16, epochs = 20 }
evaluate ev = fit on rec
evaluate ev_half = fit on half
evaluate ev_reg = fit_reg on reg
RNN
"$rnn" check arrays.rnn > check.out 2>&1 || { echo "FAIL: rnn check"; cat check.out; exit 1; }
"$rnn" run arrays.rnn --quiet > run.out 2>&1 || { echo "FAIL: rnn run"; cat run.out; exit 1; }
python3 - runs/arrays <<'PY' || exit 1
import ast, struct, sys
run = sys.argv[1]

def shape(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<H", data[8:10])[0]
    return ast.literal_eval(data[10:10 + n].decode())["shape"]

def fail(why):
    print("FAIL:", why); sys.exit(1)

def trials(name):
    lines = open("%s/%s/trials.csv" % (run, name)).read().split()
    return lines[0], [l.split(",") for l in lines[1:]]

header, rows = trials("ev")
if header != "trial,condition,row,coherence,side":
    fail("ev/trials.csv header is %r" % header)
if len(rows) != 12:
    fail("ev shows %d trials, not the 12 held out" % len(rows))
held = [int(r[2]) for r in rows]
if held != sorted(held) or len(set(held)) != 12 or not all(0 <= h < 60 for h in held):
    fail("ev's rows are not 12 distinct held-out trials in order: %s" % held)
for r in rows:  # the condition is the class at the last step; side says the same
    if r[1] != r[4]:
        fail("a trial's condition %s is not its side %s" % (r[1], r[4]))
if shape("%s/ev/outputs.npy" % run) != (12, 12, 3):
    fail("ev/outputs.npy is %s, not 12 x 12 x 3" % (shape("%s/ev/outputs.npy" % run),))
if shape("%s/ev/targets.npy" % run) != (12, 12, 1):
    fail("ev/targets.npy is %s" % (shape("%s/ev/targets.npy" % run),))
_, half = trials("ev_half")
if len(half) != 30 or not set(held) <= {int(r[2]) for r in half}:
    fail("the variant's 30 held-out trials do not include the 12 of its base")
if shape("%s/ev_reg/outputs.npy" % run) != (12, 12, 1):
    fail("ev_reg/outputs.npy is %s" % (shape("%s/ev_reg/outputs.npy" % run),))
metrics = open("%s/metrics.toml" % run).read()
for m in ("choice_accuracy", "mse"):
    if m not in metrics:
        fail("metrics.toml has no %s" % m)
PY
echo "ok"
