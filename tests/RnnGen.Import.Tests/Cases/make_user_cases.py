"""Makes the user-model fixtures in user/: typical PyTorch modules written as people write them, exported with the
rnngen_export.py script users run (src/RnnGen.Cli/Scripts), plus ONNX graphs built by hand where no exporter is here.

Each case directory holds case.json (rnngen-user-case/1), model.onnx, usually model.safetensors (the module's own
state_dict), and Model.cs: the declaration, written by hand below, that loads model.safetensors as it is and computes
the module (the declaration contract of issue 14: Module names, MLP heads, Steps.Final).

Oracles: PyTorch's float64 output of each module (the export script runs a float64 copy), and for the hand-built graphs
a float64 numpy implementation of the ONNX equations (GRU, linear_before_reset=0) or of Keras' LSTM equations (the
tf2onnx-shaped graph). The C# tests also run every model.onnx in ONNX Runtime.

Run with Debian's torch (deterministic; about 2 s):  /usr/bin/python3 make_user_cases.py
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src", "RnnGen.Cli", "Scripts"))
from rnngen_export import SCHEMA, export  # noqa: E402

OUT = os.path.join(HERE, "user")
T = 9


# ---------------------------------------------------------------- PyTorch modules, as people write them

class LstmClassifier(nn.Module):
    """Sequence classifier on the last step."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 16, batch_first=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class BiLstmHn(nn.Module):
    """The most common bidirectional classifier: a Linear over cat(h_n[-2], h_n[-1])."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 12, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(24, 3)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))


class StackedLstmMlp(nn.Module):
    """Two stacked LSTM layers with dropout between them and an MLP head."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 20, num_layers=2, dropout=0.3, batch_first=True)
        self.head = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 3))

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


class CharGru(nn.Module):
    """Character model: embedding, GRU, logits over every step."""
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(30, 8)
        self.gru = nn.GRU(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 30)

    def forward(self, x):
        out, _ = self.gru(self.embed(x))
        return self.fc(out)


class TimeMajorRnn(nn.Module):
    """Vanilla tanh RNN, time-major input, tanh-squashed output at every step."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 10)
        self.out = nn.Linear(10, 2)

    def forward(self, x):
        h, _ = self.rnn(x)
        return torch.tanh(self.out(h))


class ReluRnn(nn.Module):
    """ReLU RNN with a sigmoid output on the last step (binary classifier)."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 12, nonlinearity="relu", batch_first=True)
        self.classifier = nn.Linear(12, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return torch.sigmoid(self.classifier(out[:, -1, :]))


class Gru50(nn.Module):
    """GRU with H = 50, off the 8/16-wide vector grid; softmax probabilities of the last step."""
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(7, 50, batch_first=True)
        self.fc = nn.Linear(50, 5)

    def forward(self, x):
        out, _ = self.gru(x)
        return torch.softmax(self.fc(out[:, -1]), dim=-1)


class TwoLstms(nn.Module):
    """Two nn.LSTM modules stacked by hand, each numbered from l0 in the state_dict."""
    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTM(5, 24, batch_first=True)
        self.lstm2 = nn.LSTM(24, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        x, _ = self.lstm1(x)
        x, _ = self.lstm2(x)
        return self.fc(x[:, -1, :])


class BiGruTagger(nn.Module):
    """Two bidirectional GRU layers, time-major, a softmax tag distribution at every step."""
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 8, num_layers=2, bidirectional=True)
        self.tagger = nn.Linear(16, 4)

    def forward(self, x):
        out, _ = self.gru(x)
        return torch.softmax(self.tagger(out), dim=-1)


class NoBiasLstm(nn.Module):
    """LSTM and Linear without biases, time-major, every step; exported with static shapes."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 8, bias=False)
        self.proj = nn.Linear(8, 3, bias=False)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.proj(out)


class DefaultNames(nn.Module):
    """Written for RnnGen's default names (rnn., head.): loads without any Module."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 8, batch_first=True)
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])


# (name, module, sample, export options, the declaration that loads its state_dict as is)
MODULES = [
    ("lstm_classifier", LstmClassifier, lambda g: torch.randn(1, T, 6, generator=g), {}, """
[RecurrentModel(InputSize = 6, SequenceLength = 16)]
[Lstm(16, Module = "lstm")]
[Dense(4, Module = "fc", Over = Steps.Last)]
"""),
    ("bilstm_hn_head", BiLstmHn, lambda g: torch.randn(1, T, 5, generator=g), {}, """
[RecurrentModel(InputSize = 5, SequenceLength = 16)]
[Lstm(12, Bidirectional = true, Module = "lstm")]
[Dense(3, Module = "fc", Over = Steps.Final)]
"""),
    ("stacked_lstm_mlp", StackedLstmMlp, lambda g: torch.randn(1, T, 4, generator=g), {}, """
[RecurrentModel(InputSize = 4, SequenceLength = 16)]
[Lstm(20, Module = "lstm")]
[Lstm(20, Module = "lstm")]
[Dense(32, Activation.Relu, Module = "head.0", Over = Steps.Last)]
[Dense(3, Module = "head.2")]
"""),
    ("char_gru", CharGru, lambda g: torch.randint(0, 30, (1, T), generator=g), {}, """
[RecurrentModel(SequenceLength = 16)]
[Embedding(30, 8, Module = "embed")]
[Gru(16, Module = "gru")]
[Dense(30, Module = "fc", Over = Steps.Every)]
"""),
    ("rnn_tanh_time_major", TimeMajorRnn, lambda g: torch.randn(T, 1, 3, generator=g), {}, """
[RecurrentModel(InputSize = 3, SequenceLength = 16)]
[Rnn(10, Module = "rnn")]
[Dense(2, Activation.Tanh, Module = "out", Over = Steps.Every)]
"""),
    ("rnn_relu_sigmoid", ReluRnn, lambda g: torch.randn(1, T, 4, generator=g), {}, """
[RecurrentModel(InputSize = 4, SequenceLength = 16)]
[Rnn(12, Activation = Activation.Relu, Module = "rnn")]
[Dense(1, Activation.Sigmoid, Module = "classifier", Over = Steps.Last)]
"""),
    ("gru_h50", Gru50, lambda g: torch.randn(1, T, 7, generator=g), {}, """
[RecurrentModel(InputSize = 7, SequenceLength = 16)]
[Gru(50, Module = "gru")]
[Dense(5, Activation.Softmax, Module = "fc", Over = Steps.Last)]
"""),
    ("two_lstm_modules", TwoLstms, lambda g: torch.randn(1, T, 5, generator=g), {}, """
[RecurrentModel(InputSize = 5, SequenceLength = 16)]
[Lstm(24, Module = "lstm1")]
[Lstm(16, Module = "lstm2")]
[Dense(2, Module = "fc", Over = Steps.Last)]
"""),
    ("bigru_tagger", BiGruTagger, lambda g: torch.randn(T, 1, 3, generator=g), {}, """
[RecurrentModel(InputSize = 3, SequenceLength = 16)]
[Gru(8, Bidirectional = true, Module = "gru")]
[Gru(8, Bidirectional = true, Module = "gru")]
[Dense(4, Activation.Softmax, Module = "tagger", Over = Steps.Every)]
"""),
    ("lstm_no_bias_static", NoBiasLstm, lambda g: torch.randn(T, 1, 2, generator=g), {"dynamic_axes": False}, """
[RecurrentModel(InputSize = 2, SequenceLength = 16)]
[Lstm(8, Bias = false, Module = "lstm")]
[Dense(3, Module = "proj", Over = Steps.Every, Bias = false)]
"""),
    ("default_names", DefaultNames, lambda g: torch.randn(1, T, 3, generator=g), {}, """
[RecurrentModel(InputSize = 3, SequenceLength = 16)]
[Lstm(8)]
[Dense(2, Over = Steps.Last)]
"""),
]


def write_declaration(directory, attributes):
    with open(os.path.join(directory, "Model.cs"), "w") as f:
        f.write("using RnnGen;\n" + attributes.rstrip() + "\npublic partial class Model { }\n")


def make_torch_cases():
    for i, (name, factory, sample, options, declaration) in enumerate(MODULES):
        torch.manual_seed(1000 + i)
        module = factory()
        # Biases and weights away from zero, so a bias or gate block in the wrong place cannot hide.
        with torch.no_grad():
            for p in module.parameters():
                p.uniform_(-0.6, 0.6)
        directory = os.path.join(OUT, name)
        export(module, sample(torch.Generator().manual_seed(2000 + i)), directory, quiet=True, **options)
        write_declaration(directory, declaration)


# ---------------------------------------------------------------- graphs built by hand, with numpy oracles

def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def onnx_gru_reset_before(x, W, R, B, h0):
    """ONNX GRU, one forward direction, linear_before_reset=0, gates z, r, h; x [T, I], float64."""
    H = R.shape[1]
    Wz, Wr, Wh = W[0:H], W[H:2 * H], W[2 * H:3 * H]
    Rz, Rr, Rh = R[0:H], R[H:2 * H], R[2 * H:3 * H]
    Wbz, Wbr, Wbh, Rbz, Rbr, Rbh = (B[k * H:(k + 1) * H] for k in range(6))
    h, ys = h0, []
    for xt in x:
        z = sigmoid(Wz @ xt + Rz @ h + Wbz + Rbz)
        r = sigmoid(Wr @ xt + Rr @ h + Wbr + Rbr)
        hh = np.tanh(Wh @ xt + Rh @ (r * h) + Rbh + Wbh)
        h = (1 - z) * hh + z * h
        ys.append(h)
    return np.array(ys)


def keras_lstm(x, kernel, recurrent, bias):
    """Keras LSTM (sigmoid gates, tanh), kernel [I, 4H] and recurrent [H, 4H] in gate order i, f, c, o; x [T, I]."""
    H = recurrent.shape[0]
    h, c = np.zeros(H), np.zeros(H)
    for xt in x:
        a = xt @ kernel + h @ recurrent + bias
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return h


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def f32(a):
    """float32 values, kept as float64 for the oracle: the file holds exactly these."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def write_case(directory, x, y, layout, producer):
    case = {"schema": SCHEMA, "inputs": {"x": np.asarray(x).tolist()}, "expected": {"y": np.asarray(y).tolist()},
            "input_layout": layout, "producer": producer}
    with open(os.path.join(directory, "case.json"), "w") as f:
        json.dump(case, f, separators=(",", ":"))
        f.write("\n")


def make_gru_reset_before():
    """An ONNX GRU with linear_before_reset=0 (the ONNX default, Keras reset_after=False), an optional initial state
    as a graph input, and a Gemm head with transB=0, alpha and beta, softmax over the last step's classes."""
    rng = np.random.default_rng(41)
    I, H, K = 4, 6, 3
    W = f32(rng.uniform(-0.7, 0.7, (1, 3 * H, I)))
    R = f32(rng.uniform(-0.7, 0.7, (1, 3 * H, H)))
    B = f32(rng.uniform(-0.5, 0.5, (1, 6 * H)))
    Wd = f32(rng.uniform(-0.8, 0.8, (H, K)))          # Gemm B with transB=0: [in, out]
    bd = f32(rng.uniform(-0.4, 0.4, (K,)))
    alpha, beta = 0.75, 1.5
    x = f32(rng.uniform(-1, 1, (T, I)))

    nodes = [
        helper.make_node("Transpose", ["x"], ["x_tm"], perm=[1, 0, 2], name="to_time_major"),
        helper.make_node("GRU", ["x_tm", "W", "R", "B", "", "h0"], ["Y", "Y_h"], hidden_size=H, linear_before_reset=0, name="gru"),
        helper.make_node("Squeeze", ["Y_h", "axes0"], ["h_last"], name="squeeze_h"),
        helper.make_node("Gemm", ["h_last", "Wd", "bd"], ["logits"], alpha=alpha, beta=beta, transB=0, name="dense"),
        helper.make_node("Softmax", ["logits"], ["y"], axis=1, name="softmax"),
    ]
    graph = helper.make_graph(
        nodes, "gru_reset_before",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "T", I]),
         helper.make_tensor_value_info("h0", TensorProto.FLOAT, [1, "batch", H])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", K])],
        initializer=[numpy_helper.from_array(a.astype(np.float32), n) for n, a in
                     [("W", W), ("R", R), ("B", B), ("Wd", Wd), ("bd", bd)]]
        + [numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="make_user_cases.py")
    onnx.checker.check_model(model)

    h = onnx_gru_reset_before(x, W[0], R[0], B[0], np.zeros(H))[-1]
    y = softmax(alpha * (h @ Wd) + beta * bd)
    directory = os.path.join(OUT, "gru_reset_before_onnx")
    os.makedirs(directory, exist_ok=True)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    write_case(directory, x, y, "batch_first", "make_user_cases.py: numpy float64 ONNX GRU (linear_before_reset=0)")


def make_keras_lstm_tf2onnx():
    """The graph tf2onnx makes of a Keras Sequential([LSTM(12), Dense(3, activation="softmax")]): input named
    "input_1" [unk, T, I], a Transpose to time-major, zero initial states built from the input's shape, an LSTM whose
    W/R/B come from Keras' kernel, recurrent_kernel and bias (gates i, f, c, o reordered to ONNX's i, o, f, c; the
    recurrent bias Rb zero), Y_h squeezed, and the Dense as MatMul + Add + Softmax. Built by hand: there is no
    TensorFlow here; what this reproduces and what it cannot is in README.md."""
    rng = np.random.default_rng(43)
    I, H, K = 3, 12, 3
    kernel = f32(rng.uniform(-0.6, 0.6, (I, 4 * H)))
    recurrent = f32(rng.uniform(-0.6, 0.6, (H, 4 * H)))
    bias = f32(rng.uniform(-0.4, 0.4, (4 * H,)))
    dense_kernel = f32(rng.uniform(-0.8, 0.8, (H, K)))
    dense_bias = f32(rng.uniform(-0.3, 0.3, (K,)))
    x = f32(rng.uniform(-1, 1, (T, I)))

    def to_onnx(a):                                    # rows in Keras order i, f, c, o -> ONNX i, o, f, c
        i, f, c, o = np.split(a, 4, axis=0)
        return np.concatenate([i, o, f, c], axis=0)
    W = to_onnx(kernel.T)[None]
    R = to_onnx(recurrent.T)[None]
    B = np.concatenate([to_onnx(bias), np.zeros(4 * H)])[None]

    const = numpy_helper.from_array
    nodes = [
        helper.make_node("Transpose", ["input_1"], ["sequential/lstm/transpose:0"], perm=[1, 0, 2], name="sequential/lstm/transpose"),
        helper.make_node("Shape", ["input_1"], ["sequential/lstm/Shape:0"], name="sequential/lstm/Shape"),
        helper.make_node("Gather", ["sequential/lstm/Shape:0", "const_zero"], ["sequential/lstm/strided_slice:0"], axis=0, name="sequential/lstm/strided_slice"),
        helper.make_node("Unsqueeze", ["sequential/lstm/strided_slice:0", "const_axes0"], ["sequential/lstm/batch:0"], name="sequential/lstm/batch"),
        helper.make_node("Concat", ["const_one", "sequential/lstm/batch:0", "const_units"], ["sequential/lstm/zeros/packed:0"], axis=0, name="sequential/lstm/zeros/packed"),
        helper.make_node("ConstantOfShape", ["sequential/lstm/zeros/packed:0"], ["sequential/lstm/zeros:0"],
                         value=helper.make_tensor("value", TensorProto.FLOAT, [1], [0.0]), name="sequential/lstm/zeros"),
        helper.make_node("LSTM", ["sequential/lstm/transpose:0", "W", "R", "B", "", "sequential/lstm/zeros:0", "sequential/lstm/zeros:0"],
                         ["", "sequential/lstm/Y_h:0", ""], hidden_size=H, direction="forward", name="sequential/lstm/LSTM"),
        helper.make_node("Squeeze", ["sequential/lstm/Y_h:0", "const_axes0"], ["sequential/lstm/PartitionedCall:0"], name="sequential/lstm/Squeeze"),
        helper.make_node("MatMul", ["sequential/lstm/PartitionedCall:0", "sequential/dense/MatMul/ReadVariableOp:0"], ["sequential/dense/MatMul:0"], name="sequential/dense/MatMul"),
        helper.make_node("Add", ["sequential/dense/MatMul:0", "sequential/dense/BiasAdd/ReadVariableOp:0"], ["sequential/dense/BiasAdd:0"], name="sequential/dense/BiasAdd"),
        helper.make_node("Softmax", ["sequential/dense/BiasAdd:0"], ["dense"], axis=-1, name="sequential/dense/Softmax"),
    ]
    graph = helper.make_graph(
        nodes, "tf2onnx",
        [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__6", T, I])],
        [helper.make_tensor_value_info("dense", TensorProto.FLOAT, ["unk__7", K])],
        initializer=[const(W.astype(np.float32), "W"), const(R.astype(np.float32), "R"), const(B.astype(np.float32), "B"),
                     const(dense_kernel.astype(np.float32), "sequential/dense/MatMul/ReadVariableOp:0"),
                     const(dense_bias.astype(np.float32), "sequential/dense/BiasAdd/ReadVariableOp:0"),
                     const(np.array(0, dtype=np.int64), "const_zero"), const(np.array([0], dtype=np.int64), "const_axes0"),
                     const(np.array([1], dtype=np.int64), "const_one"), const(np.array([H], dtype=np.int64), "const_units")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="tf2onnx", producer_version="1.9.3")
    onnx.checker.check_model(model)

    y = softmax(keras_lstm(x, kernel, recurrent, bias) @ dense_kernel + dense_bias)
    directory = os.path.join(OUT, "keras_lstm_tf2onnx")
    os.makedirs(directory, exist_ok=True)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    write_case(directory, x, y, "batch_first", "make_user_cases.py: numpy float64 Keras LSTM + Dense(softmax)")


if __name__ == "__main__":
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    make_torch_cases()
    make_gru_reset_before()
    make_keras_lstm_tf2onnx()
    for name in sorted(os.listdir(OUT)):
        size = sum(os.path.getsize(os.path.join(OUT, name, f)) for f in os.listdir(os.path.join(OUT, name)))
        print(f"{name:24} {size / 1024:6.1f} KB  {', '.join(sorted(os.listdir(os.path.join(OUT, name))))}")
