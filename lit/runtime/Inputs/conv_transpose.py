"""Writes an ONNX model of 2-D transposed convolutions
(lit/runtime/conv-transpose.test): a 4x4 stride-2 upsampling with padding 1
and a bias, a 3x3 stride-2 one with output padding, a grouped dilated one
of stride 1, and one whose padding exceeds its window (a crop); batch 2.

  conv_transpose.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(5)
nodes, inits, outs = [], [], []


def convt(name, c, m, k, group=1, bias=True, **attrs):
    w = (rng.standard_normal((c, m // group, k, k)) / np.sqrt(c * k)).astype(np.float32)
    inputs = ["x", name + "_w"]
    inits.append(numpy_helper.from_array(w, name + "_w"))
    if bias:
        inits.append(numpy_helper.from_array((rng.standard_normal(m) * 0.1).astype(np.float32),
                                             name + "_b"))
        inputs.append(name + "_b")
    nodes.append(helper.make_node("ConvTranspose", inputs, [name], kernel_shape=[k, k],
                                  group=group, **attrs))


convt("up4", 12, 8, 4, strides=[2, 2], pads=[1, 1, 1, 1])
convt("up3", 12, 6, 3, strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1], bias=False)
convt("grouped", 12, 6, 3, group=3, dilations=[2, 2], pads=[1, 0, 1, 2])
convt("crop", 12, 4, 2, strides=[3, 3], pads=[2, 2, 1, 1])
shapes = {"up4": [2, 8, 18, 22], "up3": [2, 6, 18, 22], "grouped": [2, 6, 11, 13],
          "crop": [2, 4, 23, 29]}
graph = helper.make_graph(
    nodes, "conv_transpose",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 12, 9, 11])],
    [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in shapes.items()], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
