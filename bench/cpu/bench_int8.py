#!/usr/bin/env python3
"""Times infer's int8 engines against its fp32 ones and onnxruntime's QDQ
models on the CPU, in one run (issue 15, must-show 3).

  .venv/bin/python3 bench/cpu/bench_int8.py [--build build] [--models resnet50]
      [--batches 1] [--threads N] [--rounds 5] [--iterations 20]
      [--calibration 32] [--write bench/RESULTS.md]

For each model and batch: exports it from PyTorch (test/models), draws
--calibration seeded normal images (seed 100; the timing input is the
exporter's, another draw) and then
- infer fp32: infer-compile -O2;
- infer int8: infer-compile --precision=int8 --calibration-data on those
  images (entropy calibrator);
- onnxruntime's quantize_static on the same images (bench/quantize_ort.py,
  MinMax, per-channel weights): symmetric int8 activations ("ORT s8s8", as
  ModelOpt and TensorRT quantize) and onnxruntime's x86 form, asymmetric
  uint8 activations ("ORT u8s8");
- infer on the s8s8 QDQ model (explicit quantization: the model's own
  scales);
- onnxruntime fp32.
Outputs are checked first: every int8 engine's logits against infer fp32's
(cosine similarity >= 0.99), infer on the QDQ model against onnxruntime on
it (relative L2 <= 5e-2: in a deep network the int8 steps the two round
differently spread, as far as the quantization error itself). Then interleaved rounds, each engine in a process
of its own (bench.py's workers), one thread count for all; medians.
With --write, replaces the table between the cpu-int8-bench markers of
RESULTS.md.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (Infer, Worker, cpu_name, rel_l2, write_between)


def cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="resnet50")
    ap.add_argument("--batches", default="1")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--calibration", type=int, default=32,
                    help="calibration images (seeded normal draws)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-int8-cpu"))
    ap.add_argument("--write", help="RESULTS.md to update")
    ap.add_argument("--marker", default="cpu-int8-bench",
                    help="--write: the table between <!-- MARKER:begin/end --> it replaces")
    ap.add_argument("--target", default="cpu",
                    help="infer-compile's --target for infer's engines (e.g. "
                         "cpu:x86-64-v3: the AVX2 kernels on an AVX-512 machine; "
                         "onnxruntime keeps the ISA its cpuid finds)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    binary = lambda tool: os.path.join(args.build, "bin", tool)
    rows = []
    for name in args.models.split(","):
        for batch in [int(b) for b in args.batches.split(",")]:
            # Exported by Debian's Python: the venv's numpy 2 and Debian's
            # torch do not mix.
            subprocess.run([bench.DEBIAN_PYTHON, bench.EXPORT_MODELS,
                            args.out, "--models", name, "--batch", str(batch)],
                           check=True)
            suffix = "" if batch == 1 else f"_b{batch}"
            base = os.path.join(args.out, f"{name}{suffix}")
            onnx_path = base + ".onnx"
            x = np.load(os.path.join(base, "input.npy"))

            # The calibration images: one sample of the model's batch per
            # directory for infer, one .npy of them all for onnxruntime.
            shape = x.shape[1:]
            count = max(args.calibration // batch, 1) * batch
            images = np.random.default_rng(100).standard_normal(
                (count,) + shape).astype(np.float32)
            calib = base + ".calibration"
            shutil.rmtree(calib, ignore_errors=True)
            for i in range(count // batch):
                os.makedirs(os.path.join(calib, f"s{i}"))
                np.save(os.path.join(calib, f"s{i}", "input.npy"),
                        images[i * batch:(i + 1) * batch])
            np.save(base + ".calibration.npy", images)

            artifacts = {"infer fp32": base + ".fp32.infer",
                         "infer int8": base + ".int8.infer",
                         "infer int8 (ORT QDQ)": base + ".qdq.infer"}
            compile_ = lambda src, out, *extra: subprocess.run(
                [binary("infer-compile"), src, "-o", out, f"--target={args.target}"]
                + list(extra), check=True,
                capture_output=True)
            compile_(onnx_path, artifacts["infer fp32"])
            cache = base + ".int8.cache"
            if os.path.exists(cache):
                os.remove(cache)
            compile_(onnx_path, artifacts["infer int8"], "--precision=int8",
                     f"--calibration-data={calib}", f"--calibration-cache={cache}")
            qdq = {}
            for label, flags in (("s8s8", ["--symmetric"]), ("u8s8", ["--uint8"])):
                qdq[label] = f"{base}.qdq_{label}.onnx"
                subprocess.run([sys.executable, os.path.join(ROOT, "bench", "quantize_ort.py"),
                                onnx_path, base + ".calibration.npy", qdq[label],
                                "--per-channel", "--batch", str(batch)] + flags,
                               check=True, capture_output=True)
                # bench.Worker reads its timing input next to the model.
                os.makedirs(qdq[label][:-5], exist_ok=True)
                shutil.copy(os.path.join(base, "input.npy"), qdq[label][:-5])
            compile_(qdq["s8s8"], artifacts["infer int8 (ORT QDQ)"])

            engines = {label: bench.Infer(args.build, a, args.threads)
                       for label, a in artifacts.items()}
            engines["ORT fp32"] = bench.Worker("onnxruntime", name, batch, onnx_path,
                                               args.threads, args.out)
            for label in ("s8s8", "u8s8"):
                engines[f"ORT {label}"] = bench.Worker("onnxruntime", name, batch,
                                                       qdq[label], args.threads,
                                                       args.out)

            # Outputs first.
            with tempfile.TemporaryDirectory() as tmp:
                out = {label: e.output(x, tmp) for label, e in engines.items()}
            ref = out["infer fp32"]
            err = bench.rel_l2(ref, out["ORT fp32"])
            if err > 1e-4:
                sys.exit(f"{name}: infer fp32 differs from onnxruntime (relative L2 {err:.2e})")
            cos = {}
            for label in ("infer int8", "infer int8 (ORT QDQ)", "ORT s8s8", "ORT u8s8"):
                cos[label] = cosine(out[label], ref)
                if cos[label] < 0.99 and label.startswith("infer"):
                    sys.exit(f"{name}: {label}'s logits have cosine {cos[label]:.4f} "
                             "to fp32's (< 0.99)")
                if cos[label] < 0.99:
                    # A peer's wrong answer is reported, not fatal: onnxruntime's
                    # s8s8 kernels on CPUs without VNNI sum pairs of products
                    # with vpmaddubsw, which saturates at 16 bits.
                    print(f"{name}: {label}'s logits have cosine {cos[label]:.4f} to "
                          "fp32's (< 0.99): its figure is of a wrong answer", flush=True)
            # In a deep network single int8 steps that round the other way
            # (onnxruntime requantizes in fixed point, adds residuals as
            # QLinearAdd) spread: two int8 engines on one QDQ model differ
            # about as much as each differs from fp32 (ResNet-50: 2e-2).
            qdq_err = bench.rel_l2(out["infer int8 (ORT QDQ)"], out["ORT s8s8"])
            if qdq_err > 5e-2 and cos["ORT s8s8"] >= 0.99:
                sys.exit(f"{name}: infer on the QDQ model differs from onnxruntime "
                         f"(relative L2 {qdq_err:.2e})")

            med, _ = bench.interleaved_medians(engines, args)
            row = {"model": name, "batch": batch, "threads": args.threads,
                   "median_ms": med, "cosine_to_fp32": cos, "qdq_rel_l2": qdq_err}
            rows.append(row)
            print(f"{name} batch {batch} ({args.threads} threads): "
                  + ", ".join(f"{k} {v:.2f} ms" for k, v in med.items()), flush=True)
            print(f"  infer int8 / infer fp32 speed {med['infer fp32'] / med['infer int8']:.2f}x; "
                  f"vs ORT s8s8 {med['ORT s8s8'] / med['infer int8']:.2f}x, "
                  f"vs ORT u8s8 {med['ORT u8s8'] / med['infer int8']:.2f}x, "
                  f"vs ORT fp32 {med['ORT fp32'] / med['infer int8']:.2f}x; cosine to fp32 "
                  + ", ".join(f"{k} {v:.5f}" for k, v in cos.items())
                  + f"; infer vs ORT on the QDQ model rel L2 {qdq_err:.2e}", flush=True)
    with open(os.path.join(args.out, "cpu-int8-results.json"), "w") as f:
        json.dump(rows, f, indent=2)
    if args.write:
        write_table(args, rows)


def write_table(args, rows):
    date = datetime.date.today().isoformat()
    cmd = ".venv/bin/python3 bench/cpu/bench_int8.py " + " ".join(sys.argv[1:])
    labels = ["infer fp32", "infer int8", "infer int8 (ORT QDQ)", "ORT fp32",
              "ORT s8s8", "ORT u8s8"]
    head = ["model", "batch"] + [f"{l} ms" for l in labels] + \
        ["infer fp32 / infer int8", "ORT s8s8 / infer int8", "ORT u8s8 / infer int8",
         "cosine to fp32 (infer int8 / ORT s8s8 / ORT u8s8)"]
    lines = [f"Measured {date} on {bench.cpu_name()}, {args.threads} threads for "
             f"every engine, infer compiled with --target={args.target}, "
             f"median of {args.rounds} interleaved rounds x "
             f"{args.iterations} runs; int8 logits checked against fp32's first "
             "(cosine >= 0.99).", "", f"Command: `{cmd}`", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        m, c = r["median_ms"], r["cosine_to_fp32"]
        cells = [r["model"], str(r["batch"])] + [f"{m[l]:.2f}" for l in labels]
        cells += [f"{m['infer fp32'] / m['infer int8']:.2f}x",
                  f"{m['ORT s8s8'] / m['infer int8']:.2f}x",
                  f"{m['ORT u8s8'] / m['infer int8']:.2f}x",
                  f"{c['infer int8']:.5f} / {c['ORT s8s8']:.5f} / {c['ORT u8s8']:.5f}"]
        lines.append("| " + " | ".join(cells) + " |")
    bench.write_between(args.write, args.marker, "\n".join(lines))


if __name__ == "__main__":
    main()
