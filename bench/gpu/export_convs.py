#!/usr/bin/env python3
"""Writes single-convolution models shaped like ResNet-50's layers at batch
1 (fp32 ONNX with seeded weights, + bias + ReLU), for timing one kernel
template's variants on the GPU without carrying a whole network.

  export_convs.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name: (channels in, channels out, kernel, stride, image size)
CONVS = {
    "conv_l1_3x3": (64, 64, 3, 1, 56),
    "conv_l2_3x3": (128, 128, 3, 1, 28),
    "conv_l3_3x3": (256, 256, 3, 1, 14),
    "conv_l4_3x3": (512, 512, 3, 1, 7),
    "conv_l3_1x1_in": (1024, 256, 1, 1, 14),
    "conv_l3_1x1_out": (256, 1024, 1, 1, 14),
    "conv_l4_1x1_out": (512, 2048, 1, 1, 7),
    # Not ResNet's: 6 output channels, rows of C that are no whole vectors.
    "conv_odd_out": (64, 6, 3, 1, 28),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    g = np.random.default_rng(0)
    for name, (ci, co, k, s, hw) in CONVS.items():
        w = (g.standard_normal((co, ci, k, k)) / np.sqrt(ci * k * k)).astype(np.float32)
        b = (g.standard_normal(co) * 0.1).astype(np.float32)
        ho = (hw + 2 * (k // 2) - k) // s + 1
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[k // 2] * 4,
                                  strides=[s, s], kernel_shape=[k, k]),
                 helper.make_node("Relu", ["c"], ["y"])]
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, ci, hw, hw])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, co, ho, ho])],
            initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        onnx.save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
