#!/usr/bin/env python3
"""Writes the binary ONNX inputs of the importer's lit tests into a folder.

named.onnx        nodes with names, one of which has mismatched shapes
truncated.onnx    a valid model cut in half
garbage.onnx      random bytes
external.onnx     a weight in an external data file (weights.bin)
external-missing.onnx, external-escape.onnx: broken external references
external-symlink.onnx   weights.bin is a link to /etc/passwd
external-devzero.onnx   a link to /dev/zero
external-fifo.onnx      a FIFO in the model's folder
external-length.onnx    a length other than the tensor's bytes
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m


def main(out):
    os.makedirs(out, exist_ok=True)
    f32 = TensorProto.FLOAT
    vi = helper.make_tensor_value_info

    named = model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu0"),
         helper.make_node("Add", ["r", "b"], ["y"], name="add0")],
        [vi("x", f32, [2, 3]), vi("b", f32, [4, 3])], [vi("y", f32, [2, 3])])
    onnx.save(named, os.path.join(out, "named.onnx"))

    w = numpy_helper.from_array(np.arange(4096, dtype=np.float32).reshape(64, 64), "w")
    big = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                [vi("x", f32, [1, 64])], [vi("y", f32, [1, 64])], [w])
    data = big.SerializeToString()
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])

    rng = random.Random(7)
    with open(os.path.join(out, "garbage.onnx"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(300)))

    def external(name, location, write=True, length="16"):
        t = numpy_helper.from_array(np.array([1, 2, 3, 4], dtype=np.float32), "w")
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "8"), ("length", length)):
            e = t.external_data.add()
            e.key, e.value = k, v
        if write:
            with open(os.path.join(out, location), "wb") as f:
                f.write(b"\0" * 8 + np.array([1, 2, 3, 4], np.float32).tobytes())
        m = model([helper.make_node("Mul", ["x", "w"], ["y"], name="scale")],
                  [vi("x", f32, [4])], [vi("y", f32, [4])], [t])
        with open(os.path.join(out, name), "wb") as f:
            f.write(m.SerializeToString())

    external("external.onnx", "weights.bin")
    external("external-missing.onnx", "missing.bin", write=False)
    external("external-escape.onnx", "../escape.bin", write=False)
    # Hostile references: the location is inside the folder, the file is not.
    os.symlink("/etc/passwd", os.path.join(out, "passwd.bin"))
    external("external-symlink.onnx", "passwd.bin", write=False)
    os.symlink("/dev/zero", os.path.join(out, "zero.bin"))
    external("external-devzero.onnx", "zero.bin", write=False)
    os.mkfifo(os.path.join(out, "fifo.bin"))
    external("external-fifo.onnx", "fifo.bin", write=False)
    external("external-length.onnx", "weights.bin", write=False, length="12")


if __name__ == "__main__":
    main(sys.argv[1])
