#!/usr/bin/env python3
"""Compile time and peak memory of a long elementwise chain.

Writes an ONNX model of N elementwise nodes in a chain (Sin, Relu, Neg,
Cos, Abs, Tanh, repeated: nothing folds or cancels) and times
`infer-compile` on it under /usr/bin/time, printing wall seconds, peak
resident MiB and the kernel count. The fusion pass caps a group at
`max-group-ops` ops (64), so the chain becomes N/64 kernels instead of one
kernel that LLVM needs minutes and gigabytes for.

  bench/compile/chain.py [--nodes 20000] [--compiler build/bin/infer-compile]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import onnx
from onnx import TensorProto, helper

OPS = ["Sin", "Relu", "Neg", "Cos", "Abs", "Tanh"]


def chain(n, width):
    nodes, prev = [], "x"
    for i in range(n):
        out = "y" if i == n - 1 else f"t{i}"
        nodes.append(helper.make_node(OPS[i % len(OPS)], [prev], [out], name=f"n{i}"))
        prev = out
    graph = helper.make_graph(
        nodes, "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, width])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=20000)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--compiler", default="build/bin/infer-compile")
    ap.add_argument("--json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "chain.onnx")
        onnx.save(chain(args.nodes, args.width), model)
        report = os.path.join(tmp, "report.json")
        start = time.time()
        p = subprocess.run(["/usr/bin/time", "-v", args.compiler, model, "-o",
                            os.path.join(tmp, "chain.infer"), f"--report={report}"],
                           capture_output=True, text=True)
        seconds = time.time() - start
        if p.returncode != 0:
            sys.exit(f"chain.py: infer-compile failed:\n{p.stderr}")
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
        kernels = json.load(open(report))["kernel_count"]
    result = {"nodes": args.nodes, "seconds": round(seconds, 2),
              "peak_rss_mib": round(rss / 1024, 1), "kernels": kernels}
    print(f"{args.nodes} nodes: {seconds:.2f} s, peak {rss / 1024:.1f} MiB, "
          f"{kernels} kernels")
    if args.json:
        json.dump(result, open(args.json, "w"), indent=2)


if __name__ == "__main__":
    main()
