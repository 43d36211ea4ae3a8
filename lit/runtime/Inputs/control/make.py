"""Writes the models of lit/runtime/control-flow.test and onnxruntime's
outputs for them (run with the venv's python: onnx + onnxruntime):

  loop.onnx      Loop, 5 iterations: a carried state and a scan output
  scan.onnx      Scan-16 over axis 1, one input read backwards, the scan
                 output stacked on axis 1 in reverse
  unpool.onnx    MaxPool with Indices (padded, strided) into MaxUnpool
  roialign.onnx  RoiAlign (avg, half_pixel) with regions given at run time
  tfidf.onnx     TfIdfVectorizer (TFIDF, uni- and bigrams, skips)
  sequence.onnx  SplitToSequence -> SequenceMap (Relu(x) * w) ->
                 SequenceInsert -> ConcatFromSequence, and SequenceAt
  einsum.onnx    Einsum '...ij,...jk->...ik' and a batched diagonal

Each model's inputs are DIR/NAME/<input>.npy and its outputs DIR/NAME/<output>.npy.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(18)


def vi(name, shape, t=T.FLOAT):
    return h.make_tensor_value_info(name, t, shape)


def save(name, nodes, inputs, outputs, feeds, inits=(), opset=17):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    path = os.path.join(out, name + ".onnx")
    onnx.save(m, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = sess.run(None, feeds)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for k, v in feeds.items():
        np.save(os.path.join(d, k + ".npy"), v)
    for o, v in zip(outputs, results):
        np.save(os.path.join(d, o.name + ".npy"), v)


# Loop: y = y * 0.5 + x[i], scanned.
body = h.make_graph(
    [h.make_node("Gather", ["xs", "i"], ["row"], axis=0),
     h.make_node("Mul", ["y_in", "half"], ["scaled"]),
     h.make_node("Add", ["scaled", "row"], ["y_out"]),
     h.make_node("Identity", ["cond_in"], ["cond_out"]),
     h.make_node("Tanh", ["y_out"], ["scan_out"])],
    "body", [vi("i", [], T.INT64), vi("cond_in", [], T.BOOL), vi("y_in", [4])],
    [vi("cond_out", [], T.BOOL), vi("y_out", [4]), vi("scan_out", [4])],
    initializer=[nh.from_array(np.array(0.5, np.float32), "half")])
save("loop",
     [h.make_node("Loop", ["trip", "", "y0"], ["y", "ys"], body=body)],
     [vi("xs", [5, 4]), vi("y0", [4])], [vi("y", [4]), vi("ys", [5, 4])],
     {"xs": rng.standard_normal((5, 4)).astype(np.float32),
      "y0": rng.standard_normal(4).astype(np.float32)},
     [nh.from_array(np.array(5, np.int64), "trip")])

# Scan-16: state s [3]; inputs a [2, 6, 3] read along axis 1, b [6, 3]
# read backwards along axis 0; output stacked on axis 1 in reverse.
sbody = h.make_graph(
    [h.make_node("ReduceSum", ["a_t", "ax"], ["a_sum"], keepdims=0),
     h.make_node("Mul", ["a_sum", "b_t"], ["p"]),
     h.make_node("Add", ["s_in", "p"], ["s_out"]),
     h.make_node("Sigmoid", ["s_out"], ["o"])],
    "sbody", [vi("s_in", [3]), vi("a_t", [2, 3]), vi("b_t", [3])],
    [vi("s_out", [3]), vi("o", [3])],
    initializer=[nh.from_array(np.array([0], np.int64), "ax")])
save("scan",
     [h.make_node("Scan", ["s0", "a", "b"], ["s", "os"], body=sbody, num_scan_inputs=2,
                  scan_input_axes=[1, 0], scan_input_directions=[0, 1],
                  scan_output_axes=[1], scan_output_directions=[1])],
     [vi("s0", [3]), vi("a", [2, 6, 3]), vi("b", [6, 3])], [vi("s", [3]), vi("os", [3, 6])],
     {"s0": rng.standard_normal(3).astype(np.float32),
      "a": rng.standard_normal((2, 6, 3)).astype(np.float32),
      "b": rng.standard_normal((6, 3)).astype(np.float32)}, opset=16)

# MaxPool with Indices into MaxUnpool.
save("unpool",
     [h.make_node("MaxPool", ["x"], ["p", "idx"], kernel_shape=[3, 3], strides=[2, 2],
                  pads=[1, 1, 1, 1]),
      h.make_node("MaxUnpool", ["p", "idx", "shape"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                  pads=[1, 1, 1, 1])],
     [vi("x", [2, 3, 9, 9])], [vi("p", [2, 3, 5, 5]), vi("idx", [2, 3, 5, 5], T.INT64),
                               vi("y", [2, 3, 9, 9])],
     {"x": rng.standard_normal((2, 3, 9, 9)).astype(np.float32)},
     [nh.from_array(np.array([2, 3, 9, 9], np.int64), "shape")], opset=12)

# RoiAlign with regions at run time.
boxes = np.array([[0.5, 1.0, 7.5, 9.0], [2.0, 2.0, 4.0, 6.5], [-1.0, 3.0, 11.0, 12.0]], np.float32)
save("roialign",
     [h.make_node("RoiAlign", ["x", "rois", "bi"], ["y"], output_height=3, output_width=4,
                  sampling_ratio=2, spatial_scale=0.75, mode="avg")],
     [vi("x", [2, 4, 10, 12]), vi("rois", [3, 4]), vi("bi", [3], T.INT64)],
     [vi("y", [3, 4, 3, 4])],
     {"x": rng.standard_normal((2, 4, 10, 12)).astype(np.float32), "rois": boxes,
      "bi": np.array([1, 0, 1], np.int64)}, opset=16)

# TfIdfVectorizer.
save("tfidf",
     [h.make_node("TfIdfVectorizer", ["t"], ["y"], mode="TFIDF", min_gram_length=1,
                  max_gram_length=2, max_skip_count=2, ngram_counts=[0, 4],
                  ngram_indexes=[0, 1, 2, 3, 4, 5, 6], pool_int64s=[2, 3, 5, 4, 5, 6, 7, 8, 6, 7],
                  weights=[1.0, 0.5, 2.0, 1.5, 3.0, 0.25, 1.0])],
     [vi("t", [3, 12], T.INT32)], [vi("y", [3, 7])],
     {"t": rng.integers(2, 9, (3, 12)).astype(np.int32)}, opset=9)

# Sequences.
mbody = h.make_graph(
    [h.make_node("Relu", ["e"], ["r"]), h.make_node("Mul", ["r", "w_in"], ["m"])],
    "mbody", [vi("e", [2, None]), vi("w_in", [1])], [vi("m", [2, None])])
save("sequence",
     [h.make_node("SplitToSequence", ["x", "sizes"], ["seq"], axis=1),
      h.make_node("SequenceMap", ["seq", "w"], ["mapped"], body=mbody),
      h.make_node("SequenceInsert", ["mapped", "x", "zero"], ["more"]),
      h.make_node("ConcatFromSequence", ["more"], ["y"], axis=1),
      h.make_node("SequenceAt", ["mapped", "last"], ["z"])],
     [vi("x", [2, 6]), vi("w", [1])], [vi("y", [2, 12]), vi("z", [2, 3])],
     {"x": rng.standard_normal((2, 6)).astype(np.float32), "w": np.array([1.5], np.float32)},
     [nh.from_array(np.array([1, 2, 3], np.int64), "sizes"),
      nh.from_array(np.array(0, np.int64), "zero"), nh.from_array(np.array(-1, np.int64), "last")])

# Einsum with an ellipsis and a diagonal.
save("einsum",
     [h.make_node("Einsum", ["a", "b"], ["y"], equation="...ij,...jk->...ik"),
      h.make_node("Einsum", ["c"], ["d"], equation="b...ii->b...i")],
     [vi("a", [2, 3, 4, 5]), vi("b", [2, 3, 5, 6]), vi("c", [2, 3, 4, 4])],
     [vi("y", [2, 3, 4, 6]), vi("d", [2, 3, 4])],
     {"a": rng.standard_normal((2, 3, 4, 5)).astype(np.float32),
      "b": rng.standard_normal((2, 3, 5, 6)).astype(np.float32),
      "c": rng.standard_normal((2, 3, 4, 4)).astype(np.float32)}, opset=12)

# A sequence graph input and a sequence graph output: each element is its
# own input or output, NAME[i].
seq_in = h.make_tensor_sequence_value_info("xs", T.FLOAT, [2, None])
seq_out = h.make_tensor_sequence_value_info("s", T.FLOAT, [2, None])
g = h.make_graph(
    [h.make_node("SequenceInsert", ["xs", "t"], ["s"]),
     h.make_node("ConcatFromSequence", ["s"], ["y"], axis=1)],
    "seqio", [seq_in, vi("t", [2, 3])], [seq_out, vi("y", [2, 8])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
m.ir_version = 8
onnx.checker.check_model(m)
path = os.path.join(out, "seqio.onnx")
onnx.save(m, path)
xs = [rng.standard_normal((2, 1)).astype(np.float32), rng.standard_normal((2, 4)).astype(np.float32)]
t = rng.standard_normal((2, 3)).astype(np.float32)
s, y = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"xs": xs, "t": t})
d = os.path.join(out, "seqio")
os.makedirs(d, exist_ok=True)
for i, v in enumerate(xs):
    np.save(os.path.join(d, f"xs_{i}_.npy"), v)
np.save(os.path.join(d, "t.npy"), t)
for i, v in enumerate(s):
    np.save(os.path.join(d, f"s_{i}_.npy"), v)
np.save(os.path.join(d, "y.npy"), y)
