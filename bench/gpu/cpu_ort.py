#!/usr/bin/env python3
"""Times infer's CPU artifacts against onnxruntime on this machine (the GPU
machine's host CPU), same thread count, outputs checked first, in
interleaved rounds; prints medians and ratios. Run it under taskset to
pin both to the same cores:

  taskset -c 2,3 python3 bench/gpu/cpu_ort.py --stash gpu-stash [--threads 2]

The stash's models/ holds M.infer and M.onnx (bench/gpu/prepare-cpu-ort.sh);
M.VARIANT.infer (e.g. M.tuned.infer) is timed against M.onnx too.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

import numpy as np
import onnxruntime as ort


def infer_median(run, artifact, threads, seconds):
    out = subprocess.run([run, artifact, "--bench", "--threads", str(threads),
                          "--duration", str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"median ([0-9.]+)", out).group(1))


def ort_median(sess, feeds, seconds):
    for _ in range(5):
        sess.run(None, feeds)
    times, end = [], time.time() + seconds
    while time.time() < end:
        t = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stash", default="gpu-stash")
    ap.add_argument("--run", default="build-gpu/bin/infer-run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=1.0)
    a = ap.parse_args()
    models = os.path.join(a.stash, "models")
    print(f"onnxruntime {ort.__version__}, {a.threads} threads, affinity "
          f"{sorted(os.sched_getaffinity(0))}")
    for name in sorted(n[:-6] for n in os.listdir(models) if n.endswith(".infer")):
        so = ort.SessionOptions()
        so.intra_op_num_threads = a.threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(os.path.join(models, name.split(".")[0] + ".onnx"), so,
                                    providers=["CPUExecutionProvider"])
        i = sess.get_inputs()[0]
        x = np.random.default_rng(0).standard_normal(
            [d if isinstance(d, int) else 1 for d in i.shape]).astype(np.float32)
        want = sess.run(None, {i.name: x})[0]
        artifact = os.path.join(models, name + ".infer")
        with tempfile.TemporaryDirectory() as d:
            np.save(os.path.join(d, "x.npy"), x)
            subprocess.run([a.run, artifact, "--input", f"{i.name}={d}/x.npy",
                            "--output-dir", d], capture_output=True, check=True)
            got = np.load(os.path.join(d, sess.get_outputs()[0].name + ".npy"))
        err = float(np.linalg.norm(got - want) / np.linalg.norm(want))
        if err > 1e-4:
            print(f"{name}: output differs from onnxruntime (rel L2 {err:.2e}); not timed")
            continue
        ours, theirs = [], []
        for _ in range(a.rounds):
            ours.append(infer_median(a.run, artifact, a.threads, a.seconds))
            theirs.append(ort_median(sess, {i.name: x}, a.seconds))
        o, t = statistics.median(ours), statistics.median(theirs)
        ratio = statistics.median(p / q for p, q in zip(ours, theirs))
        print(f"{name}: rel L2 {err:.2e}; infer {o:.3f} ms, onnxruntime {t:.3f} ms; "
              f"infer/onnxruntime {o / t:.3f} (per-round median {ratio:.3f})")


if __name__ == "__main__":
    main()
