"""Writes GatherND models and numpy's results into argv[1] (lit/runtime/gathernd.test):
c0: 2-element tuples of a [4, 5, 6] tensor; c1: 3-element tuples (scalars);
c2: batch_dims 1; c3: batch_dims 2 on a rank-4 tensor; negative indices in
all."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

out = sys.argv[1]
rng = np.random.default_rng(1)


def gather_nd(x, idx, b):
    lead = idx.shape[:-1]
    k = idx.shape[-1]
    res = np.empty(lead + x.shape[b + k:], x.dtype)
    for pos in np.ndindex(*lead):
        t = tuple(int(v) for v in idx[pos])
        res[pos] = x[pos[:b] + t]
    return res


for name, xs, shape, b in (("c0", (4, 5, 6), (3, 2), 0), ("c1", (4, 5, 6), (2, 3, 3), 0),
                           ("c2", (2, 5, 6), (2, 4, 1), 1), ("c3", (2, 3, 5, 6), (2, 3, 2), 2)):
    x = rng.standard_normal(xs).astype(np.float32)
    idx = np.zeros(shape, np.int64)
    for j in range(shape[-1]):
        dim = xs[b + j]
        idx[..., j] = rng.integers(-dim, dim, shape[:-1])
    g = h.make_graph([h.make_node("GatherND", ["x", "i"], ["y"], name="gather_nd", batch_dims=b)],
                     name, [h.make_tensor_value_info("x", T.FLOAT, xs),
                            h.make_tensor_value_info("i", T.INT64, shape)],
                     [h.make_tensor_value_info("y", T.FLOAT, None)])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
    m.ir_version = 8
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(m, d + ".onnx")
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "i.npy"), idx)
    np.save(os.path.join(d, "y.npy"), gather_nd(x, idx, b))
