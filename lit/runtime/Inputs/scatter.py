"""Writes Scatter models and numpy's results into argv[1] (lit/runtime/scatter.test):
se_none / se_add: ScatterElements along axis 0 of a [5, 6] tensor with [3, 4]
indices (negative ones; 4 of the 6 columns: the padded path), reduction none
and add; snd: ScatterND of rows of a [4, 5, 6] tensor (a negative index)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

out = sys.argv[1]
rng = np.random.default_rng(2)


def save(name, node, inputs, y):
    g = h.make_graph([node], name,
                     [h.make_tensor_value_info(k, T.FLOAT if v.dtype == np.float32 else T.INT64,
                                               v.shape) for k, v in inputs.items()],
                     [h.make_tensor_value_info("y", T.FLOAT, None)])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 18)])
    m.ir_version = 8
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(m, d + ".onnx")
    for k, v in inputs.items():
        np.save(os.path.join(d, k + ".npy"), v)
    np.save(os.path.join(d, "y.npy"), y)


x = rng.standard_normal((5, 6)).astype(np.float32)
idx = np.stack([rng.permutation(5)[:3] - 5 for _ in range(4)], axis=1).astype(np.int64)
u = rng.standard_normal((3, 4)).astype(np.float32)
for red in ("none", "add"):
    y = x.copy()
    for j in range(3):
        for c in range(4):
            r = idx[j, c] % 5
            y[r, c] = u[j, c] if red == "none" else y[r, c] + u[j, c]
    save("se_" + red, h.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="scatter",
                                  axis=0, reduction=red), {"x": x, "i": idx, "u": u}, y)
x3 = rng.standard_normal((4, 5, 6)).astype(np.float32)
ind = np.array([[0, 1], [3, -1], [2, 2]], np.int64)
up = rng.standard_normal((3, 6)).astype(np.float32)
y = x3.copy()
for j in range(3):
    y[ind[j, 0], ind[j, 1]] = up[j]
save("snd", h.make_node("ScatterND", ["x", "i", "u"], ["y"], name="scatter_nd"),
     {"x": x3, "i": ind, "u": up}, y)
