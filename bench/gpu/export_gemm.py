#!/usr/bin/env python3
"""Writes the GEMM benchmark and check models.

  export_gemm.py OUT_DIR

Benchmarks (fp16, Y = A @ B with A and B graph inputs, as torch.matmul):
gemm_4096.onnx (4096^3), gemm_8192.onnx (8192^3), gemm_16384x4096x4096.onnx.
bench.py makes their inputs on the GPU and checks against torch.matmul in
fp32. gemmw_8192x4096x4096.onnx: A input times a constant weight W (seeded
with weight(), which bench.py calls again to check), the form a model's
layers take and the one the mma.sync kernel (sm_80 to sm_90) reads.

Checks (small, with inputs and a float64 reference in OUT_DIR/<name>/):
  check_edges      MatMul 1000x520 @ 520x776: partial tiles in M, N and K,
                   B [K,N] read transposed by wgmma
  check_epilogue   MatMul by a constant 512x384 weight (stored [N,K]),
                   + bias, ReLU
  check_residual   Gemm(transB) 384x256 @ (640x256)^T + residual input
  check_wide       MatMul 4224x64 by a constant 64x1024 weight + bias, ReLU;
  check_wide_residual  Gemm(transB) 4224x128 @ (1024x128)^T + residual:
                   whole 128x256 tiles for Vulkan's workgroup-scope kernel
  check_sparse     MatMul by a constant 2:4 1024x384 weight + bias, ReLU:
                   the sparse wgmma kernel (sm_90a), partial row tiles
  check_sparse_f32 the same in fp32, for --precision=bf16 (bf16 2:4
                   kernels, fp32 inputs and outputs)
  check_int8_i8    int8 A (DequantizeLinear) times a constant int8 weight
                   with per-column scales (DequantizeLinear, axis 1) + bias,
                   ReLU, QuantizeLinear: the int8 wgmma kernel with its
                   requantizing epilogue, partial tiles; int8 output
  check_int8_f32   the same without the final QuantizeLinear (fp32 output)
  check_int8conv{48,64}_i8  an int8 3x3 convolution of 48 or 64 channels
                   (+ bias, ReLU, QuantizeLinear): the implicit GEMM reading
                   int8 pixels in 16-byte slabs or 128-byte blocks
  check_int8stem_i8  ResNet's 7x7 stride-2 stem on 3 int8 channels (pixel
                   pairs)
  check_int8res_i8 int8 A times an int8 weight of K = 64 (sums within
                   2^22: converted without cvt) + bias + an int8 residual
                   (DequantizeLinear), ReLU, QuantizeLinear
  check_int8pool_i8  the stem, ReLU, QuantizeLinear, then DequantizeLinear,
                   a 3x3 stride-2 max pool and QuantizeLinear of the same
                   scale (onnxruntime's QDQ form): the int8 max pool template
gemms_*: A times a constant 2:4 weight (weight24), for the sparse kernel
against the same weight run dense and cuSPARSELt.
gemmq_*: int8 A [M,K] (a graph input) times a constant int8 weight
(weight8) through DequantizeLinear, requantized to int8 (QuantizeLinear):
the int8 kernel against torch._int_mm.
"""
import os
import sys

import numpy as np

# onnx is imported by main(): bench.py imports weight() from here on the GPU
# machine, which may have no onnx.

SHAPES = {"gemm_4096": (4096, 4096, 4096), "gemm_8192": (8192, 8192, 8192),
          "gemm_16384x4096x4096": (16384, 4096, 4096)}


WEIGHTED = {"gemmw_8192x4096x4096": (8192, 4096, 4096)}

# A times a constant 2:4 weight (weight24): compiled twice by prepare.sh,
# sparse (the default) and dense (--sparsity=disable, NAME.dense).
SPARSE = {"gemms_4096": (4096, 4096, 4096), "gemms_8192": (8192, 8192, 8192),
          "gemms_16384x4096x4096": (16384, 4096, 4096)}


def weight(k, n):
    """The constant B of the gemmw models, [K, N] fp16 (deterministic)."""
    return (np.random.default_rng(7).standard_normal((k, n), dtype=np.float32)
            * 0.05).astype(np.float16)


def prune24(w):
    """`w` [K, N] with the two largest |w| of every four along K kept."""
    k, n = w.shape
    g = w.reshape(k // 4, 4, n)
    order = np.argsort(-np.abs(g.astype(np.float32)), axis=1, kind="stable")
    keep = np.zeros(g.shape, bool)
    np.put_along_axis(keep, order[:, :2, :], True, axis=1)
    return np.where(keep, g, 0).reshape(k, n).astype(w.dtype)


# int8 A times a constant int8 weight, requantized (weight8, QSCALES).
QUANT = {"gemmq_4096": (4096, 4096, 4096), "gemmq_8192": (8192, 8192, 8192)}
# Scales of A, of every weight column, and of Y: Y's values stay well inside
# int8 (a sum of K products of uniform int8 values has a standard deviation
# of about sqrt(K) 127^2 / 3).
QSCALE_A, QSCALE_W = 1.0 / 127, 1.0 / 127


def qscale_y(k):
    return float(np.sqrt(k) * 127 * 127 / 3 * QSCALE_A * QSCALE_W * 4 / 127)


def weight8(k, n):
    """The constant int8 B of the gemmq models, [K, N] (deterministic, every
    column reaching -127 or 127)."""
    w = np.random.default_rng(8).integers(-127, 128, (k, n), dtype=np.int8)
    w[0, :] = 127
    return w


def quantize(x, scale, lo=-128, hi=127):
    """ONNX QuantizeLinear to int8: round half to even, saturate."""
    return np.clip(np.rint(x / scale), lo, hi).astype(np.int8)


def weight24(k, n):
    """The constant B of the gemms models: weight() pruned to 2:4 along K."""
    return prune24(weight(k, n))


def save(out, name, nodes, inputs, output_shape, inits=(), elem=None):
    import onnx
    from onnx import TensorProto, helper
    H = TensorProto.FLOAT16 if elem is None else elem
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(n, H, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info("Y", H, output_shape)], initializer=list(inits))
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              os.path.join(out, name + ".onnx"))


def save_check(out, name, nodes, inputs, expected, inits=(), elem=None):
    save(out, name, nodes, inputs, expected.shape, inits, elem)
    os.makedirs(os.path.join(out, name), exist_ok=True)
    for i, (_, a) in enumerate(inputs):
        np.save(os.path.join(out, name, f"input_{i}.npy"), a)
    np.save(os.path.join(out, name, "output.npy"), expected.astype(np.float32))


def main():
    from onnx import helper, numpy_helper
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (m, n, k) in SHAPES.items():
        save(out, name, [helper.make_node("MatMul", ["A", "B"], ["Y"], name="matmul")],
             [("A", np.zeros((m, k), np.float16)), ("B", np.zeros((k, n), np.float16))],
             [m, n])
    for name, (m, n, k) in WEIGHTED.items():
        save(out, name, [helper.make_node("MatMul", ["A", "W"], ["Y"], name="matmul")],
             [("A", np.zeros((m, k), np.float16))], [m, n],
             [numpy_helper.from_array(weight(k, n), "W")])
    for name, (m, n, k) in SPARSE.items():
        save(out, name, [helper.make_node("MatMul", ["A", "W"], ["Y"], name="matmul")],
             [("A", np.zeros((m, k), np.float16))], [m, n],
             [numpy_helper.from_array(weight24(k, n), "W")])
    from onnx import TensorProto
    for name, (m, n, k) in QUANT.items():
        save(out, name,
             [helper.make_node("DequantizeLinear", ["A", "sa"], ["Af"], name="dq_a"),
              helper.make_node("DequantizeLinear", ["W", "sw"], ["Wf"], name="dq_w", axis=1),
              helper.make_node("MatMul", ["Af", "Wf"], ["P"], name="matmul"),
              helper.make_node("QuantizeLinear", ["P", "sy", "zy"], ["Y"], name="q_y")],
             [("A", np.zeros((m, k), np.int8))], [m, n],
             [numpy_helper.from_array(weight8(k, n), "W"),
              numpy_helper.from_array(np.float32(QSCALE_A), "sa"),
              numpy_helper.from_array(np.full(n, QSCALE_W, np.float32), "sw"),
              numpy_helper.from_array(np.float32(qscale_y(k)), "sy"),
              numpy_helper.from_array(np.int8(0), "zy")], elem=TensorProto.INT8)
    g = np.random.default_rng(1)

    def half(*shape, scale=1.0):
        return (g.standard_normal(shape) * scale).astype(np.float16)

    def bias_relu():
        """Y = relu(A @ W + bias)."""
        return [helper.make_node("MatMul", ["A", "W"], ["P"], name="matmul"),
                helper.make_node("Add", ["P", "bias"], ["Q"], name="add_bias"),
                helper.make_node("Relu", ["Q"], ["Y"], name="relu")]

    a, b = half(1000, 520), half(520, 776)
    save_check(out, "check_edges",
               [helper.make_node("MatMul", ["A", "B"], ["Y"], name="matmul")],
               [("A", a), ("B", b)], a.astype(np.float64) @ b.astype(np.float64))

    a, w, bias = half(300, 512), half(512, 384, scale=0.05), half(384)
    ref = np.maximum(a.astype(np.float64) @ w.astype(np.float64) + bias, 0)
    save_check(out, "check_epilogue",
               bias_relu(),
               [("A", a)], ref,
               [numpy_helper.from_array(w, "W"), numpy_helper.from_array(bias, "bias")])

    # A 2:4 weight through the sparse kernel: partial row tiles, bias, ReLU.
    a, w, bias = half(300, 1024), prune24(half(1024, 384, scale=0.05)), half(384)
    ref = np.maximum(a.astype(np.float64) @ w.astype(np.float64) + bias, 0)
    save_check(out, "check_sparse",
               bias_relu(),
               [("A", a)], ref,
               [numpy_helper.from_array(w, "W"), numpy_helper.from_array(bias, "bias")])

    # The same in fp32, for --precision=bf16 (check_sparse_f32.bf16): the
    # compiler converts the product to bf16 and keeps fp32 at the edges.
    from onnx import TensorProto
    a32, w32, b32 = a.astype(np.float32), w.astype(np.float32), bias.astype(np.float32)
    save_check(out, "check_sparse_f32",
               bias_relu(),
               [("A", a32)], ref,
               [numpy_helper.from_array(w32, "W"), numpy_helper.from_array(b32, "bias")],
               elem=TensorProto.FLOAT)

    # int8: A [300, 512] int8 (scale 0.02), W [512, 384] int8 with a scale
    # per column, bias, ReLU; requantized (scale 0.05) or fp32.
    a8 = g.integers(-127, 128, (300, 512), dtype=np.int8)
    w8 = g.integers(-127, 128, (512, 384), dtype=np.int8)
    sw = (g.random(384) * 0.002 + 0.0005).astype(np.float32)
    bias = (g.standard_normal(384) * 0.5).astype(np.float32)
    ref = np.maximum((a8.astype(np.float64) * 0.02) @ (w8.astype(np.float64) * sw) + bias, 0)
    for suffix, q in (("i8", True), ("f32", False)):
        nodes = [helper.make_node("DequantizeLinear", ["A", "sa"], ["Af"], name="dq_a"),
                 helper.make_node("DequantizeLinear", ["W", "sw"], ["Wf"], name="dq_w", axis=1),
                 helper.make_node("MatMul", ["Af", "Wf"], ["P"], name="matmul"),
                 helper.make_node("Add", ["P", "bias"], ["R"], name="add_bias"),
                 helper.make_node("Relu", ["R"], ["Z" if q else "Y"], name="relu")]
        inits = [numpy_helper.from_array(w8, "W"), numpy_helper.from_array(np.float32(0.02), "sa"),
                 numpy_helper.from_array(sw, "sw"), numpy_helper.from_array(bias, "bias")]
        if q:
            nodes.append(helper.make_node("QuantizeLinear", ["Z", "sy", "zy"], ["Y"], name="q_y"))
            inits += [numpy_helper.from_array(np.float32(0.05), "sy"),
                      numpy_helper.from_array(np.int8(0), "zy")]
        name = "check_int8_" + suffix
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("A", TensorProto.INT8, a8.shape)],
            [helper.make_tensor_value_info("Y", TensorProto.INT8 if q else TensorProto.FLOAT,
                                           ref.shape)], initializer=inits)
        import onnx
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
                  os.path.join(out, name + ".onnx"))
        os.makedirs(os.path.join(out, name), exist_ok=True)
        np.save(os.path.join(out, name, "input_0.npy"), a8)
        np.save(os.path.join(out, name, "output.npy"),
                (quantize(ref, 0.05) if q else ref).astype(np.float32))

    # (channels, kernel, stride, pad, image): 3x3 convolutions of 48 and 64
    # channels (16-byte slabs, a 128-byte block), and ResNet's 7x7 stride-2
    # stem on 3 channels (pixel pairs of 8 int8 channels).
    for c, kk, st, pd, hw in ((48, 3, 1, 1, 14), (64, 3, 1, 1, 14), (3, 7, 2, 3, 32)):
        ho = (hw + 2 * pd - kk) // st + 1
        x8 = g.integers(-127, 128, (2, c, hw, hw), dtype=np.int8)
        w8 = g.integers(-127, 128, (32, c, kk, kk), dtype=np.int8)
        w8[:, 0, 0, 0] = 127
        swc = (g.random(32) * 0.002 + 0.0005).astype(np.float32)
        bc = (g.standard_normal(32) * 0.5).astype(np.float32)
        xf = np.pad(x8.astype(np.float64) * 0.02, ((0, 0), (0, 0), (pd, pd), (pd, pd)))
        wf = w8.astype(np.float64) * swc[:, None, None, None]
        ref = np.zeros((2, 32, ho, ho))
        for r in range(kk):
            for s in range(kk):
                ref += np.einsum("nchw,oc->nohw",
                                 xf[:, :, r:r + st * (ho - 1) + 1:st, s:s + st * (ho - 1) + 1:st],
                                 wf[:, :, r, s])
        ref = np.maximum(ref + bc[None, :, None, None], 0)
        name = f"check_int8conv{c}_i8" if c != 3 else "check_int8stem_i8"
        nodes = [helper.make_node("DequantizeLinear", ["A", "sa"], ["Af"], name="dq_a"),
                 helper.make_node("DequantizeLinear", ["W", "sw"], ["Wf"], name="dq_w", axis=0),
                 helper.make_node("Conv", ["Af", "Wf", "bias"], ["P"], name="conv",
                                  pads=[pd] * 4, strides=[st, st]),
                 helper.make_node("Relu", ["P"], ["Z"], name="relu"),
                 helper.make_node("QuantizeLinear", ["Z", "sy", "zy"], ["Y"], name="q_y")]
        inits = [numpy_helper.from_array(w8, "W"), numpy_helper.from_array(np.float32(0.02), "sa"),
                 numpy_helper.from_array(swc, "sw"), numpy_helper.from_array(bc, "bias"),
                 numpy_helper.from_array(np.float32(0.05), "sy"),
                 numpy_helper.from_array(np.int8(0), "zy")]
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("A", TensorProto.INT8, x8.shape)],
            [helper.make_tensor_value_info("Y", TensorProto.INT8, ref.shape)], initializer=inits)
        import onnx
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
                  os.path.join(out, name + ".onnx"))
        os.makedirs(os.path.join(out, name), exist_ok=True)
        np.save(os.path.join(out, name, "input_0.npy"), x8)
        np.save(os.path.join(out, name, "output.npy"), quantize(ref, 0.05).astype(np.float32))

    # A short product with an int8 residual: the magic conversions of the
    # sums, the residual and the requantization.
    a8 = g.integers(-127, 128, (300, 64), dtype=np.int8)
    w8 = g.integers(-127, 128, (64, 256), dtype=np.int8)
    r8 = g.integers(-127, 128, (300, 256), dtype=np.int8)
    sw = (g.random(256) * 0.002 + 0.0005).astype(np.float32)
    bias = (g.standard_normal(256) * 0.5).astype(np.float32)
    ref = np.maximum((a8.astype(np.float64) * 0.02) @ (w8.astype(np.float64) * sw) + bias +
                     r8.astype(np.float64) * 0.05, 0)
    nodes = [helper.make_node("DequantizeLinear", ["A", "sa"], ["Af"], name="dq_a"),
             helper.make_node("DequantizeLinear", ["W", "sw"], ["Wf"], name="dq_w", axis=1),
             helper.make_node("DequantizeLinear", ["R", "sr"], ["Rf"], name="dq_r"),
             helper.make_node("MatMul", ["Af", "Wf"], ["P"], name="matmul"),
             helper.make_node("Add", ["P", "bias"], ["Pb"], name="add_bias"),
             helper.make_node("Add", ["Pb", "Rf"], ["S"], name="add_residual"),
             helper.make_node("Relu", ["S"], ["Z"], name="relu"),
             helper.make_node("QuantizeLinear", ["Z", "sy", "zy"], ["Y"], name="q_y")]
    inits = [numpy_helper.from_array(w8, "W"), numpy_helper.from_array(np.float32(0.02), "sa"),
             numpy_helper.from_array(sw, "sw"), numpy_helper.from_array(bias, "bias"),
             numpy_helper.from_array(np.float32(0.05), "sr"),
             numpy_helper.from_array(np.float32(0.05), "sy"),
             numpy_helper.from_array(np.int8(0), "zy")]
    graph = helper.make_graph(
        nodes, "check_int8res_i8",
        [helper.make_tensor_value_info("A", TensorProto.INT8, a8.shape),
         helper.make_tensor_value_info("R", TensorProto.INT8, r8.shape)],
        [helper.make_tensor_value_info("Y", TensorProto.INT8, ref.shape)], initializer=inits)
    import onnx
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              os.path.join(out, "check_int8res_i8.onnx"))
    os.makedirs(os.path.join(out, "check_int8res_i8"), exist_ok=True)
    np.save(os.path.join(out, "check_int8res_i8", "input_0.npy"), a8)
    np.save(os.path.join(out, "check_int8res_i8", "input_1.npy"), r8)
    np.save(os.path.join(out, "check_int8res_i8", "output.npy"),
            quantize(ref, 0.05).astype(np.float32))

    # The stem, then a max pool between a dequantize and a quantize of one
    # scale: the int8 max pool template (of the int8 stem output).
    x8 = g.integers(-127, 128, (2, 3, 32, 32), dtype=np.int8)
    w8 = g.integers(-127, 128, (64, 3, 7, 7), dtype=np.int8)
    swc = (g.random(64) * 0.002 + 0.0005).astype(np.float32)
    bc = (g.standard_normal(64) * 0.5).astype(np.float32)
    xf = np.pad(x8.astype(np.float64) * 0.02, ((0, 0), (0, 0), (3, 3), (3, 3)))
    wf = w8.astype(np.float64) * swc[:, None, None, None]
    conv = np.zeros((2, 64, 16, 16))
    for r in range(7):
        for s_ in range(7):
            conv += np.einsum("nchw,oc->nohw", xf[:, :, r:r + 31:2, s_:s_ + 31:2], wf[:, :, r, s_])
    q = quantize(np.maximum(conv + bc[None, :, None, None], 0), 0.05).astype(np.float32)
    qp = np.pad(q, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    pooled = np.full((2, 64, 8, 8), -np.inf, np.float32)
    for r in range(3):
        for s_ in range(3):
            pooled = np.maximum(pooled, qp[:, :, r:r + 15:2, s_:s_ + 15:2])
    # Then a 1x1 convolution to 32 channels (+ bias, ReLU, QuantizeLinear),
    # as in ResNet: the pool stays channels-last between the two.
    w1 = g.integers(-127, 128, (32, 64, 1, 1), dtype=np.int8)
    sw1 = (g.random(32) * 0.002 + 0.0005).astype(np.float32)
    b1 = (g.standard_normal(32) * 0.5).astype(np.float32)
    ref = np.einsum("nchw,oc->nohw", pooled.astype(np.float64) * 0.05,
                    w1[:, :, 0, 0].astype(np.float64) * sw1[:, None])
    ref = quantize(np.maximum(ref + b1[None, :, None, None], 0), 0.05).astype(np.float32)
    nodes = [helper.make_node("DequantizeLinear", ["A", "sa"], ["Af"], name="dq_a"),
             helper.make_node("DequantizeLinear", ["W", "sw"], ["Wf"], name="dq_w", axis=0),
             helper.make_node("Conv", ["Af", "Wf", "bias"], ["P"], name="conv",
                              pads=[3] * 4, strides=[2, 2]),
             helper.make_node("Relu", ["P"], ["Z"], name="relu"),
             helper.make_node("QuantizeLinear", ["Z", "sy", "zy"], ["Zq"], name="q_z"),
             helper.make_node("DequantizeLinear", ["Zq", "sy", "zy"], ["Zf"], name="dq_z"),
             helper.make_node("MaxPool", ["Zf"], ["M"], name="maxpool", kernel_shape=[3, 3],
                              pads=[1] * 4, strides=[2, 2]),
             helper.make_node("QuantizeLinear", ["M", "sy", "zy"], ["Mq"], name="q_m"),
             helper.make_node("DequantizeLinear", ["Mq", "sy", "zy"], ["Mf"], name="dq_m"),
             helper.make_node("DequantizeLinear", ["W1", "sw1"], ["W1f"], name="dq_w1", axis=0),
             helper.make_node("Conv", ["Mf", "W1f", "b1"], ["P1"], name="conv1x1"),
             helper.make_node("Relu", ["P1"], ["Z1"], name="relu1"),
             helper.make_node("QuantizeLinear", ["Z1", "sy", "zy"], ["Y"], name="q_y")]
    inits = [numpy_helper.from_array(w8, "W"), numpy_helper.from_array(np.float32(0.02), "sa"),
             numpy_helper.from_array(swc, "sw"), numpy_helper.from_array(bc, "bias"),
             numpy_helper.from_array(np.float32(0.05), "sy"),
             numpy_helper.from_array(np.int8(0), "zy"), numpy_helper.from_array(w1, "W1"),
             numpy_helper.from_array(sw1, "sw1"), numpy_helper.from_array(b1, "b1")]
    pooled = ref
    graph = helper.make_graph(
        nodes, "check_int8pool_i8", [helper.make_tensor_value_info("A", TensorProto.INT8, x8.shape)],
        [helper.make_tensor_value_info("Y", TensorProto.INT8, pooled.shape)], initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              os.path.join(out, "check_int8pool_i8.onnx"))
    os.makedirs(os.path.join(out, "check_int8pool_i8"), exist_ok=True)
    np.save(os.path.join(out, "check_int8pool_i8", "input_0.npy"), x8)
    np.save(os.path.join(out, "check_int8pool_i8", "output.npy"), pooled)

    a, b, r = half(384, 256), half(640, 256), half(384, 640)
    ref = a.astype(np.float64) @ b.astype(np.float64).T + r
    save_check(out, "check_residual",
               [helper.make_node("Gemm", ["A", "B"], ["P"], name="gemm", transB=1),
                helper.make_node("Add", ["P", "R"], ["Y"], name="add_residual")],
               [("A", a), ("B", b), ("R", r)], ref)

    # 132 whole 128 x 256 tiles (M 4224, N 1024): the Vulkan workgroup-scope
    # kernel (+coopmat2) with its epilogue read back after the store; a
    # constant weight + bias + ReLU, and B [N, K] + a residual input.
    a, w, bias = half(4224, 64), half(64, 1024, scale=0.1), half(1024)
    ref = np.maximum(a.astype(np.float64) @ w.astype(np.float64) + bias, 0)
    save_check(out, "check_wide",
               bias_relu(),
               [("A", a)], ref,
               [numpy_helper.from_array(w, "W"), numpy_helper.from_array(bias, "bias")])
    a, b, r = half(4224, 128), half(1024, 128, scale=0.1), half(4224, 1024)
    ref = a.astype(np.float64) @ b.astype(np.float64).T + r
    save_check(out, "check_wide_residual",
               [helper.make_node("Gemm", ["A", "B"], ["P"], name="gemm", transB=1),
                helper.make_node("Add", ["P", "R"], ["Y"], name="add_residual")],
               [("A", a), ("B", b), ("R", r)], ref)


if __name__ == "__main__":
    main()
