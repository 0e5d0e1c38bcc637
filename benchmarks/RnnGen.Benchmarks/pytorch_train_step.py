"""PyTorch float32 on one thread, the shapes of the Sequences benchmarks: LSTM/GRU(8, 32) + Linear(32, 4) on the
last step, batch 1, T=50. Times one training step (zero_grad, forward, CrossEntropyLoss, backward, Adam.step) and the
forward alone (no_grad); prints median ns as JSON. Run with Debian's python3-torch: /usr/bin/python3 pytorch_train_step.py"""
import json
import statistics
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
QUICK = "--quick" in sys.argv
T, I, H, K = 50, 8, 32, 4


class Model(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(I, H, batch_first=True)
        self.head = nn.Linear(H, K)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def median_ns(fn, repeats):
    for _ in range(max(10, repeats // 10)):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples)


def measure(cell):
    model = Model(cell)
    optimizer = torch.optim.Adam(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(1, T, I)
    target = torch.tensor([2])

    def train_step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()

    def forward():
        with torch.no_grad():
            model(x)

    repeats = 100 if QUICK else 1000
    return median_ns(train_step, repeats), median_ns(forward, repeats)


lstm_train, lstm_forward = measure(nn.LSTM)
gru_train, gru_forward = measure(nn.GRU)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                  "lstm_train_step_ns": lstm_train, "gru_train_step_ns": gru_train,
                  "lstm_forward_ns": lstm_forward, "gru_forward_ns": gru_forward}))
