#!/usr/bin/env python3
"""Writes the QDQ model onnxruntime's quantize_static makes of an ONNX model,
calibrated on a .npy of inputs, and (optionally) onnxruntime's outputs on a
test input: the explicit-quantization model and peer figures of issue 15.

  .venv/bin/python3 bench/quantize_ort.py MODEL.onnx CALIB.npy OUT.onnx \
      [--input NAME] [--batch 32] [--symmetric] [--per-channel] \
      [--calibrator minmax|entropy|percentile] [--run TEST.npy OUT_DIR]

--symmetric makes activations int8 with zero point 0 (ModelOpt's and
TensorRT's convention); onnxruntime's default is asymmetric. --run writes
OUT_DIR/<output>.npy for TEST.npy.
"""
import argparse
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod,
                                      QuantFormat, QuantType, quantize_static)

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("calibration")
p.add_argument("out")
p.add_argument("--input", default=None)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--symmetric", action="store_true")
p.add_argument("--per-channel", action="store_true")
p.add_argument("--uint8", action="store_true",
               help="uint8 activations (onnxruntime's fast x86 form, asymmetric)")
p.add_argument("--calibrator", default="minmax",
               choices=["minmax", "entropy", "percentile"])
p.add_argument("--run", nargs=2, metavar=("TEST", "OUT_DIR"))
a = p.parse_args()

model = onnx.load(a.model)
name = a.input or model.graph.input[0].name
data = np.load(a.calibration).astype(np.float32)


class Reader(CalibrationDataReader):
    def __init__(self):
        self.batches = iter([data[i:i + a.batch] for i in range(0, len(data), a.batch)])

    def get_next(self):
        b = next(self.batches, None)
        return None if b is None else {name: b}


method = {"minmax": CalibrationMethod.MinMax, "entropy": CalibrationMethod.Entropy,
          "percentile": CalibrationMethod.Percentile}[a.calibrator]
quantize_static(a.model, a.out, Reader(), quant_format=QuantFormat.QDQ,
                activation_type=QuantType.QUInt8 if a.uint8 else QuantType.QInt8, weight_type=QuantType.QInt8,
                per_channel=a.per_channel, calibrate_method=method,
                extra_options={"ActivationSymmetric": a.symmetric,
                               "WeightSymmetric": True})
print(f"wrote {a.out}")
if a.run:
    test, out_dir = a.run
    os.makedirs(out_dir, exist_ok=True)
    s = ort.InferenceSession(a.out, providers=["CPUExecutionProvider"])
    x = np.load(test).astype(np.float32)
    for o, v in zip(s.get_outputs(), s.run(None, {name: x})):
        np.save(os.path.join(out_dir, o.name + ".npy"), v)
        print(f"onnxruntime {o.name}: {v.shape}")
