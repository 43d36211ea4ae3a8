"""Writes the models of newer-opsets.test into the directory argv[1]."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper


def save(name, nodes, inputs, outputs, opset, inits=()):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.save(m, os.path.join(sys.argv[1], name + ".onnx"))


os.makedirs(sys.argv[1], exist_ok=True)
x = h.make_tensor_value_info("x", T.FLOAT, [2, 3, 4])
axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
save("reduce18", [h.make_node("ReduceMean", ["x", "axes"], ["y"], name="reduce", keepdims=1)],
     [x], [h.make_tensor_value_info("y", T.FLOAT, [2, 1, 4])], 18, [axes])
save("badattr18", [h.make_node("ReduceMean", ["x", "axes"], ["y"], name="reduce", axis=1)],
     [x], [h.make_tensor_value_info("y", T.FLOAT, [2, 1, 4])], 18, [axes])
z = h.make_tensor_value_info("z", T.FLOAT, [2, 4])
split_outputs = [h.make_tensor_value_info(n, T.FLOAT, [2, 2]) for n in ("a", "b")]
save("split18", [h.make_node("Split", ["z"], ["a", "b"], name="split", axis=1, num_outputs=2)],
     [z], split_outputs, 18)
sizes = numpy_helper.from_array(np.array([2, 2], np.int64), "sizes")
save("inputs18", [h.make_node("Split", ["z", "sizes", "sizes"], ["a", "b"], name="split", axis=1)],
     [z], split_outputs, 18, [sizes])
save("gelu20", [h.make_node("Gelu", ["x"], ["y"], name="gelu")],
     [x], [h.make_tensor_value_info("y", T.FLOAT, [2, 3, 4])], 20)
save("opset25", [h.make_node("Relu", ["x"], ["y"], name="relu")],
     [x], [h.make_tensor_value_info("y", T.FLOAT, [2, 3, 4])], 25)
