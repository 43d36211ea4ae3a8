"""Writes the models of lit/frontend/control-flow.test into argv[1]: Loop,
Scan, sequence and optional, MaxUnpool, RoiAlign and TfIdfVectorizer
models that import, and one per error."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def vi(name, shape, t=T.FLOAT):
    return h.make_tensor_value_info(name, t, shape)


def save(name, nodes, inputs, outputs, opset=17, inits=()):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))


def loop_body(cond):
    """y_out = y_in + 1; the condition `cond` ('same': passed through,
    'data': y_out's sum > 10, computed at run time)."""
    nodes = [h.make_node("Add", ["y_in", "one"], ["y_out"]),
             h.make_node("Identity", ["y_out"], ["scan"])]
    if cond == "same":
        nodes.append(h.make_node("Identity", ["c_in"], ["c_out"]))
    else:
        nodes += [h.make_node("ReduceSum", ["y_out"], ["s"], keepdims=0),
                  h.make_node("Greater", ["s", "ten"], ["c_out"])]
    return h.make_graph(nodes, "body", [vi("i", [], T.INT64), vi("c_in", [], T.BOOL), vi("y_in", [2])],
                        [vi("c_out", [], T.BOOL), vi("y_out", [2]), vi("scan", [2])],
                        initializer=[nh.from_array(np.array(1, np.float32), "one"),
                                     nh.from_array(np.array(10, np.float32), "ten")])


y = vi("y", [2])
outs = [vi("yf", None), vi("ys", None)]
trip = nh.from_array(np.array(3, np.int64), "trip")
save("loop_const", [h.make_node("Loop", ["trip", "", "y"], ["yf", "ys"], name="loop", body=loop_body("same"))],
     [y], outs, inits=[trip])
save("loop_trip_runtime", [h.make_node("Loop", ["m", "", "y"], ["yf", "ys"], name="loop", body=loop_body("same"))],
     [vi("m", [], T.INT64), y], outs)
save("loop_cond_runtime", [h.make_node("Loop", ["trip", "", "y"], ["yf", "ys"], name="loop", body=loop_body("data"))],
     [y], outs, inits=[trip])
save("loop_forever", [h.make_node("Loop", ["", "", "y"], ["yf", "ys"], name="loop", body=loop_body("same"))],
     [y], outs)

sbody = h.make_graph([h.make_node("Add", ["s_in", "x_t"], ["s_out"])], "sbody",
                     [vi("s_in", [2]), vi("x_t", [2])], [vi("s_out", [2])])
save("scan_lengths", [h.make_node("Scan", ["s", "a", "b"], ["sf"], name="scan", body=h.make_graph(
    [h.make_node("Add", ["s_in", "a_t"], ["t"]), h.make_node("Add", ["t", "b_t"], ["s_out"])], "b2",
    [vi("s_in", [2]), vi("a_t", [2]), vi("b_t", [2])], [vi("s_out", [2])]), num_scan_inputs=2)],
     [vi("s", [2]), vi("a", [3, 2]), vi("b", [4, 2])], [vi("sf", None)])

x = vi("x", [2, 6])
sizes = nh.from_array(np.array([2, 4], np.int64), "sizes")
save("sequence_at_range", [h.make_node("SplitToSequence", ["x", "sizes"], ["seq"], name="split", axis=1),
                           h.make_node("SequenceAt", ["seq", "p"], ["y"], name="at")],
     [x], [vi("y", None)], inits=[sizes, nh.from_array(np.array(2, np.int64), "p")])
save("concat_empty", [h.make_node("SequenceEmpty", [], ["seq"], name="empty"),
                      h.make_node("ConcatFromSequence", ["seq"], ["y"], name="cat", axis=0)],
     [], [vi("y", None)])
save("optional_none", [h.make_node("OptionalHasElement", ["o"], ["has"], name="has")],
     [h.make_value_info("o", h.make_optional_type_proto(h.make_tensor_type_proto(T.FLOAT, [2])))],
     [vi("has", [], T.BOOL)], opset=18)

save("unpool_indices", [h.make_node("MaxUnpool", ["x", "i"], ["y"], name="unpool", kernel_shape=[2, 2],
                                    strides=[2, 2])],
     [vi("x", [1, 1, 2, 2]), vi("i", [1, 1, 2, 3], T.INT64)], [vi("y", None)], opset=11)
save("roialign_adaptive", [h.make_node("RoiAlign", ["x", "r", "b"], ["y"], name="roi", sampling_ratio=0)],
     [vi("x", [1, 2, 8, 8]), vi("r", [3, 4]), vi("b", [3], T.INT64)], [vi("y", None)], opset=16)
save("tfidf_counts", [h.make_node("TfIdfVectorizer", ["t"], ["y"], name="tfidf", mode="TF",
                                  min_gram_length=1, max_gram_length=2, max_skip_count=0,
                                  ngram_counts=[0, 3], ngram_indexes=[0, 1, 2, 3],
                                  pool_int64s=[1, 2, 3, 4, 5, 6])],
     [vi("t", [2, 5], T.INT64)], [vi("y", None)], opset=9)
