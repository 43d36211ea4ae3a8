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
  resnet50_channels  --channel-ratio of the output channels of every
                     convolution, lowest L1 norm first, are masked: the
                     conv's output channel and the following BatchNorm's
                     gamma and beta are zeroed, so the channel is exactly 0
                     after BN and ReLU. The convolutions adding into one
                     residual stream (a stage's conv3s and its downsample)
                     lose the same channels (their L1 norms summed), so the
                     sums are zero there too; the fc layer reads fewer.
                     With --inner-only (resnet50_channels_inner): conv1 and
                     conv2 of every Bottleneck only.
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


def lowest_l1(convs, ratio):
    """The ratio of output channels with the lowest L1 norm summed over
    `convs` (convolutions writing one tensor)."""
    l1 = sum(c.weight.abs().sum(dim=(1, 2, 3)) for c in convs)
    return l1.argsort()[:int(round(ratio * len(l1)))]


def mask(pairs, idx):
    """Zeroes output channels idx of each (conv, batch norm)."""
    for conv, bn in pairs:
        conv.weight[idx] = 0
        bn.weight[idx] = 0
        bn.bias[idx] = 0


def prune_channels(model, ratio, inner_only):
    """Masks the ratio of output channels with the lowest L1 norm. Inner
    channels: conv1 and conv2 of every Bottleneck. Unless inner_only, also
    the stem and each stage's residual stream: the convolutions that add
    into one stream (every block's conv3 and the first block's downsample)
    lose the same channels, as structured pruning of residual groups does
    (torch-pruning's dependency groups), so the sums stay zero there."""
    flops = conv_flops(model)
    gone = {}                                    # module -> removed outputs
    readers = {}                                 # module -> read tensor's writer
    stream = None
    if not inner_only:
        stream = model.conv1
        idx = lowest_l1([model.conv1], ratio)
        mask([(model.conv1, model.bn1)], idx)
        gone[model.conv1] = len(idx)
    for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
        blocks = list(layer)
        writers = [(b.conv3, b.bn3) for b in blocks]
        ds = blocks[0].downsample
        if ds is not None:
            writers.append((ds[0], ds[1]))
            readers[ds[0]] = stream
        if not inner_only:
            idx = lowest_l1([c for c, _ in writers], ratio)
            mask(writers, idx)
            for c, _ in writers:
                gone[c] = len(idx)
        for b in blocks:
            readers[b.conv1] = stream
            for conv, bn, nxt in ((b.conv1, b.bn1, b.conv2),
                                  (b.conv2, b.bn2, b.conv3)):
                idx = lowest_l1([conv], ratio)
                mask([(conv, bn)], idx)
                gone[conv] = len(idx)
                readers[nxt] = conv
            stream = b.conv3
    dense = sum(f * m * c for f, m, c in flops.values())
    reduced = 0
    for conv, (f, m, c) in flops.items():
        reduced += f * (m - gone.get(conv, 0)) * (c - gone.get(readers.get(conv), 0))
    fc_in = model.fc.in_features
    fc_kept = fc_in - gone.get(stream, 0)
    dense += 2 * fc_in * model.fc.out_features
    reduced += 2 * fc_kept * model.fc.out_features
    masked = sum(gone.values())
    scope = "conv1/conv2 of 16 bottlenecks" if inner_only else \
        "every convolution (residual streams pruned together)"
    print(f"  channels: {masked} output channels masked in {scope} "
          f"(ratio {ratio}); conv+fc GFLOPs (batch 1) "
          f"{dense / 1e9:.3f} dense, {reduced / 1e9:.3f} reduced: "
          f"{1 - reduced / dense:.1%} of the FLOPs belong to removed channels")


def pruned_resnet50(kind, ratio, inner_only):
    def ctor():
        model = torchvision.models.resnet50()
        with torch.no_grad():
            if kind == "2:4":
                prune_24(model)
            else:
                prune_channels(model.eval(), ratio, inner_only)
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
    ap.add_argument("--inner-only", action="store_true",
                    help="mask only conv1/conv2 of each bottleneck "
                         "(resnet50_channels_inner)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(os.cpu_count() or 1)
    names = {"2:4": "resnet50_sparse24",
             "channels": "resnet50_channels_inner" if args.inner_only
             else "resnet50_channels"}
    _, shape, opset = export_models.MODELS["resnet50"]
    for kind in args.sparsity.split(","):
        if kind not in names:
            sys.exit(f"unknown sparsity '{kind}'; known: {', '.join(names)}")
        name = names[kind]
        # export() seeds torch, calls the constructor, randomizes batch-norm
        # statistics (pruning leaves them alone) and draws the input: the
        # dense network and the input are export_models.py's resnet50.
        export_models.MODELS[name] = (
            pruned_resnet50(kind, args.channel_ratio, args.inner_only),
            shape, opset)
        print(f"{name}:", flush=True)
        export_models.export(name, args.out, args.batch)
        suffix = "" if args.batch == 1 else f"_b{args.batch}"
        check(os.path.join(args.out, f"{name}{suffix}.onnx"))


if __name__ == "__main__":
    main()
