"""Writes the models and data of lit/runtime/if-fold.test into argv[1]:

  if_shape.onnx    y = If(Shape(x)[0] == 2) then relu(x) * w else b - x,
                   w an initializer of the main graph (outer scope), b one of
                   the else branch; x [N, 4] with N dynamic
  n2/, n3/         x of 2 and 3 rows and the expected y (numpy)
  if_runtime.onnx  an If on a boolean graph input
  if_unsupported.onnx  an If whose taken branch holds an op infer lacks
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
w = np.array([1.0, -2.0, 0.5, 3.0], np.float32)
b = np.array([0.25, 0.5, 0.75, 1.0], np.float32)
then_g = h.make_graph([h.make_node("Mul", ["r", "w"], ["t"], name="then_mul")], "then", [],
                      [h.make_tensor_value_info("t", T.FLOAT, None)])
else_g = h.make_graph([h.make_node("Sub", ["b", "x"], ["e"], name="else_sub")], "else", [],
                      [h.make_tensor_value_info("e", T.FLOAT, None)],
                      initializer=[numpy_helper.from_array(b, "b")])
nodes = [h.make_node("Relu", ["x"], ["r"], name="relu"),
         h.make_node("Shape", ["x"], ["s"], name="shape"),
         h.make_node("Gather", ["s", "zero"], ["n"], name="rows", axis=0),
         h.make_node("Equal", ["n", "two"], ["c"], name="is_two"),
         h.make_node("If", ["c"], ["y"], name="branch", then_branch=then_g, else_branch=else_g)]
g = h.make_graph(nodes, "if_shape", [h.make_tensor_value_info("x", T.FLOAT, ["N", 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["N", 4])],
                 initializer=[numpy_helper.from_array(w, "w"),
                              numpy_helper.from_array(np.array(0, np.int64), "zero"),
                              numpy_helper.from_array(np.array(2, np.int64), "two")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "if_shape.onnx"))
rng = np.random.default_rng(5)
for n in (2, 3):
    d = os.path.join(out, "n%d" % n)
    os.makedirs(d, exist_ok=True)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    y = np.maximum(x, 0) * w if n == 2 else b - x
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "y.npy"), y.astype(np.float32))

nodes = [h.make_node("If", ["c"], ["y"], name="branch", then_branch=then_g, else_branch=else_g)]
g = h.make_graph([h.make_node("Relu", ["x"], ["r"], name="relu")] + nodes, "if_runtime",
                 [h.make_tensor_value_info("x", T.FLOAT, [2, 4]),
                  h.make_tensor_value_info("c", T.BOOL, [])],
                 [h.make_tensor_value_info("y", T.FLOAT, [2, 4])],
                 initializer=[numpy_helper.from_array(w, "w")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "if_runtime.onnx"))

bad_g = h.make_graph([h.make_node("Unique", ["x"], ["t"], name="inner_unique")], "then", [],
                     [h.make_tensor_value_info("t", T.FLOAT, None)])
g = h.make_graph([h.make_node("If", ["c"], ["y"], name="branch", then_branch=bad_g,
                              else_branch=else_g)], "if_unsupported",
                 [h.make_tensor_value_info("x", T.FLOAT, [2, 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, [2, 4])],
                 initializer=[numpy_helper.from_array(np.array(True), "c")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "if_unsupported.onnx"))
