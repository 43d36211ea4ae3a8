"""Makes the recurrent models of lit/runtime/recurrent.test with the ONNX
helper, and their expected outputs with onnxruntime (run with the venv of
scripts/setup-venv.sh):

  .venv/bin/python3 lit/runtime/Inputs/recurrent/make.py lit/runtime/Inputs/recurrent

Each covers what PyTorch's exports leave out: lstm: bidirectional, initial
states, peepholes, clip and sequence lengths given at run time; lstm_acts:
reverse, sequence lengths as a constant, HardSigmoid / Elu / Softsign
activations with their alphas and betas; gru: bidirectional,
linear_before_reset, initial state, run-time sequence lengths; rnn:
bidirectional with Relu forward and LeakyRelu backward.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
rng = np.random.default_rng(0)
SEQ, BATCH, IN, HID = 6, 3, 10, 16


def rand(*shape, scale=0.3):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def make(name, op, gates, dirs, attrs, inits, feeds, outputs, extra_inputs):
    """`extra_inputs`: the op's optional inputs after X, W, R in order
    (B, sequence_lens, initial_h, initial_c, P), '' where absent."""
    init = [nh.from_array(rand(dirs, gates * HID, IN), "W"),
            nh.from_array(rand(dirs, gates * HID, HID), "R")] + inits
    node = h.make_node(op, ["X", "W", "R"] + extra_inputs, outputs, hidden_size=HID, **attrs)
    graph_inputs = [h.make_tensor_value_info(k, T.INT32 if v.dtype == np.int32 else T.FLOAT, v.shape)
                    for k, v in feeds.items()]
    graph = h.make_graph([node], name, graph_inputs,
                         [h.make_tensor_value_info(o, T.FLOAT, None) for o in outputs],
                         initializer=init)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, name + ".onnx"))
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for k, v in feeds.items():
        np.save(os.path.join(d, k + ".npy"), v)
    got = ort.InferenceSession(os.path.join(out, name + ".onnx"),
                               providers=["CPUExecutionProvider"]).run(None, feeds)
    for o, g in zip(outputs, got):
        np.save(os.path.join(d, o + ".npy"), g)


x = rand(SEQ, BATCH, IN, scale=1.0)
lens = np.array([6, 2, 4], np.int32)
make("lstm", "LSTM", 4, 2, {"direction": "bidirectional", "clip": 2.5},
     [nh.from_array(rand(2, 8 * HID), "B"), nh.from_array(rand(2, 3 * HID), "P")],
     {"X": x, "lens": lens, "h0": rand(2, BATCH, HID), "c0": rand(2, BATCH, HID)},
     ["Y", "Y_h", "Y_c"], ["B", "lens", "h0", "c0", "P"])
make("lstm_acts", "LSTM", 4, 1,
     {"direction": "reverse", "activations": ["HardSigmoid", "Elu", "Softsign"],
      "activation_alpha": [0.25, 0.8], "activation_beta": [0.45]},
     [nh.from_array(rand(1, 8 * HID), "B"), nh.from_array(np.array([5, 6, 1], np.int32), "lens")],
     {"X": x}, ["Y", "Y_h", "Y_c"], ["B", "lens"])
make("gru", "GRU", 3, 2, {"direction": "bidirectional", "linear_before_reset": 1},
     [nh.from_array(rand(2, 6 * HID), "B")],
     {"X": x, "lens": lens, "h0": rand(2, BATCH, HID)}, ["Y", "Y_h"], ["B", "lens", "h0"])
make("rnn", "RNN", 1, 2,
     {"direction": "bidirectional", "activations": ["Relu", "LeakyRelu"], "activation_alpha": [0.1]},
     [nh.from_array(rand(2, 2 * HID), "B")], {"X": x}, ["Y", "Y_h"], ["B"])
