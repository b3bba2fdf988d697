#!/usr/bin/python3
"""One dfa time step of seed 001's plastic network in PyTorch, timed: the counterpart of
bench_plastic_step (bench/plastic_step.cpp), with the same arguments and output line.

    torch_plastic_step.py UNITS BATCH CHARS LAYERS LENGTH REPEATS

Written as the seed writes it (docs/provenance.md §2.1-2.3): per-trial weights as a
B x out x in tensor used through torch.bmm, GELU layers over [x, h], tanh hidden head, and
per step the output error softmax - onehot, the DFA gradients (delta = e B, outer products
with the layers' inputs) in .grad, the forget step on every layer, and the unified update
(U = -G * P, C + lr U, bias -= lr mean(delta)) on the layers, i2o and self_grad. float32,
no autograd (torch.no_grad, as dfa needs none). Threads: torch.set_num_threads from
RNN_BENCH_THREADS (default 1). Denormals are flushed, as rnnlab does.
"""
import os
import resource
import sys
import time

import torch


class HebbianLinear(torch.nn.Linear):
    def __init__(self, n_in, n_out, chars, batch, last, plast_clip, forget_rate, fraction):
        super().__init__(n_in, n_out)
        self.is_last_layer = last
        self.in_traces = torch.zeros(batch, n_in)
        self.out_traces = torch.zeros(batch, n_out)
        self.feedback_weights = torch.nn.init.xavier_normal_(torch.empty(chars, n_out))
        self.candidate_weights = torch.zeros(batch, n_out, n_in)
        self.candidate_weights.grad = None
        u = torch.rand(n_out, n_in)
        self.mask = u < fraction
        dist = torch.ones(n_out, n_in)
        dist[self.mask] = plast_clip
        forget = torch.zeros(n_out, n_in)
        forget[self.mask] = forget_rate
        forget[u < 0.01] = forget_rate
        self.forgetting_factor = forget
        self.plasticity = torch.ones(n_out, n_in) if last else dist
        self.grad = None

    def wipe(self):
        self.candidate_weights.copy_(
            self.candidate_weights.mean(dim=0, keepdim=True).repeat(self.candidate_weights.shape[0], 1, 1))
        self.candidate_weights[self.mask.unsqueeze(0).repeat(self.candidate_weights.shape[0], 1, 1)] = 0

    def forward(self, x):
        out = torch.bmm(self.candidate_weights, x.unsqueeze(2)).squeeze(2) + self.bias
        self.in_traces = x
        self.out_traces = out
        return out

    def populate_dfa_gradients(self, e):
        delta = e if self.is_last_layer else e @ self.feedback_weights
        self._last_projected_error = delta
        self.grad = delta.unsqueeze(2) * self.in_traces.unsqueeze(1)

    def forget(self):
        self.candidate_weights = self.candidate_weights * (1 - self.forgetting_factor)

    def apply_unified_updates(self, lr):
        update = -self.grad.clone()
        if not self.is_last_layer:
            update = update * self.plasticity.unsqueeze(0)
        self.candidate_weights = self.candidate_weights + lr * update
        self.bias.data += -lr * self._last_projected_error.mean(dim=0)


def main():
    if len(sys.argv) != 7:
        print(__doc__)
        return 2
    n, batch, chars, layers, length, repeats = (int(a) for a in sys.argv[1:7])
    torch.set_num_threads(int(os.environ.get("RNN_BENCH_THREADS", "1")))
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    lr, s = 1e-4, chars + n
    args = dict(chars=chars, batch=batch, plast_clip=1e4, forget_rate=0.01, fraction=0.1)
    hidden = [HebbianLinear(s, s, last=False, **args) for _ in range(layers)]
    i2h = HebbianLinear(s, n, last=False, **args)
    i2o = HebbianLinear(s, chars, last=True, **args)
    self_grad = HebbianLinear(s, chars, last=True, **args)
    everything = hidden + [i2h, i2o, self_grad]
    trained = hidden + [i2o, self_grad]
    seq = torch.randint(0, chars, (length + 1, batch))
    onehot = torch.nn.functional.one_hot(seq, chars).float()
    times = []
    with torch.no_grad():
        for r in range(repeats + 1):  # one warm-up sequence
            for layer in everything:
                layer.wipe()
            h = torch.zeros(batch, n)
            for t in range(length):
                t0 = time.perf_counter()
                h = h.detach()
                z = torch.cat((onehot[t], h), dim=1)
                for layer in hidden:
                    z = torch.nn.functional.gelu(layer(z))
                h = torch.tanh(i2h(z))
                logits = i2o(z)
                self_grad(z)
                e = torch.softmax(logits, dim=1) - onehot[t + 1]
                for layer in trained:
                    layer.populate_dfa_gradients(e)
                for layer in everything:
                    layer.forget()
                for layer in trained:
                    layer.apply_unified_updates(lr)
                if r > 0:
                    times.append(time.perf_counter() - t0)
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("impl=torch median_ms=%.4f min_ms=%.4f steps=%d maxrss_mb=%.1f threads=%d"
          % (times[len(times) // 2] * 1e3, times[0] * 1e3, len(times), rss, torch.get_num_threads()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
