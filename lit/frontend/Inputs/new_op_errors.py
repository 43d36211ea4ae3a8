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

# Recurrent ops and Attention.
xs = h.make_tensor_value_info("x", T.FLOAT, [6, 3, 10])
w4, r4 = np.zeros((1, 64, 10), np.float32), np.zeros((1, 64, 16), np.float32)
save("lstm_act", h.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm", hidden_size=16,
                             activations=["Gelu", "Tanh", "Tanh"]), [xs], 14,
     [nh.from_array(w4, "w"), nh.from_array(r4, "r")])
save("lstm_forget", h.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm", hidden_size=16,
                                input_forget=1), [xs], 14,
     [nh.from_array(w4, "w"), nh.from_array(r4, "r")])
save("gru_w", h.make_node("GRU", ["x", "w", "r"], ["y"], name="gru", hidden_size=16), [xs], 14,
     [nh.from_array(np.zeros((1, 40, 10), np.float32), "w"),
      nh.from_array(np.zeros((1, 48, 16), np.float32), "r")])
save("rnn_lens", h.make_node("RNN", ["x", "w", "r", "", "l"], ["y"], name="rnn", hidden_size=16),
     [xs], 14, [nh.from_array(np.zeros((1, 16, 10), np.float32), "w"),
                nh.from_array(np.zeros((1, 16, 16), np.float32), "r"),
                nh.from_array(np.array([6, 9, 1], np.int32), "l")])
q3 = h.make_tensor_value_info("q", T.FLOAT, [2, 4, 24])
save("att_mode", h.make_node("Attention", ["q", "q", "q"], ["y"], name="att", q_num_heads=3,
                             kv_num_heads=3, qk_matmul_output_mode=5), [q3], 23)
save("att_heads", h.make_node("Attention", ["q", "q", "q"], ["y"], name="att", q_num_heads=5,
                              kv_num_heads=3), [q3], 23)
save("att_gqa", h.make_node("Attention", ["q", "k", "k"], ["y"], name="att"),
     [h.make_tensor_value_info("q", T.FLOAT, [2, 4, 5, 8]),
      h.make_tensor_value_info("k", T.FLOAT, [2, 3, 5, 8])], 23)

# Spectral ops, normalization and the other opset 18-24 ops.
sig = h.make_tensor_value_info("x", T.FLOAT, [1, 16, 1])
save("dft_axis", h.make_node("DFT", ["x"], ["y"], name="dft", axis=2), [sig], 19)
save("stft_window", h.make_node("STFT", ["x", "s", "w"], ["y"], name="stft"), [sig], 17,
     [nh.from_array(np.array(4, np.int64), "s"), nh.from_array(np.ones(8, np.float32), "w"),
      ])
save("stft_window_len", h.make_node("STFT", ["x", "s", "w", "l"], ["y"], name="stft"), [sig], 17,
     [nh.from_array(np.array(4, np.int64), "s"), nh.from_array(np.ones(8, np.float32), "w"),
      nh.from_array(np.array(6, np.int64), "l")])
save("groupnorm", h.make_node("GroupNormalization", ["x", "s", "s"], ["y"], name="gn", num_groups=2),
     [x4], 21, [nh.from_array(np.ones(3, np.float32), "s")])
save("rope_dim", h.make_node("RotaryEmbedding", ["x", "c", "c"], ["y"], name="rope",
                             rotary_embedding_dim=7), [x4], 23,
     [nh.from_array(np.ones((2, 4, 3), np.float32), "c")])
save("crop_axes", h.make_node("CenterCropPad", ["x", "t"], ["y"], name="crop", axes=[1, 2]),
     [x4], 18, [nh.from_array(np.array([2], np.int64), "t")])
save("affine_grid", h.make_node("AffineGrid", ["t", "n"], ["y"], name="grid"),
     [h.make_tensor_value_info("t", T.FLOAT, [2, 2, 3])], 20,
     [nh.from_array(np.array([2, 3, 4, 5, 6], np.int64), "n")])
save("grid_cubic_reflect", h.make_node("GridSample", ["x", "g"], ["y"], name="gs", mode="cubic",
                                       padding_mode="reflection"),
     [x4, h.make_tensor_value_info("g", T.FLOAT, [2, 3, 3, 2])], 22)
