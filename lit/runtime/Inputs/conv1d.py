"""Writes an ONNX model of 1-D convolutions (lit/runtime/conv1d.test): 'same'
with a bias and ReLU, stride 2 with asymmetric padding, dilated, depthwise
and grouped; batch 2. And a 2-D convolution whose bias is added after a
reshape that flattens the image ("flat").

  conv1d.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(3)
nodes, inits, outs = [], [], []


def conv(x, c, m, k, name, group=1, **attrs):
    w = (rng.standard_normal((m, c // group, k)) / np.sqrt(c // group * k)).astype(np.float32)
    b = (rng.standard_normal(m) * 0.1).astype(np.float32)
    inits.extend([numpy_helper.from_array(w, name + "_w"), numpy_helper.from_array(b, name + "_b")])
    nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name], kernel_shape=[k],
                                  group=group, **attrs))
    return name


a = conv("x", 16, 32, 5, "same", pads=[2, 2])
nodes.append(helper.make_node("Relu", [a], ["same_relu"]))
b = conv("same_relu", 32, 24, 3, "strided", strides=[2], pads=[0, 1])
c = conv("x", 16, 16, 3, "dilated", dilations=[2], pads=[2, 2])
d = conv("x", 16, 16, 7, "depthwise", group=16, pads=[3, 3])
e = conv("x", 16, 8, 3, "grouped", group=4, pads=[1, 1])
nodes.append(helper.make_node("Reshape", ["x", "to4d"], ["x4"]))
w2 = (rng.standard_normal((12, 16, 3, 3)) / 12).astype(np.float32)
inits += [numpy_helper.from_array(np.array([2, 16, 1, 101], np.int64), "to4d"),
          numpy_helper.from_array(w2, "w2"),
          numpy_helper.from_array(np.array([2, 12, 101], np.int64), "to3d"),
          numpy_helper.from_array(rng.standard_normal((12, 1)).astype(np.float32), "bias2")]
nodes.append(helper.make_node("Conv", ["x4", "w2"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
nodes.append(helper.make_node("Reshape", ["c2", "to3d"], ["c2flat"]))
nodes.append(helper.make_node("Add", ["c2flat", "bias2"], ["c2bias"]))
nodes.append(helper.make_node("Relu", ["c2bias"], ["flat"]))
shapes = {"strided": [2, 24, 50], "dilated": [2, 16, 101], "depthwise": [2, 16, 101],
          "grouped": [2, 8, 101], "flat": [2, 12, 101]}
graph = helper.make_graph(
    nodes, "conv1d", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 16, 101])],
    [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in shapes.items()], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
