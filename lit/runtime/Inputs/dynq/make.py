"""Makes the dynamically quantized models of lit/runtime/dynamic-quant.test
with onnxruntime's quantize_dynamic (run with the venv of
scripts/setup-venv.sh; the outputs are onnxruntime's):

  .venv/bin/python3 lit/runtime/Inputs/dynq/make.py lit/runtime/Inputs/dynq

mlp: MatMul + bias + ReLU + MatMul, int8 weights (DynamicQuantizeLinear,
MatMulInteger); cnn: a 3x3 Conv + ReLU, uint8 weights (ConvInteger).
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh
from onnxruntime.quantization import QuantType, quantize_dynamic

out = sys.argv[1]
rng = np.random.default_rng(0)


def make(name, nodes, x_shape, y_shape, inits, weight_type, ops):
    g = h.make_graph(nodes, name, [h.make_tensor_value_info("x", T.FLOAT, x_shape)],
                     [h.make_tensor_value_info("y", T.FLOAT, y_shape)], initializer=inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(m, os.path.join(d, "float.onnx"))
    quantize_dynamic(os.path.join(d, "float.onnx"), os.path.join(out, name + ".onnx"),
                     weight_type=weight_type, op_types_to_quantize=ops)
    os.remove(os.path.join(d, "float.onnx"))
    x = rng.standard_normal(x_shape).astype(np.float32)
    np.save(os.path.join(d, "x.npy"), x)
    y = ort.InferenceSession(os.path.join(out, name + ".onnx")).run(None, {"x": x})[0]
    np.save(os.path.join(d, "y.npy"), y)


w1 = (rng.standard_normal((64, 128)) * 0.1).astype(np.float32)
b1 = (rng.standard_normal(128) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((128, 10)) * 0.1).astype(np.float32)
make("mlp", [h.make_node("MatMul", ["x", "w1"], ["m1"]), h.make_node("Add", ["m1", "b1"], ["a1"]),
             h.make_node("Relu", ["a1"], ["r1"]), h.make_node("MatMul", ["r1", "w2"], ["y"])],
     [4, 64], [4, 10], [nh.from_array(w1, "w1"), nh.from_array(b1, "b1"), nh.from_array(w2, "w2")],
     QuantType.QInt8, ["MatMul"])
w = (rng.standard_normal((8, 3, 3, 3)) * 0.2).astype(np.float32)
b = (rng.standard_normal(8) * 0.1).astype(np.float32)
make("cnn", [h.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             h.make_node("Relu", ["c"], ["y"])],
     [1, 3, 8, 8], [1, 8, 8, 8], [nh.from_array(w, "w"), nh.from_array(b, "b")],
     QuantType.QUInt8, ["Conv"])
