#!/usr/bin/env python3
"""Trains the bundled example: a small CNN on Fashion-MNIST.

  scripts/train_example.py [--epochs 3] [--out examples/fashion-mnist]
                           [--calibration-only]

Reads Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist),
trains with PyTorch on the CPU (a couple of minutes on two cores), and
writes into --out:

  model.onnx           the trained network, batch dimension dynamic
  images.npy           the first 512 test images, float32 [512, 1, 28, 28]
                       scaled to [0, 1]
  labels.npy           their labels, int64 [512]
  calibration/image.npy  the first 512 training images, the int8
                       calibration sample (infer-run --calibrate)
  README.md            what the files are and the test accuracy

--calibration-only writes calibration/ alone (no training: the committed
model stays).

The committed files were produced by this script; `make run` only uses them.
"""
import argparse
import gzip
import os

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
           "Shirt", "Sneaker", "Bag", "Ankle boot"]


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Net(nn.Module):
    """conv-bn-relu x2 with pooling, a residual block, global pooling, fc."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32),
                                  nn.ReLU(), nn.MaxPool2d(2))
        self.conv2 = nn.Sequential(nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64),
                                   nn.ReLU(), nn.MaxPool2d(2))
        self.res = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64),
                                 nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1),
                                 nn.BatchNorm2d(64))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(64, 10))

    def forward(self, x):
        x = self.conv2(self.stem(x))
        x = torch.relu(x + self.res(x))
        return self.head(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--out", default="examples/fashion-mnist")
    ap.add_argument("--calibration-only", action="store_true")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    train_x = torch.from_numpy(idx(f"{DATA}/train-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    os.makedirs(os.path.join(args.out, "calibration"), exist_ok=True)
    np.save(os.path.join(args.out, "calibration", "image.npy"), train_x[:512].numpy())
    if args.calibration_only:
        return
    train_y = torch.from_numpy(idx(f"{DATA}/train-labels-idx1-ubyte.gz").astype(np.int64))
    test_x = torch.from_numpy(idx(f"{DATA}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    test_y = torch.from_numpy(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(train_x))
        for i in range(0, len(train_x), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(train_x[b]), train_y[b])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = torch.cat([model(test_x[i:i + 1000]).argmax(1)
                              for i in range(0, len(test_x), 1000)])
        acc = (pred == test_y).float().mean().item()
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, test accuracy {acc:.4f}", flush=True)
    os.makedirs(args.out, exist_ok=True)
    torch.onnx.export(model, test_x[:1], os.path.join(args.out, "model.onnx"),
                      opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    np.save(os.path.join(args.out, "images.npy"), test_x[:512].numpy())
    np.save(os.path.join(args.out, "labels.npy"), test_y[:512].numpy())
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(f"""# Fashion-MNIST example

Produced by `scripts/train_example.py` ({args.epochs} epochs, seed 0) from
Debian's `dataset-fashion-mnist`; `make run` compiles `model.onnx` and runs
it on `images.npy`.

- `model.onnx`: a small CNN (two conv-BN-ReLU-pool stages, a residual block,
  global pooling, a linear layer), input `image` [batch, 1, 28, 28] in [0, 1],
  output `logits` [batch, 10]; PyTorch test accuracy {acc:.4f} on the 10,000
  test images.
- `images.npy`, `labels.npy`: the first 512 test images and their labels
  ({', '.join(CLASSES)}).
- `calibration/image.npy`: the first 512 training images, the sample for
  int8 calibration (`infer-run --calibrate examples/fashion-mnist/calibration`).
""")


if __name__ == "__main__":
    main()
