#!/usr/bin/env python3
"""Checks that infer's outputs on the exported test models match PyTorch's.

  check_models.py BUILD_DIR OUT_DIR [--backend reference|cpu|vulkan] [--models a,b]
                  [--tolerance 1e-4]

Exports the models (export_models.py), runs each through infer-run on the
given backend with PyTorch's input, and compares the output with PyTorch's
by relative L2 error. Prints one line per model and exits 1 if any model
misses the tolerance or fails to run.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import export_models  # noqa: E402


def rel_l2(got, want):
    return float(np.linalg.norm((got - want).ravel()) /
                 max(np.linalg.norm(want.ravel()), 1e-30))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("out")
    ap.add_argument("--backend", default="reference")
    ap.add_argument("--models", default=",".join(export_models.MODELS))
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--compile-args", default="",
                    help="extra infer-compile flags (cpu backend)")
    args = ap.parse_args()
    names = args.models.split(",")
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        export_models.export(name, args.out, 1)
    infer_run = os.path.join(args.build, "bin", "infer-run")
    infer_compile = os.path.join(args.build, "bin", "infer-compile")
    failures = 0
    for name in names:
        model = os.path.join(args.out, f"{name}.onnx")
        data = os.path.join(args.out, name)
        result_dir = os.path.join(data, f"got-{args.backend}")
        compile_note = ""
        if args.backend == "reference":
            cmd = [infer_run, model, "--reference"]
        else:
            artifact = os.path.join(args.out, f"{name}.infer")
            start = time.time()
            target = ["--target=vulkan"] if args.backend == "vulkan" else []
            proc = subprocess.run([infer_compile, model, "-o", artifact,
                                   f"--report={data}/report.json"] + target
                                  + args.compile_args.split(),
                                  capture_output=True, text=True)
            compile_seconds = time.time() - start
            if proc.returncode != 0:
                print(f"model {name}: FAIL ({args.backend}): infer-compile "
                      f"exited {proc.returncode}: {proc.stderr.strip()}",
                      flush=True)
                failures += 1
                continue
            compile_note = f", compiled in {compile_seconds:.1f} s"
            cmd = [infer_run, artifact]
        cmd += ["--input", f"input={data}/input.npy", "--output-dir", result_dir]
        start = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.time() - start
        if proc.returncode != 0:
            print(f"model {name}: FAIL ({args.backend}): infer-run exited "
                  f"{proc.returncode}: {proc.stderr.strip()}", flush=True)
            failures += 1
            continue
        got = np.load(os.path.join(result_dir, "output.npy"))
        want = np.load(os.path.join(data, "expected", "output.npy"))
        if got.shape != want.shape:
            print(f"model {name}: FAIL: shape {got.shape} vs {want.shape}")
            failures += 1
            continue
        err = rel_l2(got.astype(np.float64), want.astype(np.float64))
        ok = err <= args.tolerance
        failures += not ok
        print(f"model {name}: {'PASS' if ok else 'FAIL'} ({args.backend}): "
              f"relative L2 {err:.2e} (tolerance {args.tolerance:.0e}), "
              f"ran in {seconds:.1f} s{compile_note}", flush=True)
    print(f"models: backend={args.backend} passed={len(names) - failures} "
          f"failed={failures} total={len(names)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
