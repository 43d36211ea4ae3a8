"""Writes Det models of [2, 3, 3] and [1, 1] matrices and numpy's
determinants into argv[1] (lit/runtime/det.test), and a [4, 4] one."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

out = sys.argv[1]
rng = np.random.default_rng(6)
for name, shape in (("d3", [2, 3, 3]), ("d1", [1, 1]), ("d4", [4, 4])):
    g = h.make_graph([h.make_node("Det", ["x"], ["y"], name="det")], name,
                     [h.make_tensor_value_info("x", T.FLOAT, shape)],
                     [h.make_tensor_value_info("y", T.FLOAT, None)])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
    m.ir_version = 8
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(m, d + ".onnx")
    x = rng.standard_normal(shape).astype(np.float32)
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "y.npy"), np.linalg.det(x.astype(np.float64)).astype(np.float32))
