"""Checks an evaluation's exported arrays and trials.csv (run_export.sh): shapes, float32,
the layout trials x steps x width, and integration_memory's input against the onset and
duration each trial drew (trials.csv's variables; docs/tasks.md). usage: check_export.py
EVALUATION_FOLDER"""
import csv
import sys

import numpy as np

folder = sys.argv[1]
with open(f"{folder}/trials.csv") as f:
    rows = list(csv.DictReader(f))
arrays = {n: np.load(f"{folder}/{n}.npy") for n in
          ["states", "rates", "inputs", "outputs", "targets", "squared_error"]}
trials = len(rows)
steps = arrays["squared_error"].shape[1]
expected = {"states": 20, "rates": 20, "inputs": 1, "outputs": 1, "targets": 1}
failed = []
for name, width in expected.items():
    a = arrays[name]
    if a.dtype != np.float32 or a.shape != (trials, steps, width):
        failed.append(f"{name}: {a.dtype} {a.shape}, expected float32 {(trials, steps, width)}")
if [int(r["trial"]) for r in rows] != list(range(trials)):
    failed.append("trials.csv's trial column is not 0, 1, ...")
# The ctrnn's rates are tanh of its states, trial by trial and step by step.
if not np.allclose(arrays["rates"], np.tanh(arrays["states"]), atol=1e-6):
    failed.append("rates are not tanh(states): the layout is mixed up")
# integration_memory's pulse: 2.0 for duration + 1 steps from the onset, 0 elsewhere.
x = arrays["inputs"][:, :, 0]
if set(np.unique(x)) - {0.0, 2.0}:
    failed.append(f"inputs hold values other than 0 and 2: {np.unique(x)}")
# A no-cue trial (cue = 0) shows no pulse, though its onset and duration are drawn.
onsets = []
for i, r in enumerate(rows):
    onset, duration = int(float(r["onset"])), int(float(r["duration"]))
    on = np.flatnonzero(x[i] == 2.0)
    if r["cue"] == "0":
        if len(on):
            failed.append(f"trial {i}: a no-cue trial has input at steps {on}")
        continue
    onsets.append(onset)
    if len(on) != duration + 1 or on[0] != onset or on[-1] != onset + duration:
        failed.append(f"trial {i}: the pulse covers steps {on[:1]}..{on[-1:]}, "
                      f"trials.csv says onset {onset}, duration {duration}")
if len(set(onsets)) < 2:
    failed.append(f"the onsets do not vary between trials: {onsets}")
if failed:
    print("FAIL:\n  " + "\n  ".join(failed))
    sys.exit(1)
print(f"{trials} trials x {steps} steps: ok")
