"""Makes the low-precision accuracy cases in quant/ (format rnngen-quant-case/1, docs/quantization.md).

Each case is a PyTorch module `rnn` (nn.LSTM or nn.GRU, time-major) + `head` (nn.Linear) over the last step or every
step, with PyTorch's default initialisation, and one input sequence x ~ N(0, 1):

  model.safetensors   the float32 state_dict, with the metadata `rnngen verify` declares the model from
  case.json           inputs.x [T][I]
                      expected.y                  the float32 module's output, [rows][K]
                      expected.y_pytorch_int8     the same module through torch.ao.quantization.quantize_dynamic(
                                                  m, {nn.LSTM, nn.GRU}, dtype=torch.qint8) on the onednn engine
                      pytorch_int8_max_abs_err    max |y_pytorch_int8 - y|: an int8 model passes at 1.5x this (+1e-6)
                      expected.y_bf16_weights     the float32 module with W_ih and W_hh rounded to bfloat16
                      bf16_weights_max_abs_err    max |y_bf16_weights - y|: a bfloat16 model passes at 1.5x this (+1e-6)

Run with Debian's python3-torch 1.13 (deterministic: each case's seed is crc32 of its name; about 5 s):
    /usr/bin/python3 make_quant_cases.py
"""
import json
import os
import struct
import zlib

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "quant")
SCHEMA = "rnngen-quant-case/1"

# name, cell, input size, hidden size, layers, head outputs, head over every step, T
CASES = [
    ("lstm_h32_L1_last", "lstm", 8, 32, 1, 3, False, 50),
    ("lstm_h48_L1_every", "lstm", 5, 48, 1, 2, True, 30),
    ("lstm_h64_L2_every", "lstm", 4, 64, 2, 1, True, 100),
    ("lstm_h128_L1_last", "lstm", 16, 128, 1, 1, False, 200),
    ("gru_h32_L2_last", "gru", 6, 32, 2, 4, False, 80),
    ("gru_h64_L1_every", "gru", 3, 64, 1, 2, True, 120),
    ("gru_h96_L1_last", "gru", 10, 96, 1, 1, False, 150),
    ("gru_h128_L2_every", "gru", 16, 128, 2, 1, True, 200),
]


class Model(nn.Module):
    def __init__(self, cell, inputs, hidden, layers, outputs, every):
        super().__init__()
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(inputs, hidden, num_layers=layers)
        self.head = nn.Linear(hidden, outputs)
        self.every = every

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, 0, :] if self.every else out[-1, 0, :].unsqueeze(0))


def write_safetensors(path, tensors, metadata):
    """safetensors by hand: 8-byte little-endian header length, JSON header padded with spaces to 8, F32 data."""
    header, data, offset = {"__metadata__": metadata}, b"", 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def rows(y):
    return [[float(v) for v in row] for row in y.tolist()]


def make(name, cell, inputs, hidden, layers, outputs, every, steps):
    torch.manual_seed(zlib.crc32(name.encode()))
    model = Model(cell, inputs, hidden, layers, outputs, every).eval()
    x = torch.randn(steps, 1, inputs)
    with torch.no_grad():
        y = model(x)
        quantized = torch.ao.quantization.quantize_dynamic(model, {nn.LSTM, nn.GRU}, dtype=torch.qint8)
        y_int8 = quantized(x)
        rounded = Model(cell, inputs, hidden, layers, outputs, every).eval()
        rounded.load_state_dict(model.state_dict())
        for key, value in rounded.rnn.named_parameters():
            if key.startswith("weight_"):
                value.copy_(value.to(torch.bfloat16).float())
        y_bf16 = rounded(x)

    directory = os.path.join(OUT, name)
    os.makedirs(directory, exist_ok=True)
    metadata = {
        "format": "pt", "case": name, "cell": cell, "input_size": str(inputs), "hidden_size": str(hidden), "proj_size": "0",
        "num_layers": str(layers), "bidirectional": "false", "bias": "true", "batch_first": "false",
        "head": "linear_every_step" if every else "linear_last_step", "head_out_features": str(outputs),
        "param_prefix": "rnn.", "torch_version": torch.__version__,
    }
    write_safetensors(os.path.join(directory, "model.safetensors"), model.state_dict(), metadata)
    case = {
        "schema": SCHEMA,
        "name": name,
        "generator": {"script": "make_quant_cases.py", "torch": torch.__version__, "engine": torch.backends.quantized.engine},
        "inputs": {"x": rows(x[:, 0, :])},
        "expected": {"y": rows(y), "y_pytorch_int8": rows(y_int8), "y_bf16_weights": rows(y_bf16)},
        "pytorch_int8_max_abs_err": float((y_int8 - y).abs().max()),
        "bf16_weights_max_abs_err": float((y_bf16 - y).abs().max()),
    }
    with open(os.path.join(directory, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")
    print(f"{name}: int8 {case['pytorch_int8_max_abs_err']:.2e}, bf16 weights {case['bf16_weights_max_abs_err']:.2e}")


def main():
    torch.backends.quantized.engine = "onednn"
    torch.set_num_threads(1)
    for case in CASES:
        make(*case)


if __name__ == "__main__":
    main()
