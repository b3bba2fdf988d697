#!/usr/bin/env python3
"""Writes the small arrays the arrays-task goldens read (tests/scripts/check/E092*.rnn), in
plain Python (no numpy): python3 make_fixtures.py, from this folder."""
import struct


def save(path, shape, values, descr="<f4"):
    """An .npy file (version 1.0, C order) of `values`, flat, in C order."""
    fmt = {"<f4": "f", "<f8": "d", "<i8": "q", "|u1": "B"}[descr]
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, ", ".join("%d" % d for d in shape) if len(shape) > 1 else "%d," % shape[0])
    pad = (64 - (10 + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), fmt), *values))


TRIALS, STEPS = 10, 5
save("inputs.npy", (TRIALS, STEPS, 2), [((i * 7) % 11) / 10.0 for i in range(TRIALS * STEPS * 2)])
save("classes.npy", (TRIALS, STEPS),
     [-1 if t == 0 else (0 if t < 3 else 1 + b % 2) for b in range(TRIALS) for t in range(STEPS)],
     "<i8")
save("values.npy", (TRIALS, STEPS, 1), [0.1 * t for b in range(TRIALS) for t in range(STEPS)])
save("mask.npy", (TRIALS, STEPS), [1 if t > 0 else 0 for b in range(TRIALS) for t in range(STEPS)],
     "|u1")
save("inputs_2d.npy", (TRIALS, STEPS), [0.0] * (TRIALS * STEPS))
save("values_9_trials.npy", (9, STEPS, 1), [0.0] * (9 * STEPS))
save("classes_fraction.npy", (TRIALS, STEPS), [0.5 if t == 2 else 1.0
                                              for b in range(TRIALS) for t in range(STEPS)])
with open("not_npy.npy", "w") as f:
    f.write("trial,value\n0,1\n")
with open("labels.csv", "w") as f:
    f.write("coherence,side\n")
    for b in range(TRIALS):
        f.write("%g,%d\n" % (0.1 * (b % 3), b % 2))
with open("labels_text.csv", "w") as f:
    f.write("coherence,side\n0.1,1\n0.2,left\n")
with open("labels_9_rows.csv", "w") as f:
    f.write("coherence\n" + "0.5\n" * 9)
