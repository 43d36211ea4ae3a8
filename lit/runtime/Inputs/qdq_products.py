"""Writes an ONNX model of QDQ convolutions and matrix products (symmetric
int8 activations, per-channel int8 weights) in the shapes the CPU int8
templates handle differently. conv_i8: 1x1 (flattened positions), 3x3
'same' (masked shifts), 3x3 without padding and dilated (one segment per
output row), stride 2 with odd widths, a 7x7 stride-2 stem of 3 channels
(taps of one channel per group of four), 1x1 stride 2, output channels and
positions that fill no whole tile, a residual add before the ReLU; batch 2.
A depthwise convolution (fp32 dwconv, the requantization its int8 store).
gemm_i8: a Gemm (transposed weight, bias) and a MatMul of K = 30 (a partial
group of four) on 50 rows and 40 columns, the MatMul adding an int8
residual, and a MatMul of the Gemm's ReLU (an input never negative: AVX2
reads it as unsigned bytes).

  qdq_products.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
nodes, inits = [], []


def const(name, value):
    inits.append(numpy_helper.from_array(np.asarray(value), name))
    return name


def qdq(x, scale, name):
    s = const(name + "_s", np.float32(scale))
    z = const(name + "_z", np.int8(0))
    nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [name + "_q"]))
    nodes.append(helper.make_node("DequantizeLinear", [name + "_q", s, z], [name + "_dq"]))
    return name + "_dq"


def conv(x, c, m, k, stride, pad, dil, name, relu=True, residual=None, group=1):
    w = rng.standard_normal((m, c // group, k, k)).astype(np.float32) / np.sqrt(c // group * k * k)
    ws = np.abs(w).reshape(m, -1).max(1) / 127
    wq = np.clip(np.round(w / ws[:, None, None, None]), -127, 127).astype(np.int8)
    const(name + "_wq", wq)
    const(name + "_ws", ws.astype(np.float32))
    const(name + "_wz", np.zeros(m, np.int8))
    nodes.append(helper.make_node("DequantizeLinear", [name + "_wq", name + "_ws", name + "_wz"],
                                  [name + "_w"], axis=0))
    b = const(name + "_b", (rng.standard_normal(m) * 0.1).astype(np.float32))
    y = name + "_y"
    nodes.append(helper.make_node("Conv", [x, name + "_w", b], [y], kernel_shape=[k, k],
                                  strides=[stride, stride], pads=[pad] * 4,
                                  dilations=[dil, dil], group=group))
    if residual is not None:
        nodes.append(helper.make_node("Add", [y, residual], [name + "_add"]))
        y = name + "_add"
    if relu:
        nodes.append(helper.make_node("Relu", [y], [name + "_r"]))
        y = name + "_r"
    return qdq(y, 0.02, name + "_out")


x = "x"
xq = qdq(x, 0.03, "in")
a = conv(xq, 8, 20, 1, 1, 0, 1, "pw")            # 1x1, M = 20
b = conv(a, 20, 24, 3, 1, 1, 1, "same")          # 3x3 same, C = 20
c = conv(b, 24, 16, 3, 2, 1, 1, "s2")            # 3x3 stride 2, 13 -> 7
d = conv(b, 24, 12, 3, 1, 0, 2, "dil")           # dilated, no padding
e = conv(b, 24, 16, 1, 2, 0, 1, "pw_s2", relu=False)
f = conv(c, 16, 16, 3, 1, 1, 1, "res", residual=e)
stem_in = qdq("s", 0.05, "stem_in")
g = conv(stem_in, 3, 10, 7, 2, 3, 1, "stem")     # 7x7 s2, C = 3
dw = conv(b, 24, 24, 3, 1, 1, 1, "dw", group=24)  # depthwise: fp32 dwconv, int8 store


def product(x, k, n, name, gemm, residual=None):
    w = rng.standard_normal((n, k) if gemm else (k, n)).astype(np.float32) / np.sqrt(k)
    axis = 0 if gemm else 1
    ws = np.abs(w).max(1 - axis) / 127
    shape = (n, 1) if gemm else (1, n)
    wq = np.clip(np.round(w / ws.reshape(shape)), -127, 127).astype(np.int8)
    const(name + "_wq", wq)
    const(name + "_ws", ws.astype(np.float32))
    const(name + "_wz", np.zeros(n, np.int8))
    nodes.append(helper.make_node("DequantizeLinear", [name + "_wq", name + "_ws", name + "_wz"],
                                  [name + "_w"], axis=axis))
    y = name + "_y"
    if gemm:
        b = const(name + "_b", (rng.standard_normal(n) * 0.1).astype(np.float32))
        nodes.append(helper.make_node("Gemm", [x, name + "_w", b], [y], transB=1))
    else:
        nodes.append(helper.make_node("MatMul", [x, name + "_w"], [y]))
    if residual is not None:
        nodes.append(helper.make_node("Add", [y, residual], [name + "_add"]))
        y = name + "_add"
    nodes.append(helper.make_node("Relu", [y], [name + "_r"]))
    return qdq(name + "_r", 0.02, name + "_out")


rows = qdq("m", 0.03, "m_in")
gm = product(rows, 30, 40, "gemm", True)
mm = product(rows, 30, 40, "matmul", False, residual=gm)
ch = product(gm, 40, 24, "chain", False)
outs = {"pw": (b, [2, 24, 13, 13]), "dil": (d, [2, 12, 9, 9]),
        "res": (f, [2, 16, 7, 7]), "stem": (g, [2, 10, 15, 15]),
        "dw": (dw, [2, 24, 13, 13]),
        "gemm": (gm, [50, 40]), "matmul": (mm, [50, 40]), "chain": (ch, [50, 24])}
ys = []
for name, (t, shape) in outs.items():
    nodes.append(helper.make_node("Identity", [t], [name]))
    ys.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
graph = helper.make_graph(
    nodes, "qdq_products",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8, 13, 13]),
     helper.make_tensor_value_info("s", TensorProto.FLOAT, [2, 3, 30, 30]),
     helper.make_tensor_value_info("m", TensorProto.FLOAT, [50, 30])],
    ys, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
