"""Trains the sample's waveform classifier in PyTorch and exports it the way a user would.

Writes waveform.safetensors (state_dict names rnn.* and head.*) and pytorch_outputs.json (the
class probabilities PyTorch computes for three fixed test signals, which the C# sample prints
beside its own). Run with Debian's torch: /usr/bin/python3 train_export.py (about 10 s).
"""
import json, math, struct
import torch
from torch import nn

T, CLASSES = 40, ["sine", "square", "sawtooth"]
torch.manual_seed(7)


def waveform(kind, period, phase, noise, generator):
    t = torch.arange(T, dtype=torch.float32)
    x = (t / period + phase) % 1.0
    if kind == 0:
        y = torch.sin(2 * math.pi * x)
    elif kind == 1:
        y = torch.where(x < 0.5, 1.0, -1.0)
    else:
        y = 2 * x - 1
    return y + noise * torch.randn(T, generator=generator)


def batch(n, generator):
    kinds = torch.randint(0, 3, (n,), generator=generator)
    periods = 6 + 14 * torch.rand(n, generator=generator)
    phases = torch.rand(n, generator=generator)
    xs = torch.stack([waveform(int(k), float(p), float(f), 0.1, generator) for k, p, f in zip(kinds, periods, phases)])
    return xs.unsqueeze(-1), kinds          # [n, T, 1], [n]


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(1, 16, batch_first=True)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])          # logits of the last step


model = Classifier()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
generator = torch.Generator().manual_seed(1)
for step in range(400):
    x, k = batch(64, generator)
    loss = nn.functional.cross_entropy(model(x), k)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
x, k = batch(500, generator)
accuracy = (model(x).argmax(-1) == k).float().mean().item()
print(f"final training loss {loss.item():.4f}, held-out accuracy {accuracy:.3f}")

tensors = {name: value.detach().contiguous() for name, value in model.state_dict().items()}
metadata = {"format": "pt", "cell": "lstm", "input_size": "1", "hidden_size": "16", "num_layers": "1",
            "bidirectional": "false", "bias": "true", "head": "linear_last_step", "head_out_features": "3",
            "classes": ",".join(CLASSES)}
header, offset, blobs = {"__metadata__": metadata}, 0, []
for name, value in tensors.items():
    data = value.numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
    blobs.append(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open("waveform.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

tests = {"sine": (0, 12.0, 0.25), "square": (1, 9.0, 0.6), "sawtooth": (2, 16.0, 0.1)}
cases = []
with torch.no_grad():
    for label, (kind, period, phase) in tests.items():
        signal = waveform(kind, period, phase, 0.0, None)
        probabilities = torch.softmax(model(signal.view(1, T, 1)), -1)[0]
        cases.append({"label": label, "kind": kind, "period": period, "phase": phase,
                      "probabilities": [float(p) for p in probabilities]})
with open("pytorch_outputs.json", "w") as f:
    json.dump({"classes": CLASSES, "sequence_length": T, "accuracy": accuracy, "cases": cases}, f, indent=2)
