#!/usr/bin/env python3
"""Times single layers that used to fall off infer's fast paths (issue 18)
against onnxruntime on the CPU, in one run:

  .venv/bin/python3 bench/cpu/bench_layers.py [--build build] [--threads 2]
                                              [--rounds 5] [--iterations 20]

The layers: a ConvTranspose upsampling (a text detector's head), a 1-D
convolution over 4000 samples, a convolution whose bias is added after a
reshape, and a bidirectional LSTM. Each is written with the ONNX helper,
compiled by infer-compile, checked against onnxruntime on the same input
(relative L2 <= 1e-4), then timed in interleaved rounds, each engine in a
process of its own with the same thread count; the figure is the median.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rng = np.random.default_rng(0)


def rand(*shape, scale=0.1):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def model(name, nodes, x_shape, inits, opset=17):
    g = h.make_graph(nodes, name, [h.make_tensor_value_info("x", T.FLOAT, x_shape)],
                     [h.make_tensor_value_info("y", T.FLOAT, None)],
                     initializer=[nh.from_array(v, k) for k, v in inits.items()])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def layers():
    yield "conv_transpose", model("ct", [h.make_node("ConvTranspose", ["x", "w", "b"], ["y"],
                                                     kernel_shape=[2, 2], strides=[2, 2])],
                                  [1, 64, 80, 80], {"w": rand(64, 32, 2, 2), "b": rand(32)})
    yield "conv1d", model("c1", [h.make_node("Conv", ["x", "w", "b"], ["y"], pads=[2, 2])],
                          [1, 64, 4000], {"w": rand(128, 64, 5), "b": rand(128)})
    yield "conv_reshape_bias", model(
        "crb", [h.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
                h.make_node("Reshape", ["c", "s"], ["r"]),
                h.make_node("Add", ["r", "b"], ["y"])],
        [1, 64, 56, 56], {"w": rand(128, 64, 3, 3), "s": np.array([1, 128, 3136], np.int64),
                          "b": rand(128, 1)})
    yield "bilstm", model(
        "lstm", [h.make_node("LSTM", ["x", "w", "r", "b"], ["y"], hidden_size=256,
                             direction="bidirectional")],
        [50, 1, 128], {"w": rand(2, 1024, 128), "r": rand(2, 1024, 256), "b": rand(2, 2048)}, 14)


def worker(args):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    s = ort.InferenceSession(args.worker, so, providers=["CPUExecutionProvider"])
    x = np.load(args.input)
    run = lambda: s.run(None, {"x": x})[0]
    if args.output:
        np.save(args.output, run())
        return
    for _ in range(args.warmup):
        run()
    samples = []
    for _ in range(args.iterations):
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1e3)
    print(json.dumps(samples))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    tmp = tempfile.mkdtemp()
    run_bin = os.path.join(args.build, "bin", "infer-run")
    print(f"| layer | infer ms | onnxruntime ms | infer / onnxruntime | rel L2 |")
    print("| --- | --- | --- | --- | --- |")
    for name, m in layers():
        path = os.path.join(tmp, name + ".onnx")
        onnx.save(m, path)
        x = rand(*[d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim], scale=1.0)
        xin = os.path.join(tmp, name + ".x.npy")
        np.save(xin, x)
        art = os.path.join(tmp, name + ".infer")
        subprocess.run([os.path.join(args.build, "bin", "infer-compile"), path, "-o", art],
                       check=True)
        out = os.path.join(tmp, name + ".out")
        subprocess.run([run_bin, art, "--input", f"x={xin}", "--output-dir", out,
                        "--threads", str(args.threads)], check=True, capture_output=True)
        got = np.load(os.path.join(out, "y.npy"))
        ref_path = os.path.join(tmp, name + ".ort.npy")
        ort_cmd = [sys.executable, os.path.abspath(__file__), "--worker", path, "--input", xin,
                   "--threads", str(args.threads)]
        subprocess.run(ort_cmd + ["--output", ref_path], check=True)
        want = np.load(ref_path)
        rel = float(np.linalg.norm((got - want).ravel()) / np.linalg.norm(want.ravel()))
        if rel > 1e-4:
            sys.exit(f"{name}: infer differs from onnxruntime (relative L2 {rel:.2e})")
        samples = {"infer": [], "ort": []}
        for _ in range(args.rounds):
            with tempfile.NamedTemporaryFile(suffix=".json") as f:
                subprocess.run([run_bin, art, "--bench", "--warmup", str(args.warmup),
                                "--iterations", str(args.iterations), "--threads",
                                str(args.threads), "--json", f.name], check=True,
                               capture_output=True)
                samples["infer"] += json.load(open(f.name))["samples_ms"]
            p = subprocess.run(ort_cmd + ["--warmup", str(args.warmup), "--iterations",
                                          str(args.iterations)], check=True,
                               capture_output=True, text=True)
            samples["ort"] += json.loads(p.stdout.strip().splitlines()[-1])
        a, b = float(np.median(samples["infer"])), float(np.median(samples["ort"]))
        print(f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f} | {rel:.1e} |", flush=True)


if __name__ == "__main__":
    main()
