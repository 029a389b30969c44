#!/usr/bin/env python3
"""PyTorch CPU reference for `bin/layerpipe bench`: the same four networks, trained the same way.

Optional and never a dependency of the project: run it in a virtualenv where you installed
PyTorch yourself (`python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch`; the PyPI
wheel is the CUDA build, ~5 GB with its nvidia-* packages, and runs on the CPU too).

    /tmp/torch/bin/python bench/pytorch-reference.py [--models mlp,wide-mlp,cnn,resnet18] [--threads 1,2]

Measures plain SGD training steps (forward, softmax cross-entropy, backward, update) of the
networks `bin/layerpipe bench` builds (pipeline-core's Models: mlp 784-256-128-10, wide-mlp
4x1024, the small cnn, CIFAR ResNet-18), at the benchmark's batch sizes, in float32, on
seeded random inputs of the data's shapes (speed does not depend on the values), and prints
samples/s per thread count as the best of several timed rounds after a warm-up. Run it right
before or after `bin/layerpipe bench` on an idle machine and compare within that pair only.
"""
import argparse
import time

import torch
from torch import nn

BATCH = {"mlp": 64, "wide-mlp": 64, "cnn": 64, "resnet18": 128}
STEPS = {"mlp": 400, "wide-mlp": 60, "cnn": 24, "resnet18": 4}
ROUNDS = {"mlp": 5, "wide-mlp": 5, "cnn": 5, "resnet18": 2}
WARMUP_SECONDS = 4.0


def mlp(hidden):
    layers, width = [nn.Flatten()], 784
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


class Basic(nn.Module):
    """relu(bn(conv(relu(bn(conv_s(x))))) + shortcut(x)), the shortcut a 1x1 conv + bn when the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return torch.relu(self.main(x) + self.shortcut(x))


def resnet18():
    layers, cin = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()], 64
    for w in (64, 64, 128, 128, 256, 256, 512, 512):
        layers.append(Basic(cin, w, 2 if w != cin else 1))
        cin = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10))


def build(name):
    return {"mlp": lambda: mlp([256, 128]), "wide-mlp": lambda: mlp([1024] * 4),
            "cnn": cnn, "resnet18": resnet18}[name]()


def measure(name, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = build(name)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    shape = (3, 32, 32) if name == "resnet18" else (1, 28, 28)
    n = BATCH[name]
    data = [(torch.randn(n, *shape), torch.randint(0, 10, (n,))) for _ in range(8)]

    def steps(k):
        for i in range(k):
            x, y = data[i % len(data)]
            opt.zero_grad(set_to_none=False)
            loss_fn(net(x), y).backward()
            opt.step()

    start = time.perf_counter()
    while time.perf_counter() - start < WARMUP_SECONDS:
        steps(2)
    best = float("inf")
    for _ in range(ROUNDS[name]):
        t0 = time.perf_counter()
        steps(STEPS[name])
        best = min(best, (time.perf_counter() - t0) / STEPS[name])
    return n / best, best * 1e3


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="mlp,wide-mlp,cnn,resnet18")
    p.add_argument("--threads", default="1,2")
    a = p.parse_args()
    print(f"PyTorch {torch.__version__}, CPU, float32")
    print("| model | threads | samples/s | ms/step |")
    print("|---|---:|---:|---:|")
    for name in a.models.split(","):
        for t in (int(s) for s in a.threads.split(",")):
            sps, ms = measure(name, t)
            print(f"| {name} | {t} | {sps:,.0f} | {ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
