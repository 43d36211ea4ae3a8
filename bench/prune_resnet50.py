#!/usr/bin/env python3
"""Exports pruned variants of ResNet-50 with PyTorch and saves a seeded input
and PyTorch's output for each, as test/models/export_models.py does.

  prune_resnet50.py OUT_DIR [--batch N] [--sparsity 2:4,channels]
                    [--channel-ratio 0.4]

The dense network is export_models.py's resnet50 (same seed, same randomized
batch-norm statistics, same input), pruned before export:
  resnet50_sparse24  2:4 magnitude pruning of every Conv2d whose input
                     channels per group divide by 4 (all but the stem) and of
                     the fc layer: in each group of 4 consecutive input
                     channels at a fixed (m, kh, kw) (fc: 4 consecutive
                     inputs), the 2 smallest |w| are zeroed (NVIDIA ASP).
  resnet50_channels  in every Bottleneck, --channel-ratio of the output
                     channels of conv1 and conv2 with the lowest L1 norm are
                     masked: the conv's output channel and the following
                     BatchNorm's gamma and beta are zeroed, so the channel is
                     exactly 0 after BN and ReLU. conv3, downsample and the
                     stem are untouched.
For each NAME it writes OUT_DIR/NAME.onnx, OUT_DIR/NAME/input.npy and
OUT_DIR/NAME/expected/output.npy (NAME_bN for batch N != 1), then checks the
ONNX initializers. Models already exported are reused (their pruning summary
is not printed again; the ONNX check is).
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "test", "models"))
import export_models  # noqa: E402


def mask24(w):
    """2:4 mask of w [M, C, ...] along C: per group of 4 consecutive C at a
    fixed (m, kh, kw), keep the 2 largest |w|."""
    t = w.movedim(1, -1)                     # M x kh x kw x C
    g = t.reshape(-1, 4).abs()
    keep = torch.zeros_like(g, dtype=torch.bool)
    keep.scatter_(1, g.topk(2, dim=1).indices, True)
    return keep.reshape(t.shape).movedim(-1, 1)


def prune_24(model):
    pruned = layers = 0
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d) and (m.in_channels // m.groups) % 4:
            continue
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            keep = mask24(m.weight)
            m.weight.mul_(keep)
            pruned += int((~keep).sum())
            layers += 1
    total = sum(m.weight.numel() for m in model.modules()
                if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    print(f"  2:4: {pruned} weights zeroed in {layers} layers "
          f"({pruned / total:.1%} of conv+fc weights)")


def conv_flops(model):
    """2*Ho*Wo*M*C*kh*kw/groups per conv, batch 1, from the output shapes."""
    flops, hooks = {}, []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            def hook(m, _, y):
                kh, kw = m.kernel_size
                flops[m] = (2 * y.shape[2] * y.shape[3] * kh * kw / m.groups,
                            m.out_channels, m.in_channels)
            hooks.append(m.register_forward_hook(hook))
    model(torch.zeros(1, 3, 224, 224))
    for h in hooks:
        h.remove()
    return flops  # conv -> (flops per output x input channel, M, C)


def prune_channels(model, ratio):
    flops = conv_flops(model)
    removed = {}                                 # conv -> (outputs, inputs)
    masked = 0
    for b in model.modules():
        if not isinstance(b, torchvision.models.resnet.Bottleneck):
            continue
        k_prev = 0
        for conv, bn, nxt in ((b.conv1, b.bn1, b.conv2),
                              (b.conv2, b.bn2, b.conv3)):
            k = int(round(ratio * conv.out_channels))
            idx = conv.weight.abs().sum(dim=(1, 2, 3)).argsort()[:k]
            conv.weight[idx] = 0
            bn.weight[idx] = 0
            bn.bias[idx] = 0
            removed[conv] = (k, k_prev)
            removed[nxt] = (0, k)
            k_prev, masked = k, masked + k
    dense = sum(f * m * c for f, m, c in flops.values())
    reduced = 0
    for conv, (f, m, c) in flops.items():
        ko, ki = removed.get(conv, (0, 0))
        reduced += f * (m - ko) * (c - ki)
    print(f"  channels: {masked} output channels masked in conv1/conv2 of "
          f"16 bottlenecks (ratio {ratio}); conv GFLOPs (batch 1) "
          f"{dense / 1e9:.3f} dense, {reduced / 1e9:.3f} reduced: "
          f"{1 - reduced / dense:.1%} of conv FLOPs belong to removed channels")


def pruned_resnet50(kind, ratio):
    def ctor():
        model = torchvision.models.resnet50()
        with torch.no_grad():
            if kind == "2:4":
                prune_24(model)
            else:
                prune_channels(model.eval(), ratio)
        return model
    return ctor


def check(path):
    """Checks the ONNX initializers of Conv and Gemm nodes for 2:4 groups and
    all-zero output channels (with their bias or BatchNormalization)."""
    g = onnx.load(path).graph
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    ops = [n.op_type for n in g.node]
    s24 = n24 = zch = badb = 0
    bn_after = {m.input[0]: m for m in g.node
                if m.op_type == "BatchNormalization"}
    for n in g.node:
        if n.op_type not in ("Conv", "Gemm") or n.input[1] not in init:
            continue
        w = init[n.input[1]]
        if n.op_type == "Gemm":
            trans = any(a.name == "transB" and a.i for a in n.attribute)
            w = w if trans else w.T                  # -> out x in
        if w.shape[1] % 4 == 0:
            n24 += 1
            nz = (np.moveaxis(w, 1, -1).reshape(-1, 4) != 0).sum(axis=1)
            s24 += int((nz <= 2).all())
        zero = np.flatnonzero(~w.reshape(w.shape[0], -1).any(axis=1))
        zch += len(zero)
        if len(zero) and len(n.input) > 2:           # folded BN bias
            badb += int(init[n.input[2]][zero].any())
        m = bn_after.get(n.output[0])                # unfolded BN
        if len(zero) and m is not None:
            badb += int(init[m.input[1]][zero].any()
                        or init[m.input[2]][zero].any())
    folded = "BatchNormalization" not in ops
    nbias = sum(1 for n in g.node if n.op_type == "Conv" and len(n.input) > 2)
    print(f"  check {os.path.basename(path)}: {ops.count('Conv')} Conv, "
          f"{ops.count('BatchNormalization')} BatchNormalization "
          f"(BN {'folded into conv' if folded else 'not folded'}, "
          f"{nbias} Conv with bias); {s24}/{n24} weights with C%4==0 are 2:4; "
          f"{zch} all-zero output channels, "
          f"{badb} layers with a nonzero bias/BN on them", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--sparsity", default="2:4,channels")
    ap.add_argument("--channel-ratio", type=float, default=0.4)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(os.cpu_count() or 1)
    names = {"2:4": "resnet50_sparse24", "channels": "resnet50_channels"}
    _, shape, opset = export_models.MODELS["resnet50"]
    for kind in args.sparsity.split(","):
        if kind not in names:
            sys.exit(f"unknown sparsity '{kind}'; known: {', '.join(names)}")
        name = names[kind]
        # export() seeds torch, calls the constructor, randomizes batch-norm
        # statistics (pruning leaves them alone) and draws the input: the
        # dense network and the input are export_models.py's resnet50.
        export_models.MODELS[name] = (
            pruned_resnet50(kind, args.channel_ratio), shape, opset)
        print(f"{name}:", flush=True)
        export_models.export(name, args.out, args.batch)
        suffix = "" if args.batch == 1 else f"_b{args.batch}"
        check(os.path.join(args.out, f"{name}{suffix}.onnx"))


if __name__ == "__main__":
    main()
