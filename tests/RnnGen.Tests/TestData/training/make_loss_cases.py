#!/usr/bin/python3
"""Writes loss_cases.json: PyTorch losses and their input gradients, the oracle for LossTests.

Run with Debian's torch 1.13 (`/usr/bin/python3 make_loss_cases.py`). Inputs are float32 values; torch evaluates in
float64 so the expected numbers carry no float32 rounding of their own. Cases cover each reduction, ignore_index
(whose Mean divides by the scored rows only) and logits of +-1000.
"""
import json
import os

import torch
import torch.nn.functional as F

def f32(t):
    return t.to(torch.float32).to(torch.float64)

def floats(t):
    return [float(v) for v in t.reshape(-1).tolist()]

def case(name, kind, reduction, x, target, loss_fn, columns, ignore_index=None):
    x = x.clone().requires_grad_(True)
    loss = loss_fn(x)
    loss.backward()
    return {
        "name": name, "kind": kind, "reduction": reduction, "columns": columns, "ignore_index": ignore_index,
        "input": floats(x.detach()),
        "target": [int(v) for v in target.tolist()] if target.dtype == torch.int64 else floats(target),
        "loss": float(loss), "gradient": floats(x.grad),
    }

def main():
    g = torch.Generator().manual_seed(20240611)
    cases = []

    logits = f32(torch.randn(4, 5, generator=g, dtype=torch.float64) * 3)
    targets = torch.tensor([3, 0, 4, 1])
    for red in ("mean", "sum"):
        cases.append(case(f"ce_{red}", "cross_entropy", red, logits, targets,
                          lambda x, red=red: F.cross_entropy(x, targets, reduction=red), 5))
    ignored = torch.tensor([3, -100, 4, 1])
    for red in ("mean", "sum"):
        cases.append(case(f"ce_{red}_ignore", "cross_entropy", red, logits, ignored,
                          lambda x, red=red: F.cross_entropy(x, ignored, reduction=red, ignore_index=-100), 5, -100))
    huge = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]], dtype=torch.float64)
    huge_targets = torch.tensor([1, 0])
    cases.append(case("ce_mean_huge", "cross_entropy", "mean", huge, huge_targets,
                      lambda x: F.cross_entropy(x, huge_targets), 3))

    bce_logits = f32(torch.randn(3, 4, generator=g, dtype=torch.float64) * 4)
    bce_targets = f32(torch.rand(3, 4, generator=g, dtype=torch.float64))
    bce_targets[0, 0], bce_targets[0, 1] = 0.0, 1.0
    for red in ("mean", "sum"):
        cases.append(case(f"bce_{red}", "binary_cross_entropy", red, bce_logits, bce_targets,
                          lambda x, red=red: F.binary_cross_entropy_with_logits(x, bce_targets, reduction=red), 4))
    bce_huge = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0], dtype=torch.float64)
    bce_huge_targets = torch.tensor([0.0, 1.0, 1.0, 0.25], dtype=torch.float64)
    cases.append(case("bce_mean_huge", "binary_cross_entropy", "mean", bce_huge, bce_huge_targets,
                      lambda x: F.binary_cross_entropy_with_logits(x, bce_huge_targets), 1))

    outputs = f32(torch.randn(3, 4, generator=g, dtype=torch.float64))
    mse_targets = f32(torch.randn(3, 4, generator=g, dtype=torch.float64))
    for red in ("mean", "sum"):
        cases.append(case(f"mse_{red}", "mean_squared_error", red, outputs, mse_targets,
                          lambda x, red=red: F.mse_loss(x, mse_targets, reduction=red), 4))

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss_cases.json")
    with open(out, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {out}")

if __name__ == "__main__":
    main()
