"""Exports the twelve Step models of the benchmark suite to ONNX for ONNX Runtime, from the safetensors files that
`RnnGen.Benchmarks peers prepare DIR` wrote (the suite's own weights), as three stateful graphs per model:

  DIR/<model>.step.onnx     x [1, 1, I],  h0 [1, 1, H], c0 [1, 1, H]   ->  y [1, 1],  hn, cn   (one step)
  DIR/<model>.forward.onnx  x [50, 1, I], h0, c0                      ->  y [1, 1],  hn, cn   (Forward, T = 50)
  DIR/<model>.batch.onnx    x [1, 64, I], h0 [1, 64, H], c0           ->  y [64, 1], hn, cn   (64 streams, one step)

Each graph is nn.LSTM / nn.GRU (the ONNX LSTM / GRU op, linear_before_reset=1 for PyTorch's GRU) and nn.Linear on the
last hidden state (Gemm); GRU graphs have no c0/cn. Run with Debian's python3-torch: /usr/bin/python3 export_onnx.py DIR
"""
import json
import struct
import sys
import warnings

import numpy as np
import onnx
import torch
from torch import nn

MODELS = ["Lstm_1x8", "Lstm_1x16", "Lstm_1x32", "Lstm_1x64", "Lstm_8x64", "Lstm_16x128",
          "Gru_1x8", "Gru_1x16", "Gru_1x32", "Gru_1x64", "Gru_8x64", "Gru_16x128"]
WORKLOADS = {"step": (1, 1), "forward": (50, 1), "batch": (1, 64)}  # name: (steps, streams)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, not F32")
        begin, end = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(body[begin:end], dtype="<f4").reshape(info["shape"]).copy())
    return tensors


class Lstm(nn.Module):
    def __init__(self, inputs, hidden):
        super().__init__()
        self.rnn = nn.LSTM(inputs, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, h0, c0):
        _, (hn, cn) = self.rnn(x, (h0, c0))
        return self.head(hn[0]), hn, cn


class Gru(nn.Module):
    def __init__(self, inputs, hidden):
        super().__init__()
        self.rnn = nn.GRU(inputs, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, h0):
        _, hn = self.rnn(x, h0)
        return self.head(hn[0]), hn


def export(directory, name):
    cell, shape = name.split("_")
    inputs, hidden = (int(s) for s in shape.split("x"))
    lstm = cell == "Lstm"
    net = (Lstm if lstm else Gru)(inputs, hidden)
    net.load_state_dict(read_safetensors(f"{directory}/{name}.safetensors"), strict=True)
    net.eval()
    for workload, (steps, streams) in WORKLOADS.items():
        args = [torch.zeros(steps, streams, inputs), torch.zeros(1, streams, hidden)]
        names_in, names_out = ["x", "h0"], ["y", "hn"]
        if lstm:
            args.append(torch.zeros(1, streams, hidden))
            names_in.append("c0")
            names_out.append("cn")
        path = f"{directory}/{name}.{workload}.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter warns that batch_first=False LSTMs export as they are
            torch.onnx.export(net, tuple(args), path, input_names=names_in, output_names=names_out, opset_version=14)
        ops = {node.op_type for node in onnx.load(path).graph.node}
        wanted = {"LSTM" if lstm else "GRU", "Gemm"}
        if not wanted <= ops:
            raise RuntimeError(f"{path}: expected the ops {sorted(wanted)}, the graph has {sorted(ops)}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: export_onnx.py DIR")
    torch.set_num_threads(1)
    for name in MODELS:
        export(sys.argv[1], name)
    print(f"exported {len(MODELS)} models x {len(WORKLOADS)} graphs (torch {torch.__version__}, opset 14) to {sys.argv[1]}")


if __name__ == "__main__":
    main()
