#!/usr/bin/python3
"""One PyTorch training step of a recurrent network, timed: the counterpart of
bench_train_step (bench/train_step.cpp), with the same arguments and output line.

    torch_train_step.py KIND UNITS BATCH STEPS INPUTS OUTPUTS mse|ce REPEATS

rnn, gru and lstm use torch.nn.RNN/GRU/LSTM and a Linear readout, as a researcher's
script would; ctrnn is seed 002's explicit Euler loop. Threads: torch.set_num_threads
from RNN_BENCH_THREADS (default 1). Denormals are flushed, as rnnlab does.
"""
import os
import resource
import sys
import time

import torch


def main():
    if len(sys.argv) != 9:
        print(__doc__)
        return 2
    kind = sys.argv[1]
    n, batch, steps, inputs, outputs = (int(a) for a in sys.argv[2:7])
    loss_kind, repeats = sys.argv[7], int(sys.argv[8])
    torch.set_num_threads(int(os.environ.get("RNN_BENCH_THREADS", "1")))
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    x = torch.randn(steps, batch, inputs)
    target = torch.randn(steps, batch, outputs)
    classes = torch.randint(0, outputs, (steps * batch,))
    if kind in ("rnn", "gru", "lstm"):
        cls = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[kind]
        cell = cls(inputs, n)
        readout = torch.nn.Linear(n, outputs)
        params = list(cell.parameters()) + list(readout.parameters())

        def forward():
            states, _ = cell(x)
            return readout(states)
    else:
        G = torch.randn(n, n) / n ** 0.5
        I = torch.randn(n, inputs).requires_grad_()
        w = (torch.randn(n, outputs) / n ** 0.5).requires_grad_()
        params = [I, w]

        def forward():
            h = torch.zeros(batch, n)
            ys = []
            for t in range(steps):
                h = h + 0.1 * (-h + 1.5 * torch.tanh(h) @ G.T + x[t] @ I.T)
                ys.append(torch.tanh(h) @ w)
            return torch.stack(ys)
    opt = torch.optim.Adam(params, lr=1e-3)
    times = []
    for r in range(repeats + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        y = forward()
        if loss_kind == "ce":
            loss = torch.nn.functional.cross_entropy(y.reshape(-1, outputs), classes)
        else:
            loss = torch.mean((y - target) ** 2)
        loss.backward()
        opt.step()
        if r >= 2:
            times.append(time.perf_counter() - t0)
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"impl=pytorch median_ms={times[len(times) // 2] * 1e3:.3f} "
          f"min_ms={times[0] * 1e3:.3f} maxrss_mb={rss:.1f} torch={torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
