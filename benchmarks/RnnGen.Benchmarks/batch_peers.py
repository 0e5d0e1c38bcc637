"""The batched peers of docs/PERFORMANCE.md's "Batched" section, from one set of weights.

Writes to OUT_DIR:
- lstm16x128.safetensors: nn.LSTM(16, 128) + nn.Linear(128, 1) (RnnGen names: rnn.*, head.*), seed 0;
- lstm16x128.onnx: one step of that model with state, batch 256 (inputs x [256, 1, 16], h0, c0 [1, 256, 128];
  outputs y [256, 1], h, c), exported by torch.onnx.export for ONNX Runtime;
- lstm16x128_check.json: an input and state and PyTorch's outputs for them, which the C# side reproduces with RnnGen and
  ONNX Runtime before timing anything;
- train8x32.safetensors + train8x32_check.json: LSTM(8, 32) + Linear(32, 4) on the last step, seed 1, a mini-batch of 32
  sequences of T = 50 and PyTorch's logits for it;
- pytorch.json: PyTorch's median ns for one batch-256 step of the first model with torch.set_num_threads(1) and (2), and
  for one training step (CrossEntropyLoss, Adam) on the 32-sequence mini-batch with one thread.
Run with Debian's python3-torch: /usr/bin/python3 batch_peers.py OUT_DIR [--quick]
"""
import json
import os
import statistics
import struct
import sys
import time

import torch
from torch import nn

OUT = sys.argv[1]
QUICK = "--quick" in sys.argv
B, I, H = 256, 16, 128
TB, TT, TI, TH, TK = 32, 50, 8, 32, 4


class Model(nn.Module):
    def __init__(self, inputs, hidden, outputs):
        super().__init__()
        self.rnn = nn.LSTM(inputs, hidden, batch_first=True)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x, h0, c0):
        out, (h, c) = self.rnn(x, (h0, c0))
        return self.head(out[:, -1, :]), h, c


def save_safetensors(model, path):
    tensors = {name: t.detach().contiguous().float() for name, t in model.state_dict().items()}
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header).encode()
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def median_ns(fn, repeats):
    for _ in range(max(10, repeats // 10)):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples)


os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
step_model = Model(I, H, 1).eval()
save_safetensors(step_model, os.path.join(OUT, "lstm16x128.safetensors"))
x = torch.randn(B, 1, I)
h0 = torch.randn(1, B, H) * 0.5
c0 = torch.randn(1, B, H) * 0.5
with torch.no_grad():
    y, h, c = step_model(x, h0, c0)
    torch.onnx.export(step_model, (x, h0, c0), os.path.join(OUT, "lstm16x128.onnx"), input_names=["x", "h0", "c0"],
                      output_names=["y", "h", "c"], opset_version=14)
with open(os.path.join(OUT, "lstm16x128_check.json"), "w") as f:
    json.dump({"batch": B, "x": flat(x), "h0": flat(h0), "c0": flat(c0), "y": flat(y), "h": flat(h), "c": flat(c)}, f)

torch.manual_seed(1)
train_model = Model(TI, TH, TK)
save_safetensors(train_model, os.path.join(OUT, "train8x32.safetensors"))
tx = torch.randn(TB, TT, TI)
targets = torch.randint(0, TK, (TB,))
zeros = torch.zeros(1, TB, TH)
with torch.no_grad():
    logits, _, _ = train_model(tx, zeros, zeros)
with open(os.path.join(OUT, "train8x32_check.json"), "w") as f:
    json.dump({"batch": TB, "steps": TT, "x": flat(tx), "targets": [int(t) for t in targets], "logits": flat(logits)}, f)

timings = {"torch": torch.__version__}
repeats = 100 if QUICK else 1000
for threads in (1, 2):
    torch.set_num_threads(threads)
    state = {"h": h0.clone(), "c": c0.clone()}

    def step():
        with torch.no_grad():
            _, state["h"], state["c"] = step_model(x, state["h"], state["c"])

    timings[f"lstm16x128_b256_step_threads{threads}_ns"] = median_ns(step, repeats)

torch.set_num_threads(1)
optimizer = torch.optim.Adam(train_model.parameters())
loss_fn = nn.CrossEntropyLoss()


def train_step():
    optimizer.zero_grad()
    out, _, _ = train_model(tx, zeros, zeros)
    loss_fn(out, targets).backward()
    optimizer.step()


timings["lstm8x32_b32_t50_train_step_ns"] = median_ns(train_step, 30 if QUICK else 200)
with open(os.path.join(OUT, "pytorch.json"), "w") as f:
    json.dump(timings, f)
print(json.dumps(timings))
