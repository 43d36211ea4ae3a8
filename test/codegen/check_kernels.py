#!/usr/bin/env python3
"""Checks every CPU kernel template and fusion pattern against the reference.

  check_kernels.py BUILD_DIR OUT_DIR [--only SUBSTRING]

Builds small ONNX models, one per (template variant, epilogue) pair and per
fusion pattern, compiles each with infer-compile -O2, runs it with
infer-run --reference (seeded random inputs, compared elementwise), and
checks in the report that the expected template and pattern were chosen,
so a template that silently falls back to the generic path fails too.
Prints one line per case and exits 1 if any fails.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def rand(*shape, scale=0.3):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def model(nodes, inputs, outputs, inits, opset=13):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
        inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def conv_out(h, k, s, p, d=1):
    return (h + 2 * p - d * (k - 1) - 1) // s + 1


def conv_case(c, m, h, k, s, p, group=1, epilogue="none", bias=True):
    """Conv (+ epilogue) on [1, c, h, h]."""
    oh = conv_out(h, k, s, p)
    inits = [const("w", rand(m, c // group, k, k))]
    conv_in = ["x", "w"]
    if bias:
        inits.append(const("b", rand(m)))
        conv_in.append("b")
    nodes = [helper.make_node("Conv", conv_in, ["c"], strides=[s, s],
                              pads=[p] * 4, group=group)]
    inputs = [("x", [1, c, h, h])]
    last = "c"

    def add(node, out):
        nonlocal last
        nodes.append(node)
        last = out

    if epilogue == "relu":
        add(helper.make_node("Relu", [last], ["r"]), "r")
    elif epilogue == "clip":
        inits += [const("lo", 0.0), const("hi", 6.0)]
        add(helper.make_node("Clip", [last, "lo", "hi"], ["r"]), "r")
    elif epilogue == "silu":
        nodes.append(helper.make_node("Sigmoid", [last], ["sg"]))
        add(helper.make_node("Mul", [last, "sg"], ["r"]), "r")
    elif epilogue == "residual":
        inputs.append(("res", [1, m, oh, oh]))
        nodes.append(helper.make_node("Add", [last, "res"], ["a"]))
        add(helper.make_node("Relu", ["a"], ["r"]), "r")
    elif epilogue == "scale":
        inits.append(const("sc", rand(m, 1, 1)))
        nodes.append(helper.make_node("Mul", [last, "sc"], ["a"]))
        add(helper.make_node("LeakyRelu", ["a"], ["r"], alpha=0.1), "r")
    nodes[-1].output[0] = "y"
    return model(nodes, inputs, [("y", [1, m, oh, oh])], inits)


def matmul_case(epilogue):
    """MatMul [2, 16, 24] x [24, 40] + bias (+ epilogue)."""
    inits = [const("w", rand(24, 40)), const("b", rand(40))]
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["a"])]
    inputs = [("x", [2, 16, 24])]
    last = "a"
    if epilogue == "gelu":
        inits += [const("sq", 1.4142135), const("one", 1.0), const("half", 0.5)]
        nodes += [helper.make_node("Div", [last, "sq"], ["g0"]),
                  helper.make_node("Erf", ["g0"], ["g1"]),
                  helper.make_node("Add", ["g1", "one"], ["g2"]),
                  helper.make_node("Mul", [last, "g2"], ["g3"]),
                  helper.make_node("Mul", ["g3", "half"], ["g4"])]
        last = "g4"
    elif epilogue == "residual":
        inputs.append(("res", [2, 16, 40]))
        nodes.append(helper.make_node("Add", ["res", last], ["g4"]))
        last = "g4"
    nodes[-1].output[0] = "y"
    return model(nodes, inputs, [("y", [2, 16, 40])], inits)


def gemm_case():
    inits = [const("w", rand(40, 24)), const("b", rand(40))]
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["g"], transB=1, alpha=0.5),
             helper.make_node("Tanh", ["g"], ["y"])]
    return model(nodes, [("x", [5, 24])], [("y", [5, 40])], inits)


def attention_case(masked):
    """Multi-head attention as PyTorch exports it: fused QKV, head split,
    scaled scores, (mask), softmax, head merge."""
    L, H, D = 20, 4, 8
    E = H * D
    inits = [const("wqkv", rand(E, 3 * E)), const("scale", float(np.sqrt(D))),
             helper.make_tensor("shp", TensorProto.INT64, [3], [L, H, D]),
             helper.make_tensor("shp2", TensorProto.INT64, [2], [L, E])]
    nodes = [helper.make_node("MatMul", ["x", "wqkv"], ["qkv"]),
             helper.make_node("Split", ["qkv"], ["q", "k", "v"], axis=1)]
    for n in "qkv":
        nodes += [helper.make_node("Reshape", [n, "shp"], [n + "3"]),
                  helper.make_node("Transpose", [n + "3"], [n + "h"], perm=[1, 0, 2])]
    nodes += [helper.make_node("Transpose", ["kh"], ["kt"], perm=[0, 2, 1]),
              helper.make_node("Div", ["qh", "scale"], ["qs"]),
              helper.make_node("MatMul", ["qs", "kt"], ["s"])]
    inputs = [("x", [L, E])]
    scores = "s"
    if masked:
        inputs.append(("mask", [1, L, L]))
        nodes.append(helper.make_node("Add", ["s", "mask"], ["sm"]))
        scores = "sm"
    nodes += [helper.make_node("Softmax", [scores], ["p"], axis=-1),
              helper.make_node("MatMul", ["p", "vh"], ["o"]),
              helper.make_node("Transpose", ["o"], ["ot"], perm=[1, 0, 2]),
              helper.make_node("Reshape", ["ot", "shp2"], ["y"])]
    return model(nodes, inputs, [("y", [L, E])], inits)


def concat_case():
    inits = [const("w1", rand(4, 3, 1, 1)), const("w2", rand(5, 3, 3, 3))]
    nodes = [helper.make_node("Conv", ["x", "w1"], ["a"]),
             helper.make_node("Relu", ["a"], ["ar"]),
             helper.make_node("Conv", ["x", "w2"], ["b"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["b"], ["br"]),
             helper.make_node("Concat", ["ar", "br"], ["y"], axis=1)]
    return model(nodes, [("x", [1, 3, 12, 12])], [("y", [1, 9, 12, 12])], inits)


def layer_norm_case():
    inits = [const("g", rand(32) + 1), const("b", rand(32)), const("two", 2.0),
             const("eps", 1e-5)]
    nodes = [helper.make_node("ReduceMean", ["x"], ["m"], axes=[-1]),
             helper.make_node("Sub", ["x", "m"], ["d"]),
             helper.make_node("Pow", ["d", "two"], ["p"]),
             helper.make_node("ReduceMean", ["p"], ["v"], axes=[-1]),
             helper.make_node("Add", ["v", "eps"], ["ve"]),
             helper.make_node("Sqrt", ["ve"], ["s"]),
             helper.make_node("Div", ["d", "s"], ["n"]),
             helper.make_node("Mul", ["n", "g"], ["ng"]),
             helper.make_node("Add", ["ng", "b"], ["y"])]
    return model(nodes, [("x", [6, 32])], [("y", [6, 32])], inits)


# name -> (model, expected kind substring in the report, launch count)
def cases():
    out = {}
    conv_shapes = {
        # 256 positions: past AVX2's channel-major 1x1 limit (196).
        "pointwise": (8, 16, 16, 1, 1, 0, "conv_pointwise"),
        "flat": (8, 16, 14, 3, 1, 1, "conv_flat"),
        # Unpadded: the output narrower than the input keeps it off conv_flat
        # (which AVX2 machines take for any stride-1 "same" convolution).
        "direct": (4, 16, 40, 3, 1, 0, "conv_direct"),
        # 8 output channels: under two AVX2 vectors, which keeps strided
        # convolutions off AVX2's im2col rule.
        "direct_s2": (4, 8, 70, 3, 2, 1, "conv_direct"),
        "direct_1x1_s2": (8, 8, 70, 1, 2, 0, "conv_direct"),
        "direct_7x7_s2": (3, 8, 70, 7, 2, 3, "conv_direct"),
        "im2col_s3": (4, 16, 40, 3, 3, 1, "conv_im2col"),
        # K = 864: the reduction in blocks, partial sums in the output.
        "im2col_deep": (96, 24, 16, 3, 3, 1, "conv_im2col"),
        # 25 output positions: at most 4 vectors of them with AVX2 (8
        # floats) as with AVX-512 (16), so conv_cm on either machine.
        "cm_1x1": (24, 40, 5, 1, 1, 0, "conv_cm"),
        "cm_3x3_s2": (8, 48, 10, 3, 2, 1, "conv_cm"),
        # 3x3 stride 1 with 16+ channels: Winograd, F(4x4, 3x3) where the
        # image has two vectors of 4x4 tiles on either machine (36 tiles),
        # F(2x2, 3x3) where it has 4.
        "winograd4": (16, 24, 24, 3, 1, 1, "conv_winograd4"),
        "winograd2": (16, 20, 7, 3, 1, 1, "conv_winograd2"),
    }
    for name, (c, m, h, k, s, p, kind) in conv_shapes.items():
        for epi in ["none", "relu", "residual", "scale", "silu"]:
            pattern = {"none": "conv", "relu": "conv+relu",
                       "residual": "conv+add+relu", "scale": "conv+leaky_relu",
                       "silu": "conv+silu"}[epi]
            # im2col packs its panels in a first launch, conv_cm the rows of
            # a windowed, strided or padded input; Winograd transforms its
            # input, runs its GEMMs, then transforms its output.
            launches = 1
            if kind == "conv_im2col" or (kind == "conv_cm" and (k, s, p) != (1, 1, 0)):
                launches = 2
            if kind.startswith("conv_winograd"):
                launches = 3
            out[f"conv_{name}_{epi}"] = (conv_case(c, m, h, k, s, p, epilogue=epi),
                                         f"{pattern}/{kind}", launches)
    dw_patterns = {"none": "conv", "clip": "conv+clip", "silu": "conv+silu",
                   "residual": "conv+add+relu"}
    for s in (1, 2):
        for epi in ["none", "clip", "silu", "residual"]:
            out[f"dwconv_s{s}_{epi}"] = (
                conv_case(16, 16, 17, 3, s, 1, group=16, epilogue=epi),
                f"{dw_patterns[epi]}/dwconv", 1)
    # 5x5 windows, stride 2 on an odd size, and a row narrower than a vector
    # (EfficientNet's shapes); a plane taller than one scratch block.
    for name, (c, h, k, s, p, epi) in {
            "dwconv_5x5_s2_silu": (24, 15, 5, 2, 2, "silu"),
            "dwconv_5x5_7x7_residual": (8, 7, 5, 1, 2, "residual"),
            "dwconv_tall_silu": (4, 120, 3, 1, 1, "silu"),
            # flattened planes (7x7; 10x10 at 5x5 with a residual: 13
            # vectors, flat with 8 lanes too), and a 7-wide plane whose
            # output is smaller (no padding): row tiles
            "dwconv_flat_silu": (16, 7, 3, 1, 1, "silu"),
            "dwconv_flat_10x10_residual": (8, 10, 5, 1, 2, "residual"),
            "dwconv_rows_narrow_residual": (8, 9, 3, 1, 0, "residual")}.items():
        out[name] = (conv_case(c, c, h, k, s, p, group=c, epilogue=epi),
                     f"{dw_patterns[epi]}/dwconv", 1)
    out["conv_nobias_relu"] = (conv_case(8, 16, 14, 3, 1, 1, epilogue="relu",
                                         bias=False), "conv+relu/conv_flat", 1)
    out["matmul_bias"] = (matmul_case("none"), "matmul+add/gemm", 1)
    out["matmul_gelu"] = (matmul_case("gelu"), "matmul+add+gelu/gemm", 1)
    out["matmul_residual"] = (matmul_case("residual"), "matmul+add+add/gemm", 1)
    out["gemm_alpha_tanh"] = (gemm_case(), "gemm+tanh/gemm", 1)
    out["attention"] = (attention_case(False), "attention/attention", 2)
    out["attention_masked"] = (attention_case(True), "attention/attention", 2)
    out["concat_in_place"] = (concat_case(), "conv+relu/", 2)
    out["layer_norm"] = (layer_norm_case(), "layer_norm", 1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("out")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    compile_ = os.path.join(args.build, "bin", "infer-compile")
    run = os.path.join(args.build, "bin", "infer-run")
    failures = 0
    total = 0
    for name, (m, kind, count) in cases().items():
        if args.only not in name:
            continue
        total += 1
        path = os.path.join(args.out, name + ".onnx")
        onnx.save(m, path)
        artifact = os.path.join(args.out, name + ".infer")
        report = os.path.join(args.out, name + ".json")
        proc = subprocess.run([compile_, path, "-o", artifact, f"--report={report}"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"case {name}: FAIL: compile: {proc.stderr.strip()}")
            failures += 1
            continue
        with open(report) as f:
            rep = json.load(f)
        kinds = [k["kind"] for k in rep["kernels"]]
        problems = []
        if not any(kind in k for k in kinds):
            problems.append(f"expected a '{kind}' kernel, got {kinds}")
        if rep["kernel_count"] != count:
            problems.append(f"expected {count} kernels, got {rep['kernel_count']}")
        proc = subprocess.run([run, artifact, "--reference", "--seed", "3"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            lines = [l for l in (proc.stdout + proc.stderr).splitlines()
                     if "reference" in l or "error" in l]
            problems.append("mismatch: " + "; ".join(lines[-2:]))
        if problems:
            failures += 1
            print(f"case {name}: FAIL: " + " | ".join(problems))
        else:
            print(f"case {name}: PASS ({', '.join(kinds)})")
    print(f"kernels: passed={total - failures} failed={failures} total={total}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
