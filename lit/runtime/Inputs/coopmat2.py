"""Writes wide.onnx into argv[1] for lit/runtime/vulkan.test: y = relu(x @ W
+ b) with x [4224, 64] and W [64, 1024], 132 tiles of 128 x 256 at fp16,
as many as the workgroup-scope kernel (+coopmat2) takes."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

rng = np.random.default_rng(3)
w = (rng.standard_normal((64, 1024)) / 8).astype(np.float32)
b = (rng.standard_normal(1024) / 4).astype(np.float32)
g = h.make_graph(
    [h.make_node("MatMul", ["x", "w"], ["p"], name="MatMul_0"),
     h.make_node("Add", ["p", "b"], ["q"], name="Add_0"),
     h.make_node("Relu", ["q"], ["y"], name="Relu_0")],
    "wide", [h.make_tensor_value_info("x", T.FLOAT, [4224, 64])],
    [h.make_tensor_value_info("y", T.FLOAT, [4224, 1024])],
    [nh.from_array(w, "w"), nh.from_array(b, "b")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
m.ir_version = 8
with open(os.path.join(sys.argv[1], "wide.onnx"), "wb") as f:
    f.write(m.SerializeToString())
