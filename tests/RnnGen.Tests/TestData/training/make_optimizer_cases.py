#!/usr/bin/python3
"""Writes optimizer_cases.json: parameter trajectories of torch.optim optimizers, the oracle for OptimizerTests.

Run with Debian's torch 1.13 (`/usr/bin/python3 make_optimizer_cases.py`). Every case starts from the same float32
parameter vector and applies the same float32 gradient sequence; `expected[s]` is the parameter vector after step s.
The length 19 is chosen so that both the whole-vector lanes and the tail of the C# kernels are compared.
"""
import json
import math
import os

import torch

N = 19
STEPS = 6

def initial():
    return [math.sin(0.9 * i + 0.3) * (1.0 + 0.25 * i) for i in range(N)]

def gradients():
    scales = [1.0, 2.0, 0.5, 0.1, 1.5, 0.05]  # shrinking late steps make AMSGrad's running max matter
    rows = []
    for s in range(STEPS):
        row = [math.cos(1.3 * i + 0.7 * s) * scales[s] for i in range(N)]
        row[0] = 0.0          # a parameter that never gets a gradient (only decay moves it)
        row[1] *= 100.0       # and one with a large gradient
        rows.append(row)
    return rows

CASES = [
    ("sgd_plain", "SGD", dict(lr=0.1), None),
    ("sgd_momentum_dampening_decay", "SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01), None),
    ("sgd_nesterov_decay", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), None),
    ("rmsprop_default", "RMSprop", dict(lr=0.01), None),
    ("rmsprop_centered_momentum_decay", "RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.8, centered=True), None),
    ("adam_default", "Adam", dict(lr=0.01), None),
    ("adam_decay_amsgrad", "Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-7, weight_decay=0.05, amsgrad=True), None),
    ("adamw_default", "AdamW", dict(lr=0.01, weight_decay=0.1), None),
    ("adamw_amsgrad_lr_schedule", "AdamW", dict(lr=0.02, weight_decay=0.05, amsgrad=True), [0.02, 0.01, 0.005, 0.01, 0.02, 0.04]),
]

def floats(t):
    return [float(v) for v in t.tolist()]

def run(optimizer, hyper, schedule, p0, grads):
    p = torch.nn.Parameter(torch.tensor(p0, dtype=torch.float32))
    opt = getattr(torch.optim, optimizer)([p], **hyper)
    trajectory = []
    for s, g in enumerate(grads):
        if schedule is not None:
            opt.param_groups[0]["lr"] = schedule[s]
        p.grad = g.clone()
        opt.step()
        trajectory.append(floats(p.detach()))
    return trajectory

def main():
    p0 = torch.tensor(initial(), dtype=torch.float32)
    grads = [torch.tensor(row, dtype=torch.float32) for row in gradients()]
    cases = []
    for name, optimizer, hyper, schedule in CASES:
        cases.append({
            "name": name,
            "optimizer": optimizer,
            "hyper": {k: (list(v) if isinstance(v, tuple) else v) for k, v in hyper.items()},
            "lr_schedule": schedule,
            "initial": floats(p0),
            "gradients": [floats(g) for g in grads],
            "expected": run(optimizer, hyper, schedule, floats(p0), grads),
        })
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizer_cases.json")
    with open(out, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {out}")

if __name__ == "__main__":
    main()
