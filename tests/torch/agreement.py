#!/usr/bin/python3
"""Agreement of rnnlab's cells with PyTorch on identical weights and inputs.

For rnn (tanh, relu), gru, lstm and ctrnn over T = 20 steps, builds the network in
PyTorch (torch.nn.RNN / GRU / LSTM and Linear; seed 002's Euler loop for ctrnn) in
float32, computes L = mean((y - target)^2) of the readout and its gradients, writes the
same weights and inputs as .npy files, runs agreement_driver on them, and requires
||ours - torch|| <= 1e-4 ||torch|| + 1e-6 for the loss and every parameter's gradient,
the initial states included.

    agreement.py DRIVER WORKDIR

Exit 0: all agree; 1: a mismatch (printed); 77: PyTorch is not installed (a skip for
ctest, except under CI=true where it is a failure).
"""
import os
import subprocess
import sys

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover
    print(f"agreement: PyTorch or numpy is not importable ({e}); "
          "install python3-torch (scripts/setup test does)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

T, BATCH, UNITS, INPUTS, OUTPUTS = 20, 3, 16, 4, 2


def save(d, name, a):
    np.save(os.path.join(d, name + ".npy"), np.asarray(a, dtype=np.float32))


def seq_to_ours(x):
    """(T, batch, features) -> features x (batch*T), column t*batch + b."""
    return x.reshape(T * BATCH, -1).T


def run_case(driver, work, kind, activation=None):
    d = os.path.join(work, kind + ("_" + activation if activation else ""))
    os.makedirs(d, exist_ok=True)
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(T, BATCH, INPUTS, generator=g)
    target = torch.randn(T, BATCH, OUTPUTS, generator=g)
    params = {}   # our name -> (torch tensor with grad, how to turn its grad into ours)
    alpha, gain = 1.0, 1.0
    if kind in ("rnn", "gru", "lstm"):
        cls = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[kind]
        kw = {"nonlinearity": activation} if kind == "rnn" else {}
        torch.manual_seed(7)
        cell = cls(INPUTS, UNITS, **kw)
        readout = torch.nn.Linear(UNITS, OUTPUTS)
        with torch.no_grad():  # biases away from 0 so a missing bias term shows
            for p in list(cell.parameters()) + list(readout.parameters()):
                p.add_(0.1 * torch.randn(p.shape, generator=g))
        h0 = (0.5 * torch.randn(UNITS, 1, generator=g)).requires_grad_()
        c0 = (0.5 * torch.randn(UNITS, 1, generator=g)).requires_grad_()
        hb = h0.T.expand(BATCH, UNITS).unsqueeze(0)
        if kind == "lstm":
            states, _ = cell(x, (hb, c0.T.expand(BATCH, UNITS).unsqueeze(0)))
        else:
            states, _ = cell(x, hb)
        y = readout(states)
        params["W_self"] = cell.weight_hh_l0
        params["W_input"] = cell.weight_ih_l0
        if kind == "rnn":
            # Our rnn has one bias b = b_ih + b_hh; its gradient equals each of theirs.
            params["b"] = (cell.bias_ih_l0, cell.bias_ih_l0 + cell.bias_hh_l0)
        else:
            params["b_self"] = cell.bias_hh_l0
            params["b_input"] = cell.bias_ih_l0
        params["W_out"] = readout.weight
        params["b_out"] = readout.bias
        params["h0"] = h0
        if kind == "lstm":
            params["c0"] = c0
    else:  # ctrnn, seed 002's Net1 with a bias
        alpha, gain = 0.1, 1.5
        G = (torch.randn(UNITS, UNITS, generator=g) / UNITS ** 0.5).requires_grad_()
        I = torch.randn(UNITS, INPUTS, generator=g).requires_grad_()
        b = (0.1 * torch.randn(UNITS, 1, generator=g)).requires_grad_()
        w = (torch.randn(UNITS, OUTPUTS, generator=g) / UNITS ** 0.5).requires_grad_()
        h0 = (0.5 * torch.randn(UNITS, 1, generator=g)).requires_grad_()
        phi = {"tanh": torch.tanh, "softplus": torch.nn.functional.softplus}[activation]
        h = h0.T.expand(BATCH, UNITS)
        ys = []
        for t in range(T):
            h = h + alpha * (-h + gain * phi(h) @ G.T + x[t] @ I.T + b.T)
            ys.append(phi(h) @ w)
        y = torch.stack(ys)
        params.update({"G": G, "I": I, "b": b, "w": w, "h0": h0})
    loss = torch.mean((y - target) ** 2)
    loss.backward()

    save(d, "shape", [UNITS, INPUTS, OUTPUTS, BATCH, alpha, gain])
    save(d, "x", seq_to_ours(x.numpy()))
    save(d, "target", seq_to_ours(target.numpy()))
    for name, p in params.items():
        value = p[1] if isinstance(p, tuple) else p
        v = value.detach().numpy()
        save(d, "param_" + name, v.reshape(-1, 1) if v.ndim == 1 else v)
    cmd = [driver, kind, d] + ([activation] if activation else [])
    subprocess.run(cmd, check=True)

    failures = []

    def compare(what, ours, theirs):
        ours = np.asarray(ours, dtype=np.float64).reshape(-1)
        theirs = np.asarray(theirs, dtype=np.float64).reshape(-1)
        err = np.linalg.norm(ours - theirs)
        bound = 1e-4 * np.linalg.norm(theirs) + 1e-6
        status = "ok" if err <= bound else "MISMATCH"
        print(f"  {kind:5} {activation or '':8} {what:10} |diff| {err:.3e}  bound {bound:.3e}  {status}")
        if err > bound:
            failures.append(f"{kind} {what}")

    compare("loss", np.load(os.path.join(d, "loss.npy")), loss.item())
    for name, p in params.items():
        tensor = p[0] if isinstance(p, tuple) else p
        compare("d" + name, np.load(os.path.join(d, f"grad_{name}.npy")),
                tensor.grad.numpy().reshape(np.load(os.path.join(d, f"grad_{name}.npy")).shape))
    return failures


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    driver, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(1)
    print(f"PyTorch {torch.__version__}, float32, T = {T}, batch = {BATCH}, units = {UNITS}")
    failures = []
    for kind, act in [("rnn", "tanh"), ("rnn", "relu"), ("gru", None), ("lstm", None),
                      ("ctrnn", "tanh"), ("ctrnn", "softplus")]:
        failures += run_case(driver, work, kind, act)
    if failures:
        print("disagree: " + ", ".join(failures))
        return 1
    print("all cells agree with PyTorch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
