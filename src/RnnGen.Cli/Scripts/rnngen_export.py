"""Export a PyTorch recurrent model for RnnGen, with a case that proves the C# port computes what PyTorch computes.

Needs nothing but torch (and numpy, which torch brings). Use it next to your own model code:

    import torch
    from rnngen_export import export
    model = MyModel()                     # your nn.Module, weights loaded
    x = torch.randn(1, 50, 6)             # one sample input as your forward() takes it: [1, T, I] (batch_first),
                                          # [T, 1, I] (time-major), or [1, T] / [T, 1] token ids (LongTensor)
    export(model, x, "out/")

It writes, into the output directory:
  model.safetensors  the module's own state_dict (its own names, float32), no extra package needed
  model.onnx         torch.onnx.export of the same module (input "x", output "y", time and batch axes dynamic)
  case.json          {"schema": "rnngen-user-case/1", "inputs": {"x": ...}, "expected": {"y": ...},
                      "input_layout": "batch_first" | "time_major"}: x is the ONE sample sequence ([T][I], or [T]
                     token ids) and y the module's output for it with the batch axis dropped ([K] or [T][K]),
                     computed in float64 on a copy of the module
and prints the rnngen commands that import the model and verify the C# port against case.json.

Or from the command line, for a module class that takes no constructor arguments:
    python3 rnngen_export.py mymodule:MyModel --weights trained.pt --input-shape 1,50,6 --out out/
"""
import argparse
import copy
import importlib
import json
import os
import struct
import sys

import torch
from torch import nn

SCHEMA = "rnngen-user-case/1"
EXPORTER_VERSION = "1"


def export(module, sample, out_dir, input_layout=None, onnx=True, opset=14, dynamic_axes=True, quiet=False):
    """Writes model.safetensors, model.onnx (unless onnx=False) and case.json for `module` run on `sample`.

    input_layout: "batch_first" or "time_major"; by default taken from the module's first nn.LSTM/GRU/RNN.
    dynamic_axes: mark the time and batch axes of x and y dynamic in the ONNX file (as deployed models usually are).
    Returns the case as a dict.
    """
    if not isinstance(module, nn.Module):
        raise TypeError("module must be a torch.nn.Module")
    if not isinstance(sample, torch.Tensor):
        raise TypeError("sample must be a tensor: one input sequence with a batch axis of size 1")
    module = module.eval()
    layout = input_layout or _layout_of(module)
    if layout not in ("batch_first", "time_major"):
        raise ValueError(f"input_layout must be 'batch_first' or 'time_major', not {layout!r}")
    tokens = not sample.is_floating_point()
    batch_axis = 0 if layout == "batch_first" else 1
    want_dims = 2 if tokens else 3
    if sample.dim() != want_dims or sample.shape[batch_axis] != 1:
        kind = "token ids" if tokens else "floats"
        shape = ("[1, T]" if tokens else "[1, T, I]") if layout == "batch_first" else ("[T, 1]" if tokens else "[T, 1, I]")
        raise ValueError(f"sample of {kind} must be {shape} for a {layout} model (one sequence, batch 1), not {list(sample.shape)}")
    time_axis = 1 - batch_axis
    os.makedirs(out_dir, exist_ok=True)

    with torch.no_grad():
        y32 = _first_output(module(sample))
        y64 = _float64_output(module, sample)
    y = y64 if y64 is not None else y32.double()
    y_batch_axis = 0 if y.dim() == 2 or layout == "batch_first" else 1
    if y.dim() not in (2, 3) or y.shape[y_batch_axis] != 1:
        raise ValueError(f"the module's output must be [1, K] or a sequence [1, T, K] / [T, 1, K]; it is {list(y.shape)}")

    skipped = _write_safetensors(module, os.path.join(out_dir, "model.safetensors"), layout)
    if onnx:
        axes = None
        if dynamic_axes:
            axes = {"x": {batch_axis: "batch", time_axis: "T"}, "y": {y_batch_axis: "batch"}}
            if y.dim() == 3:
                axes["y"][1 - y_batch_axis] = "T"
        torch.onnx.export(module, (sample,), os.path.join(out_dir, "model.onnx"), input_names=["x"], output_names=["y"],
                          opset_version=opset, dynamic_axes=axes, do_constant_folding=True)

    case = {
        "schema": SCHEMA,
        "inputs": {"x": sample.select(batch_axis, 0).tolist()},
        "expected": {"y": y.select(y_batch_axis, 0).tolist()},
        "input_layout": layout,
        "producer": f"rnngen_export.py/{EXPORTER_VERSION} torch {torch.__version__}",
    }
    with open(os.path.join(out_dir, "case.json"), "w") as f:
        json.dump(case, f, separators=(",", ":"))
        f.write("\n")

    if not quiet:
        for name in skipped:
            print(f"note: {name} is not a floating-point tensor and was left out of model.safetensors")
        _print_commands(out_dir, onnx)
    return case


def _layout_of(module):
    for m in module.modules():
        if isinstance(m, nn.RNNBase):
            return "batch_first" if m.batch_first else "time_major"
    return "batch_first"


def _first_output(y):
    if isinstance(y, (tuple, list)):
        if not y or not isinstance(y[0], torch.Tensor):
            raise ValueError("the module's forward() must return a tensor (or a tuple whose first item is the output)")
        return y[0]
    return y


def _float64_output(module, sample):
    """The output of a float64 copy: the oracle without float32 rounding. None if the module cannot run in float64."""
    try:
        double = copy.deepcopy(module).double()
        with torch.no_grad():
            return _first_output(double(sample if not sample.is_floating_point() else sample.double()))
    except Exception:
        return None


def _write_safetensors(module, path, layout):
    """Standard safetensors: u64 header length, JSON header padded to 8 bytes, F32 little-endian data packed in order."""
    header = {"__metadata__": {"format": "pt", "exporter": f"rnngen_export.py/{EXPORTER_VERSION}", "input_layout": layout}}
    blobs, offset, skipped = [], 0, []
    for name, value in module.state_dict().items():
        if not value.is_floating_point():
            skipped.append(name)
            continue
        data = value.detach().to(torch.float32).contiguous().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    return skipped


def _print_commands(out_dir, onnx):
    d = out_dir.rstrip("/") or "."
    print(f"wrote {d}/model.safetensors, {d}/case.json" + (f" and {d}/model.onnx" if onnx else ""))
    commands = []
    if onnx:
        commands += [
            (f"rnngen import {d}/model.onnx -o Model.cs --weights-out {d}/imported.safetensors", "declaration + weights from the ONNX graph"),
            (f"rnngen verify {d}", "the imported C# model against case.json"),
        ]
    commands += [
        (f"rnngen inspect {d}/model.safetensors --name Model", "declaration for your own state_dict names"),
        (f"rnngen verify {d} --declaration Model.cs", "your declaration + model.safetensors against case.json"),
    ]
    width = max(len(c) for c, _ in commands)
    print("next:")
    for command, what in commands:
        print(f"  {command.ljust(width)}   # {what}")


def _main(argv):
    parser = argparse.ArgumentParser(description="Export a PyTorch recurrent model and a verification case for RnnGen.")
    parser.add_argument("module", help="module:Class, a class whose constructor takes no arguments")
    parser.add_argument("--weights", help="a state_dict saved with torch.save (loaded with strict=True)")
    parser.add_argument("--input-shape", required=True, help="shape of the sample input, e.g. 1,50,6 (batch_first) or 50,1,6")
    parser.add_argument("--tokens", type=int, metavar="V", help="the input is token ids in [0, V) instead of floats")
    parser.add_argument("--layout", choices=["batch_first", "time_major"], help="default: from the module's first RNN")
    parser.add_argument("--out", default=".", help="output directory (default: .)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random sample input")
    parser.add_argument("--no-onnx", action="store_true", help="skip model.onnx")
    args = parser.parse_args(argv)

    sys.path.insert(0, os.getcwd())
    module_name, _, class_name = args.module.partition(":")
    model = getattr(importlib.import_module(module_name), class_name)()
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    shape = [int(s) for s in args.input_shape.split(",")]
    generator = torch.Generator().manual_seed(args.seed)
    sample = torch.randint(0, args.tokens, shape, generator=generator) if args.tokens else torch.randn(shape, generator=generator)
    export(model, sample, args.out, input_layout=args.layout, onnx=not args.no_onnx)


if __name__ == "__main__":
    _main(sys.argv[1:])
