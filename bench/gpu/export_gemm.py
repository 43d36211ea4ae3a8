#!/usr/bin/env python3
"""Writes the GEMM benchmark models: Y = A @ B with A and B graph inputs.

  export_gemm.py OUT_DIR

gemm_4096.onnx (4096^3), gemm_8192.onnx (8192^3) and gemm_16384x4096x4096.onnx, fp32 (the compiler
has no fp16 mode yet; bench/gpu/bench.py times cuBLAS in fp32 and fp16).
"""
import os
import sys

import onnx
from onnx import TensorProto, helper

SHAPES = {"gemm_4096": (4096, 4096, 4096), "gemm_8192": (8192, 8192, 8192),
          "gemm_16384x4096x4096": (16384, 4096, 4096)}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (m, n, k) in SHAPES.items():
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["A", "B"], ["Y"], name="matmul")], name,
            [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k]),
             helper.make_tensor_value_info("B", TensorProto.FLOAT, [k, n])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        onnx.save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
