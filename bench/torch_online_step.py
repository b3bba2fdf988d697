#!/usr/bin/python3
"""One time step of online learning in PyTorch, timed: the per-step loop a researcher
writes, the counterpart of bench_online_step (bench/online_step.cpp).

    torch_online_step.py [UNITS BATCH INPUTS OUTPUTS STEPS]     (128 1 9 9 20000)

Each step: h = nn.RNNCell(x_t, h), y = nn.Linear(h), cross-entropy against the step's
class, zero_grad, backward, SGD step, h = h.detach(). Every step is timed on its own;
prints the median, mean and minimum. Threads: torch.set_num_threads from
RNN_BENCH_THREADS (default 1). Denormals are flushed, as rnnlab does.
"""
import os
import statistics
import sys
import time

import torch


def main():
    args = sys.argv[1:]
    if len(args) not in (0, 5):
        print(__doc__)
        return 2
    n, batch, inputs, outputs, steps = (int(a) for a in args) if args else (128, 1, 9, 9, 20000)
    torch.set_num_threads(int(os.environ.get("RNN_BENCH_THREADS", "1")))
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    x = torch.randn(steps, batch, inputs)
    classes = torch.randint(0, outputs, (steps, batch))
    cell = torch.nn.RNNCell(inputs, n)
    readout = torch.nn.Linear(n, outputs)
    opt = torch.optim.SGD(list(cell.parameters()) + list(readout.parameters()), lr=1e-3)
    loss_fn = torch.nn.functional.cross_entropy
    h = torch.zeros(batch, n)
    times = []
    for t in range(steps):
        t0 = time.perf_counter()
        h = cell(x[t], h)
        loss = loss_fn(readout(h), classes[t])
        opt.zero_grad()
        loss.backward()
        opt.step()
        h = h.detach()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"impl=pytorch kind=rnn rule=backprop units={n} batch={batch} "
          f"median_us={times[len(times) // 2] * 1e6:.2f} "
          f"mean_us={statistics.fmean(times) * 1e6:.2f} min_us={times[0] * 1e6:.2f} "
          f"torch={torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
