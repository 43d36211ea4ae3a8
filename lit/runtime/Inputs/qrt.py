"""Writes a QuantizeLinear / DequantizeLinear pair whose scale and zero point
are graph inputs (as DynamicQuantizeLinear's expanded form computes them)
into argv[1], with numpy's results (lit/runtime/dynamic-quant.test)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
nodes = [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quantize"),
         h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dequantize")]
g = h.make_graph(nodes, "qrt", [h.make_tensor_value_info("x", T.FLOAT, [3, 5]),
                                h.make_tensor_value_info("s", T.FLOAT, []),
                                h.make_tensor_value_info("z", T.UINT8, [])],
                 [h.make_tensor_value_info("q", T.UINT8, [3, 5]),
                  h.make_tensor_value_info("y", T.FLOAT, [3, 5])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "qrt.onnx"))
x = (np.random.default_rng(4).standard_normal((3, 5)) * 3).astype(np.float32)
x[0, 0], x[0, 1] = 0.25, 100.0  # a tie (to even) and a saturation
s, z = np.float32(0.5), np.uint8(10)
q = np.clip(np.rint(x / s) + z, 0, 255).astype(np.uint8)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "s.npy"), np.array(s))
np.save(os.path.join(out, "z.npy"), np.array(z))
np.save(os.path.join(out, "q.npy"), q)
np.save(os.path.join(out, "y.npy"), ((q.astype(np.float32) - z) * s).astype(np.float32))
