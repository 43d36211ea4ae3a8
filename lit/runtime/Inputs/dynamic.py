"""Writes the dynamic-shape models of lit/runtime/dynamic-shapes.test into
argv[1], with inputs at a few shapes:

mlp.onnx: x [batch, 16] -> MatMul, Add, Relu, Softmax over the features:
  the batch may be padded.
attn.onnx: one masked self-attention block (x [batch, seq, 8], mask
  [batch, seq] int64, 1 for a token and 0 for padding, as Hugging Face
  models take it): scores + (1 - mask) * -10000, softmax over the keys, a
  residual and LayerNorm; batch and seq may be padded.
nomask.onnx: the same attention without a mask: padding seq would change
  the softmax, so seq is compiled for each of its values.
meanpool.onnx: x [batch, seq, 8] -> ReduceMean over seq: seq cannot be
  padded either.
posemb.onnx: x [batch, seq, 8] plus the first seq rows of a position table
  (Slice to Shape(x)[1]): a prefix, so seq may be padded.
concat.onnx: x [batch, seq, 8] concatenated with itself along seq: seq
  cannot be padded (the second copy would start past the padding).
conv.onnx: x [batch, 4, rows, 8] through a 3x3 convolution: rows cannot be
  padded (the window reads across the end), the batch can.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
rng = np.random.default_rng(7)


def const(name, a):
    return nh.from_array(np.asarray(a), name)


def save(name, nodes, inputs, outputs, inits):
    g = h.make_graph(nodes, name, inputs, outputs, inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, name + ".onnx"))


w = rng.standard_normal((16, 8)).astype(np.float32) * 0.3
b = rng.standard_normal(8).astype(np.float32) * 0.1
save("mlp",
     [h.make_node("MatMul", ["x", "w"], ["m"], name="mm"),
      h.make_node("Add", ["m", "b"], ["a"], name="bias"),
      h.make_node("Relu", ["a"], ["r"], name="relu"),
      h.make_node("Softmax", ["r"], ["y"], name="softmax", axis=1)],
     [h.make_tensor_value_info("x", T.FLOAT, ["batch", 16])],
     [h.make_tensor_value_info("y", T.FLOAT, ["batch", 8])],
     [const("w", w), const("b", b)])


def attention(name, masked):
    wq, wk, wv = (rng.standard_normal((8, 8)).astype(np.float32) * 0.4 for _ in range(3))
    nodes = [h.make_node("MatMul", ["x", "wq"], ["q"], name="q"),
             h.make_node("MatMul", ["x", "wk"], ["k"], name="k"),
             h.make_node("MatMul", ["x", "wv"], ["v"], name="v"),
             h.make_node("Transpose", ["k"], ["kt"], name="kt", perm=[0, 2, 1]),
             h.make_node("MatMul", ["q", "kt"], ["s0"], name="scores"),
             h.make_node("Div", ["s0", "scale"], ["s1"], name="scale")]
    inits = [const("wq", wq), const("wk", wk), const("wv", wv),
             const("scale", np.float32(np.sqrt(8))),
             const("gamma", np.ones(8, np.float32)), const("beta", np.zeros(8, np.float32))]
    inputs = [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", 8])]
    scores = "s1"
    if masked:
        nodes += [h.make_node("Cast", ["mask"], ["mf"], name="maskf", to=T.FLOAT),
                  h.make_node("Sub", ["one", "mf"], ["inv"], name="invert"),
                  h.make_node("Mul", ["inv", "big"], ["bias"], name="bias"),
                  h.make_node("Unsqueeze", ["bias", "ax1"], ["bias3"], name="unsq"),
                  h.make_node("Add", ["s1", "bias3"], ["s2"], name="masked")]
        inits += [const("one", np.float32(1)), const("big", np.float32(-10000)),
                  const("ax1", np.array([1], np.int64))]
        inputs.append(h.make_tensor_value_info("mask", T.INT64, ["batch", "seq"]))
        scores = "s2"
    nodes += [h.make_node("Softmax", [scores], ["p"], name="softmax", axis=-1),
              h.make_node("MatMul", ["p", "v"], ["o"], name="context"),
              h.make_node("Add", ["o", "x"], ["res"], name="residual"),
              h.make_node("LayerNormalization", ["res", "gamma", "beta"], ["y"], name="norm",
                          axis=-1)]
    save(name, nodes, inputs,
         [h.make_tensor_value_info("y", T.FLOAT, ["batch", "seq", 8])], inits)


attention("attn", True)
attention("nomask", False)
save("meanpool",
     [h.make_node("ReduceMean", ["x"], ["y"], name="pool", axes=[1], keepdims=0)],
     [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", 8])],
     [h.make_tensor_value_info("y", T.FLOAT, ["batch", 8])], [])

table = rng.standard_normal((64, 8)).astype(np.float32)
save("posemb",
     [h.make_node("Shape", ["x"], ["shape"], name="shape"),
      h.make_node("Gather", ["shape", "one_i"], ["len"], name="len", axis=0),
      h.make_node("Slice", ["table", "zero_i", "len", "zero_i"], ["pos"], name="positions"),
      h.make_node("Add", ["x", "pos"], ["y"], name="add_positions")],
     [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", 8])],
     [h.make_tensor_value_info("y", T.FLOAT, ["batch", "seq", 8])],
     [const("table", table), const("one_i", np.array([1], np.int64)),
      const("zero_i", np.array([0], np.int64))])

save("concat",
     [h.make_node("Concat", ["x", "x"], ["y"], name="twice", axis=1)],
     [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", 8])],
     [h.make_tensor_value_info("y", T.FLOAT, ["batch", "seq2", 8])], [])
save("conv",
     [h.make_node("Conv", ["x", "cw"], ["y"], name="conv3x3", pads=[1, 1, 1, 1])],
     [h.make_tensor_value_info("x", T.FLOAT, ["batch", 4, "rows", 8])],
     [h.make_tensor_value_info("y", T.FLOAT, ["batch", 4, "rows", 8])],
     [const("cw", rng.standard_normal((4, 4, 3, 3)).astype(np.float32))])

# Inputs: a mask whose every sequence but the first ends in padding.
for batch, seq in ((1, 1), (3, 5), (4, 16), (2, 8)):
    d = os.path.join(out, f"in_{batch}x{seq}")
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "x.npy"), rng.standard_normal((batch, seq, 8)).astype(np.float32))
    mask = np.ones((batch, seq), np.int64)
    for i in range(1, batch):
        mask[i, seq - max(1, seq // 3):] = 0
    np.save(os.path.join(d, "mask.npy"), mask)
