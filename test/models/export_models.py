#!/usr/bin/env python3
"""Exports the test models with PyTorch and saves a seeded input and PyTorch's
output for each, so that backends can be compared with PyTorch.

  export_models.py OUT_DIR [--models a,b] [--batch N]

For each model NAME it writes OUT_DIR/NAME.onnx, OUT_DIR/NAME/input.npy and
OUT_DIR/NAME/expected/output.npy. Models are exported once and reused.
Weights are torchvision's random initialization (no downloads); batch-norm
statistics are randomized so that folding them is exercised.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torchvision


class Encoder(torch.nn.Module):
    """A BERT-style encoder: 4 layers, d_model 256, 8 heads, GELU."""

    def __init__(self):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(
            d_model=256, nhead=8, dim_feedforward=1024, dropout=0.1,
            activation="gelu", batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, num_layers=4)

    def forward(self, x):
        return self.encoder(x)


def vision(name):
    return lambda: getattr(torchvision.models, name)()


# name -> (constructor, input shape without batch, opset)
MODELS = {
    "resnet50": (vision("resnet50"), (3, 224, 224), 13),
    "mobilenet_v2": (vision("mobilenet_v2"), (3, 224, 224), 13),
    "squeezenet1_1": (vision("squeezenet1_1"), (3, 224, 224), 13),
    "shufflenet_v2_x1_0": (vision("shufflenet_v2_x1_0"), (3, 224, 224), 15),
    "efficientnet_b0": (vision("efficientnet_b0"), (3, 224, 224), 15),
    "densenet121": (vision("densenet121"), (3, 224, 224), 17),
    "convnext_tiny": (vision("convnext_tiny"), (3, 224, 224), 17),
    "regnet_y_400mf": (vision("regnet_y_400mf"), (3, 224, 224), 17),
    "encoder": (Encoder, (128, 256), 17),
}


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) + 0.5)


def export(name, out, batch):
    ctor, shape, opset = MODELS[name]
    suffix = "" if batch == 1 else f"_b{batch}"
    onnx_path = os.path.join(out, f"{name}{suffix}.onnx")
    data_dir = os.path.join(out, f"{name}{suffix}")
    expected = os.path.join(data_dir, "expected", "output.npy")
    if os.path.exists(onnx_path) and os.path.exists(expected):
        return
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model = ctor().eval()
    with torch.no_grad():
        randomize_batchnorm(model, gen)
        x = torch.randn((batch,) + shape, generator=gen)
        y = model(x)
    # Exported with gradients enabled: PyTorch's inference fast path for
    # transformer layers (fused kernels ONNX cannot express) stays off.
    torch.onnx.export(model, x, onnx_path, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      do_constant_folding=True)
    os.makedirs(os.path.join(data_dir, "expected"), exist_ok=True)
    np.save(os.path.join(data_dir, "input.npy"), x.numpy())
    np.save(expected, y.numpy())
    print(f"exported {name}{suffix}: opset {opset}, input {tuple(x.shape)}, "
          f"output {tuple(y.shape)}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--batch", type=int, default=1)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(os.cpu_count() or 1)
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"unknown model '{name}'; known: {', '.join(MODELS)}")
        export(name, args.out, args.batch)


if __name__ == "__main__":
    main()
