"""Exports small models with PyTorch 2's ONNX exporters, for infer's
import tests (issue 18: "a PyTorch 2 export at opset 18 or newer").

Debian's PyTorch here is 1.13, whose exporter stops at opset 17; the GPU
machine has PyTorch 2 with onnxscript, so this runs there (no GPU needed)
and writes one tar of models, inputs and outputs:

    python3 bench/gpu/export_torch2.py $OUT/torch2.tar

Each model NAME gives NAME.onnx, NAME/<input>.npy, NAME/torch/<output>.npy
(PyTorch's outputs in fp32) and NAME/ort/<output>.npy (onnxruntime's, where
it ran the export), and manifest.json says which exporter and opset wrote
each model. lit/runtime/torch2-exports.test holds the tar's contents:

    tar -xf torch2.tar -C lit/runtime/Inputs/torch2 Weights are random (seeded) and small, so the models can be
kept in the repository; the shapes are those of real layers.
"""
import io
import json
import sys
import tarfile
import traceback

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)


class SmallCnn(nn.Module):
    """Conv, BatchNorm, ReLU, residual, pooling, Linear (a ResNet block)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.block = nn.Sequential(nn.Conv2d(16, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                                   nn.Conv2d(16, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16))
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        y = self.stem(x)
        y = torch.relu(y + self.block(y))
        y = nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.head(y)


class BiLstm(nn.Module):
    """A two-layer bidirectional LSTM tagger with initial states."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(24, 32, num_layers=2, bidirectional=True, batch_first=True)
        self.out = nn.Linear(64, 5)

    def forward(self, x, h0, c0):
        y, (h, c) = self.lstm(x, (h0, c0))
        return self.out(y), h, c


class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(24, 32, bidirectional=True)

    def forward(self, x):
        y, h = self.gru(x)
        return y, h


class Encoder(nn.Module):
    """Two pre-norm transformer encoder layers with a padding mask."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, x, mask):
        return self.enc(x, src_key_padding_mask=mask)


class CausalSdpa(nn.Module):
    """Grouped-query causal attention through scaled_dot_product_attention,
    as decoder LLMs write it (at opset 23 the exporter emits ONNX Attention)."""

    def __init__(self):
        super().__init__()
        self.q = nn.Linear(64, 64)
        self.kv = nn.Linear(64, 32)
        self.o = nn.Linear(64, 64)

    def forward(self, x):
        b, s, _ = x.shape
        q = self.q(x).view(b, s, 8, 8).transpose(1, 2)
        k, v = self.kv(x).view(b, s, 2, 2, 8).permute(2, 0, 3, 1, 4)
        y = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        return self.o(y.transpose(1, 2).reshape(b, s, 64))


def models():
    x_img = torch.randn(2, 3, 32, 32)
    x_seq = torch.randn(3, 7, 24)
    h0 = torch.randn(4, 3, 32)
    c0 = torch.randn(4, 3, 32)
    x_enc = torch.randn(2, 9, 64)
    mask = torch.zeros(2, 9, dtype=torch.bool)
    mask[1, 6:] = True
    yield "cnn", SmallCnn(), (x_img,), ["x"], ["y"], 18
    yield "bilstm", BiLstm(), (x_seq, h0, c0), ["x", "h0", "c0"], ["y", "h", "c"], 18
    yield "gru", Gru(), (torch.randn(7, 3, 24),), ["x"], ["y", "h"], 18
    yield "encoder", Encoder(), (x_enc, mask), ["x", "mask"], ["y"], 18
    yield "sdpa18", CausalSdpa(), (torch.randn(2, 10, 64),), ["x"], ["y"], 18
    yield "sdpa23", CausalSdpa(), (torch.randn(2, 10, 64),), ["x"], ["y"], 23


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def npy(a):
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def main():
    out = sys.argv[1]
    manifest = {"torch": torch.__version__}
    try:
        import onnxruntime as ort
        manifest["onnxruntime"] = ort.__version__
    except ImportError:
        ort = None
    with tarfile.open(out, "w") as tar:
        for name, model, args, in_names, out_names, opset in models():
            model.eval()
            with torch.no_grad():
                ref = model(*args)
            ref = ref if isinstance(ref, tuple) else (ref,)
            entry = {"opset": opset}
            data = None
            for dynamo in (True, False):
                try:
                    f = io.BytesIO() if not dynamo else None
                    if dynamo:
                        prog = torch.onnx.export(model, args, dynamo=True, opset_version=opset,
                                                 input_names=in_names, output_names=out_names,
                                                 external_data=False)
                        data = prog.model_proto.SerializeToString()
                    else:
                        torch.onnx.export(model, args, f, dynamo=False, opset_version=opset,
                                          input_names=in_names, output_names=out_names)
                        data = f.getvalue()
                    entry["exporter"] = "dynamo" if dynamo else "torchscript"
                    break
                except Exception as e:  # noqa: BLE001 - record and try the other exporter
                    entry["error_" + ("dynamo" if dynamo else "torchscript")] = \
                        "".join(traceback.format_exception_only(type(e), e))[-600:]
            if data is None:
                manifest[name] = entry
                continue
            add(tar, name + ".onnx", data)
            feeds = {}
            for n, a in zip(in_names, args):
                arr = a.numpy()
                feeds[n] = arr
                add(tar, f"{name}/{n}.npy", npy(arr))
            for n, r in zip(out_names, ref):
                add(tar, f"{name}/torch/{n}.npy", npy(r.numpy().astype(np.float32)))
            if ort is not None:
                try:
                    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
                    got = sess.run(None, {i.name: feeds[i.name] for i in sess.get_inputs()})
                    for o, g in zip(sess.get_outputs(), got):
                        add(tar, f"{name}/ort/{o.name}.npy", npy(np.asarray(g, dtype=np.float32)))
                    entry["ort_vs_torch_max_abs"] = max(
                        float(np.max(np.abs(np.asarray(g, np.float32) - r.numpy()))) for g, r in zip(got, ref))
                except Exception as e:  # noqa: BLE001
                    entry["ort_error"] = str(e)[-600:]
            import onnx
            m = onnx.load_from_string(data)
            entry["opset_imports"] = {i.domain or "ai.onnx": i.version for i in m.opset_import}
            entry["ops"] = sorted({n.op_type for n in m.graph.node})
            manifest[name] = entry
        add(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
