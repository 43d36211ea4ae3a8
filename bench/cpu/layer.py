#!/usr/bin/env python3
"""One convolution (or Gemm) against onnxruntime on the CPU, with the tile
infer's heuristic picks or with tiles forced, in alternating rounds:

  .venv/bin/python3 bench/cpu/layer.py C M HxW [--k 1] [--stride 1] [--pad 0]
      [--relu] [--tile 'conv_cm, mr = 6, nv = 2, vl = 8' ...] [--rounds 7]
  .venv/bin/python3 bench/cpu/layer.py --gemm K N [--rows 1] ...

The layer is written with the ONNX helper (random weights), compiled by
infer-compile (each --tile: imported with infer-translate, the tile set on
the contraction as `infer.tile`, compiled from the .mlir), checked against
onnxruntime (relative L2 <= 1e-4), then each engine is timed in a process of
its own per round (infer-run --duration, onnxruntime in a loop), the
medians of each round compared; `--cold` evicts the caches before every
run of both (weights and activations from memory, as in a model).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ORT_TIMER = r"""
import sys, time, numpy as np, onnxruntime as ort
model, threads, seconds, cold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1"
so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
s = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
i = s.get_inputs()[0]
x = {i.name: np.load(sys.argv[5])}
junk = np.ones(64 << 20 >> 2, np.float32)
for _ in range(5): s.run(None, x)
ts = []; end = time.perf_counter() + seconds
while time.perf_counter() < end or len(ts) < 10:
    if cold: junk += 1.0
    t = time.perf_counter(); s.run(None, x); ts.append((time.perf_counter() - t) * 1e3)
print(float(np.median(ts)))
"""


def conv_model(c, m, hw, k, stride, pad, relu, rng, group=1, silu=False):
    w = (rng.standard_normal((m, c // group, k, k))
         * (2.0 / (c // group * k * k)) ** 0.5).astype(np.float32)
    b = (rng.standard_normal(m) * 0.1).astype(np.float32)
    nodes = [h.make_node("Conv", ["x", "w", "b"], ["c" if relu or silu else "y"], name="conv",
                         kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4,
                         group=group)]
    if relu:
        nodes.append(h.make_node("Relu", ["c"], ["y"], name="relu"))
    elif silu:
        nodes.append(h.make_node("Sigmoid", ["c"], ["s"], name="sigmoid"))
        nodes.append(h.make_node("Mul", ["c", "s"], ["y"], name="mul"))
    g = h.make_graph(nodes, "layer", [h.make_tensor_value_info("x", T.FLOAT, [1, c, hw[0], hw[1]])],
                     [h.make_tensor_value_info("y", T.FLOAT, None)],
                     initializer=[nh.from_array(w, "w"), nh.from_array(b, "b")])
    return g, (1, c, hw[0], hw[1])


def gemm_model(k, n, rows, rng):
    w = (rng.standard_normal((n, k)) * (1.0 / k) ** 0.5).astype(np.float32)
    b = (rng.standard_normal(n) * 0.1).astype(np.float32)
    g = h.make_graph([h.make_node("Gemm", ["x", "w", "b"], ["y"], name="gemm", transB=1)],
                     "layer", [h.make_tensor_value_info("x", T.FLOAT, [rows, k])],
                     [h.make_tensor_value_info("y", T.FLOAT, None)],
                     initializer=[nh.from_array(w, "w"), nh.from_array(b, "b")])
    return g, (rows, k)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shape", nargs="*", help="C M HxW (convolution)")
    ap.add_argument("--gemm", nargs=2, type=int, metavar=("K", "N"))
    ap.add_argument("--rows", type=int, default=1)
    ap.add_argument("--k", type=int, default=1)
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--pad", type=int, default=0)
    act = ap.add_mutually_exclusive_group()
    act.add_argument("--relu", action="store_true")
    act.add_argument("--silu", action="store_true", help="x * sigmoid(x) after the layer")
    ap.add_argument("--group", type=int, default=1, help="Conv group (C = M = group: depthwise)")
    ap.add_argument("--tile", action="append", default=[],
                    help="a tile to force, as in #infer.cpu_tile<...>")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--duration", type=float, default=0.4)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    if args.gemm:
        g, xshape = gemm_model(args.gemm[0], args.gemm[1], args.rows, rng)
        label = f"Gemm {args.rows}x{args.gemm[0]} -> {args.gemm[1]}"
    else:
        c, m, hw = int(args.shape[0]), int(args.shape[1]), args.shape[2].split("x")
        hw = (int(hw[0]), int(hw[-1]))
        g, xshape = conv_model(c, m, hw, args.k, args.stride, args.pad, args.relu, rng,
                               args.group, args.silu)
        label = (f"Conv {c} -> {m} at {hw[0]}x{hw[1]}, {args.k}x{args.k} stride {args.stride}"
                 f" pad {args.pad}{f' group {args.group}' if args.group > 1 else ''}"
                 f"{' + Relu' if args.relu else ''}{' + SiLU' if args.silu else ''}")
    model = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    model.ir_version = 8
    bindir = os.path.join(args.build, "bin")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "layer.onnx")
        onnx.save(model, path)
        x = rng.standard_normal(xshape).astype(np.float32)
        np.save(os.path.join(tmp, "x.npy"), x)
        import onnxruntime as ort
        ref = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
        engines = []
        arts = [("heuristic", None)] + [(t, t) for t in args.tile]
        for name, tile in arts:
            art = os.path.join(tmp, f"e{len(engines)}.infer")
            src = path
            if tile:
                mlir = subprocess.run([f"{bindir}/infer-translate", "--import-onnx", path],
                                      check=True, capture_output=True, text=True).stdout
                op = "infer.gemm" if args.gemm else "infer.conv"
                mlir, n = re.subn(r"(= " + re.escape(op) + r"[^\n]*?)( :)",
                                  r"\1 {infer.tile = #infer.cpu_tile<" + tile + r">}\2",
                                  mlir, count=1)
                if n == 0:
                    sys.exit(f"could not place the tile on {op}")
                src = os.path.join(tmp, f"e{len(engines)}.mlir")
                with open(src, "w") as f:
                    f.write(mlir)
            report = os.path.join(tmp, "report.json")
            r = subprocess.run([f"{bindir}/infer-compile", src, "--target=cpu", "-o", art,
                                f"--report={report}"], capture_output=True, text=True)
            if r.returncode:
                sys.exit(f"{name}: {r.stderr.strip()}")
            with open(report) as f:
                kernels = [k.get("kind", "") for k in json.load(f).get("kernels", [])]
            out = os.path.join(tmp, "y.npy")
            subprocess.run([f"{bindir}/infer-run", art, "--input", f"x={tmp}/x.npy",
                            "--output-dir", tmp, "--iterations", "1"], check=True,
                           capture_output=True)
            y = np.load(out).reshape(ref.shape)
            err = float(np.linalg.norm(y - ref) / np.linalg.norm(ref))
            if err > 1e-4:
                sys.exit(f"{name}: rel L2 {err:.2e} against onnxruntime")
            engines.append((name, art, kernels))
        times = {name: [] for name, _, _ in engines}
        times["onnxruntime"] = []
        for _ in range(args.rounds):
            for name, art, _ in engines:
                j = os.path.join(tmp, "r.json")
                cmd = [f"{bindir}/infer-run", art, "--bench", "--threads", str(args.threads),
                       "--duration", str(args.duration), "--json", j]
                if args.cold:
                    cmd.append("--cold")
                subprocess.run(cmd, check=True, capture_output=True)
                with open(j) as f:
                    times[name].append(json.load(f)["latency_ms"]["median"])
            o = subprocess.run([py, "-c", ORT_TIMER, path, str(args.threads),
                                str(args.duration), "1" if args.cold else "0",
                                os.path.join(tmp, "x.npy")],
                               check=True, capture_output=True, text=True)
            times["onnxruntime"].append(float(o.stdout))
    ort_t = np.array(times["onnxruntime"])
    print(f"{label}, {args.threads} threads, {args.rounds} rounds"
          f"{', cold' if args.cold else ''}")
    print(f"  {'onnxruntime':<44} median {np.median(ort_t):8.4f} ms  min {ort_t.min():8.4f}")
    for name, _, kernels in engines:
        t = np.array(times[name])
        paired = np.median(t / ort_t)
        print(f"  {name[:44]:<44} median {np.median(t):8.4f} ms  min {t.min():8.4f}  "
              f"paired/ORT {paired:5.2f}  {' '.join(kernels)[:60]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
