#!/usr/bin/env python3
"""Exports the dynamic-shape test models with PyTorch, writes PyTorch's
outputs at several shapes, and checks and times an infer artifact compiled
from one (with --profile) against them.

  export_dynamic.py export OUT_DIR [--models resnet50,encoder]
  export_dynamic.py refs MODEL OUT_DIR --shapes 1,3,8,17,32 [--seq 16,100,128,333,512]
  export_dynamic.py check MODEL REFS_DIR ARTIFACT [--static ARTIFACT]
                    [--tolerance 1e-4] [--device cpu|cuda] [--iterations 20]

resnet50: torchvision ResNet-50 (random weights, randomized batch-norm
statistics), input 'input' of shape batch x 3 x 224 x 224, the batch
dynamic ('batch').

encoder: a 4-layer BERT-style encoder (d_model 256, 8 heads, GELU) whose
inputs are 'input' (batch x seq x 256) and 'attention_mask' (batch x seq,
int64, 1 for a real token and 0 for padding, as Hugging Face's models take
it), both dimensions dynamic ('batch', 'seq').

`refs` writes MODEL_refs/ in OUT_DIR: shapes.json and PyTorch's fp32
output at each shape (batch sizes from --shapes; for the encoder, sequence
lengths from --seq, paired in order, the last third of every sequence but
the first masked out). Inputs are NumPy's seeded normals, made again by
`check`, so only the outputs travel (to the GPU machine, which needs
neither torchvision nor ONNX).

`check` loads ARTIFACT through infer's Python API (PYTHONPATH must reach
the built module), runs it at each shape (NumPy arrays, or with --device
cuda PyTorch CUDA tensors in and out) and compares with PyTorch: the
largest absolute difference relative to the largest magnitude of PyTorch's
output, at most --tolerance (positions PyTorch computes for padding
tokens, which a model's user discards, are not compared). With --static
(the same model compiled without profiles at the first profile's opt
shape), both artifacts are timed at that shape, alternating, and the
medians compared. Exits 1 on any mismatch.
"""
import argparse
import json
import os
import statistics
import sys

import numpy as np


def build(name):
    import torch
    import torchvision

    from export_models import Encoder

    class MaskedEncoder(Encoder):
        """export_models' encoder, given an attention mask (1 = attend)."""

        def forward(self, x, attention_mask):
            return self.encoder(x, src_key_padding_mask=attention_mask == 0)

    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    if name == "resnet50":
        model = torchvision.models.resnet50().eval()
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
                    m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) + 0.5)
        return model
    if name == "encoder":
        return MaskedEncoder().eval()
    raise SystemExit(f"unknown model '{name}' (resnet50, encoder)")


def inputs(name, batch, seq, seed):
    """NumPy's seeded normals (the same on any machine with NumPy 1.17+)."""
    rng = np.random.default_rng(seed)
    if name == "resnet50":
        return {"input": rng.standard_normal((batch, 3, 224, 224)).astype(np.float32)}
    x = rng.standard_normal((batch, seq, 256)).astype(np.float32)
    mask = np.ones((batch, seq), np.int64)
    # Every sequence but the first ends in padding.
    for b in range(1, batch):
        mask[b, seq - max(1, seq // 3):] = 0
    return {"input": x, "attention_mask": mask}


def export(out, names):
    import torch
    os.makedirs(out, exist_ok=True)
    for name in names:
        path = os.path.join(out, f"{name}_dynamic.onnx")
        if os.path.exists(path):
            continue
        model = build(name)
        feeds = inputs(name, 2, 32, 0)
        axes = {"input": {0: "batch"}, "output": {0: "batch"}}
        if name == "encoder":
            axes = {"input": {0: "batch", 1: "seq"},
                    "attention_mask": {0: "batch", 1: "seq"},
                    "output": {0: "batch", 1: "seq"}}
        # Exported with gradients enabled: PyTorch's inference fast path for
        # transformer layers (fused kernels ONNX cannot express) stays off.
        torch.onnx.export(model, tuple(torch.from_numpy(v) for v in feeds.values()), path,
                          opset_version=17,
                          input_names=list(feeds), output_names=["output"],
                          dynamic_axes=axes, do_constant_folding=True)
        print(f"wrote {path}")


def refs(name, out, batches, seqs):
    import torch
    model = build(name)
    d = os.path.join(out, f"{name}_refs")
    os.makedirs(d, exist_ok=True)
    shapes = []
    for i, batch in enumerate(batches):
        seq = seqs[i] if seqs else 0
        feeds = inputs(name, batch, seq, 100 + i)
        with torch.no_grad():
            y = model(*(torch.from_numpy(v) for v in feeds.values())).numpy()
        np.save(os.path.join(d, f"{i}.npy"), y)
        shapes.append({"batch": batch, "seq": seq, "seed": 100 + i})
    with open(os.path.join(d, "shapes.json"), "w") as f:
        json.dump(shapes, f)
    print(f"wrote {len(shapes)} references into {d}")


def check(name, refs_dir, artifact, static, tolerance, device, iterations):
    import infer
    torch = None
    if device == "cuda":
        import torch
    engine = infer.load(artifact)
    with open(os.path.join(refs_dir, "shapes.json")) as f:
        shapes = json.load(f)
    worst, failed = 0.0, False

    def feed(feeds):
        if torch is None:
            return feeds
        return {k: torch.from_numpy(v).cuda() for k, v in feeds.items()}

    for i, sh in enumerate(shapes):
        batch, seq = sh["batch"], sh["seq"]
        feeds = inputs(name, batch, seq, sh["seed"])
        expected = np.load(os.path.join(refs_dir, f"{i}.npy"))
        got = engine.run(feed(feeds))["output"]
        if torch is not None:
            assert got.is_cuda, "a CUDA input gave a host output"
            got = got.float().cpu().numpy()
        label = f"{name} batch {batch}" + (f" seq {seq}" if seq else "")
        if got.shape != expected.shape:
            print(f"{label}: shape {got.shape}, PyTorch {expected.shape}: FAIL")
            failed = True
            continue
        shape = "x".join(map(str, got.shape))
        if name == "encoder":
            # Padding positions: PyTorch's values there are not an output.
            keep = feeds["attention_mask"].astype(bool)
            expected, got = expected[keep], got[keep]
        err = float(np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-30))
        worst = max(worst, err)
        ok = err <= tolerance and bool(np.all(np.isfinite(got)))
        failed |= not ok
        print(f"{label}: output {shape}, max |difference| / max |PyTorch| {err:.2e}: "
              f"{'PASS' if ok else 'FAIL'}")
    print(f"{name}: {len(shapes)} shapes on {engine.device}, worst {worst:.2e} "
          f"(tolerance {tolerance:g})")
    if static:
        fixed = infer.load(static)
        opt = {t["name"]: t["shape"] for t in fixed.inputs}
        sh = list(opt.values())[0]
        feeds = feed(inputs(name, sh[0], sh[1] if name == "encoder" else 0, 1))
        rounds = {"dynamic": [], "static": []}
        for _ in range(5):  # alternating, so that drift hits both
            rounds["dynamic"].append(engine.bench(feeds, iterations=iterations, warmup=3)["median_ms"])
            rounds["static"].append(fixed.bench(feeds, iterations=iterations, warmup=3)["median_ms"])
        dyn = statistics.median(rounds["dynamic"])
        sta = statistics.median(rounds["static"])
        shape = "x".join(map(str, list(opt.values())[0]))
        print(f"{name} at the opt shape {shape} on {engine.device}: dynamic {dyn:.3f} ms, "
              f"static {sta:.3f} ms, ratio {dyn / sta:.3f} (medians of 5 rounds of "
              f"{iterations} runs)")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export")
    e.add_argument("out")
    e.add_argument("--models", default="resnet50,encoder")
    r = sub.add_parser("refs")
    r.add_argument("model")
    r.add_argument("out")
    r.add_argument("--shapes", required=True)
    r.add_argument("--seq", default="")
    c = sub.add_parser("check")
    c.add_argument("model")
    c.add_argument("refs")
    c.add_argument("artifact")
    c.add_argument("--static", default="")
    c.add_argument("--tolerance", type=float, default=1e-4)
    c.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    c.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()
    if args.command == "export":
        export(args.out, args.models.split(","))
        return 0
    if args.command == "refs":
        batches = [int(v) for v in args.shapes.split(",")]
        seqs = [int(v) for v in args.seq.split(",")] if args.seq else []
        if args.model == "encoder" and len(seqs) != len(batches):
            raise SystemExit("--seq needs one sequence length per --shapes entry")
        refs(args.model, args.out, batches, seqs)
        return 0
    return check(args.model, args.refs, args.artifact, args.static, args.tolerance,
                 args.device, args.iterations)


if __name__ == "__main__":
    sys.exit(main())
