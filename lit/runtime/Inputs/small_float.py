"""Writes models that cast f32 to ONNX's float8 / float4 / int4 types and
back (lit/runtime/small-float.test) into argv[1], each with inputs and the
values ONNX's Cast definition gives for them (its saturation tables, round
to nearest even), computed here by hand from the formats' definitions.
Debian's onnx 1.12 has no names for these types: they are written as
numbers (17 float8e4m3fn, 19 float8e5m2, 22 int4, 23 float4e2m1)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
inf, nan = np.inf, np.nan
X = np.array([0.5, 448, 460, 464, 1e6, -1e6, inf, -inf, nan, 2 ** -10, 2 ** -9, 3 * 2 ** -10,
              -0.0, 0.1, 57344, 61440, 1.75, 5.5, -9, 2.5], np.float32)
cases = {
    # name: (type, saturate, expected values after the round trip)
    "e4m3fn_sat": (17, 1, [0.5, 448, 448, 448, 448, -448, 448, -448, nan, 0, 2 ** -9, 2 ** -8,
                           -0.0, 0.1015625, 448, 448, 1.75, 5.5, -9, 2.5]),
    "e4m3fn": (17, 0, [0.5, 448, 448, 448, nan, nan, nan, nan, nan, 0, 2 ** -9, 2 ** -8,
                       -0.0, 0.1015625, nan, nan, 1.75, 5.5, -9, 2.5]),
    "e5m2": (19, 0, [0.5, 448, 448, 448, inf, -inf, inf, -inf, nan, 2 ** -10, 2 ** -9,
                     3 * 2 ** -10, -0.0, 0.09375, 57344, inf, 1.75, 6, -8, 2.5]),
    "e2m1": (23, 1, [0.5, 6, 6, 6, 6, -6, 6, -6, None, 0, 0, 0, -0.0, 0, 6, 6, 2, 6, -6, 2]),
    "int4": (22, 1, [0, 0, -4, 0, None, None, None, None, None, 0, 0, 0, 0, 0, None, None,
                     1, 5, 7, 2]),
}
for name, (to, sat, want) in cases.items():
    attrs = {"saturate": sat} if to in (17, 19) else {}
    nodes = [h.make_node("Cast", ["x"], ["q"], to=to, **attrs),
             h.make_node("Cast", ["q"], ["y"], to=T.FLOAT)]
    g = h.make_graph(nodes, name, [h.make_tensor_value_info("x", T.FLOAT, [len(X)])],
                     [h.make_tensor_value_info("y", T.FLOAT, [len(X)])])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 23)])
    m.ir_version = 10
    x = X.copy()
    w = np.array([v if v is not None else 0.0 for v in want], np.float32)
    if name == "int4":
        # Floats truncate toward zero and wrap to 4 bits (460 = 28 * 16 + 12
        # is -4, -9 is 7); infinities and NaN are left out (undefined).
        keep = [i for i, v in enumerate(want) if v is not None]
        x, w = x[keep], w[keep]
    if name == "e2m1":
        keep = [i for i, v in enumerate(want) if v is not None]
        x, w = x[keep], w[keep]
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "y.npy"), w)
    # The model with the matching input length.
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_value = len(x)
    m.graph.output[0].type.tensor_type.shape.dim[0].dim_value = len(x)
    onnx.save(m, os.path.join(out, name + ".onnx"))

# A float8 input: numpy has no float8, so its codes come as uint8.
g = h.make_graph([h.make_node("Cast", ["x"], ["y"], to=T.FLOAT)], "codes",
                 [h.make_tensor_value_info("x", 17, [5])],
                 [h.make_tensor_value_info("y", T.FLOAT, [5])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 23)])
m.ir_version = 10
onnx.save(m, os.path.join(out, "codes.onnx"))
d = os.path.join(out, "codes")
os.makedirs(d, exist_ok=True)
# 1.0, 448 (the largest), NaN, 2^-9 (the smallest subnormal), -0.5
np.save(os.path.join(d, "x.npy"), np.array([0x38, 0x7E, 0x7F, 0x01, 0xB0], np.uint8))
np.save(os.path.join(d, "y.npy"), np.array([1.0, 448.0, nan, 2 ** -9, -0.5], np.float32))
