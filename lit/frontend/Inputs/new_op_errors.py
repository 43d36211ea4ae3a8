"""Writes one bad model per error of the importers added for issue 18 into
argv[1] (lit/frontend/new-op-errors.test)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, node, inputs, opset, inits=()):
    g = h.make_graph([node], name, inputs, [h.make_tensor_value_info(node.output[0], T.FLOAT, None)],
                     initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))


x4 = h.make_tensor_value_info("x", T.FLOAT, [2, 3, 4, 5])
save("rms_stash", h.make_node("RMSNormalization", ["x", "s"], ["y"], name="rms", stash_type=0),
     [x4], 23, [nh.from_array(np.ones(5, np.float32), "s")])
save("lp_p3", h.make_node("LpNormalization", ["x"], ["y"], name="lp", p=3), [x4], 13)
save("gathernd_batch", h.make_node("GatherND", ["x", "i"], ["y"], name="gnd", batch_dims=1),
     [x4], 13, [nh.from_array(np.zeros((3, 1), np.int64), "i")])
save("scatter_shape", h.make_node("ScatterND", ["x", "i", "u"], ["y"], name="snd"), [x4], 13,
     [nh.from_array(np.zeros((2, 1), np.int64), "i"), nh.from_array(np.zeros((2, 3), np.float32), "u")])
save("window_size", h.make_node("HannWindow", ["n"], ["y"], name="hann"), [], 17,
     [nh.from_array(np.array([3, 4], np.int64), "n")])
save("reverse_axes", h.make_node("ReverseSequence", ["x", "l"], ["y"], name="rev", batch_axis=2,
                                 time_axis=0), [x4], 13, [nh.from_array(np.ones(3, np.int64), "l")])
save("det_rect", h.make_node("Det", ["x"], ["y"], name="det"),
     [h.make_tensor_value_info("x", T.FLOAT, [2, 3])], 13)
