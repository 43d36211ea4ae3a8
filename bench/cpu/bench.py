#!/usr/bin/env python3
"""Times infer against onnxruntime and PyTorch on the CPU, in one run.

  bench/cpu/bench.py [--build build] [--models resnet50,mobilenet_v2,encoder]
                     [--batches 1,8] [--threads N] [--rounds 5]
                     [--iterations 20] [--opt-levels 2] [--write bench/RESULTS.md]
                     [--tune]

For each model and batch: exports it from PyTorch (test/models), compiles it
with infer-compile at each -O level, checks infer's output against
onnxruntime's on the same input (relative L2 <= 1e-4) before timing, then
times the engines in interleaved rounds (infer, onnxruntime, PyTorch, ...)
so that machine noise hits all of them alike. Each round runs every engine
in a process of its own (so that no engine's idle spinning threads slow
another), a warm-up and `--iterations` timed runs; the figure is the median
over all timed runs, and next to it the "paired" ratio: the median over
rounds of each engine's round median over onnxruntime's in the same round
(on a VM whose speed flips within seconds, pooled medians can fall in
different phases; use short rounds, e.g. --rounds 15 --iterations 8).
Every engine gets the same thread count.

Needs onnxruntime and torch in the running Python (the repository's .venv
has both: scripts/setup-venv.sh). With --write, replaces the CPU table in
RESULTS.md (between its cpu-bench markers) with this run's. With --tune,
each model is also compiled with `infer-compile --tune` (tile candidates
measured on this machine, cache OUT/tuning.cache shared by the models) and
timed as "infer tuned".
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "models"))
EXPORT_MODELS = os.path.join(ROOT, "test", "models", "export_models.py")


DEBIAN_PYTHON = os.environ.get("INFER_TEST_PYTHON", "/usr/bin/python3")


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def rel_l2(a, b):
    return float(np.linalg.norm((a - b).ravel()) / max(np.linalg.norm(b.ravel()), 1e-30))


class Infer:
    def __init__(self, build, artifact, threads):
        self.run_bin = os.path.join(build, "bin", "infer-run")
        self.artifact = artifact
        self.threads = threads

    def output(self, x, tmp):
        inp = os.path.join(tmp, "input.npy")
        np.save(inp, x)
        out = os.path.join(tmp, "out")
        subprocess.run([self.run_bin, self.artifact, "--input", f"input={inp}",
                        "--output-dir", out, "--threads", str(self.threads)],
                       check=True, capture_output=True)
        return np.load(os.path.join(out, "output.npy"))

    def times(self, warmup, iterations):
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            subprocess.run([self.run_bin, self.artifact, "--bench", "--warmup",
                            str(warmup), "--iterations", str(iterations),
                            "--threads", str(self.threads), "--json", f.name],
                           check=True, capture_output=True)
            report = json.load(open(f.name))
        return report["samples_ms"]


class Worker:
    """onnxruntime or PyTorch timed in a process of its own (this script
    with --worker), so that no engine's idle spinning threads slow another
    down."""

    def __init__(self, engine, name, batch, onnx_path, threads, out):
        # PyTorch in Debian's Python: the venv's numpy 2 and Debian's torch
        # do not mix (onnxruntime needs the venv).
        python = DEBIAN_PYTHON if engine == "pytorch" else sys.executable
        self.args = [python, os.path.abspath(__file__), "--worker", engine,
                     "--worker-model", name, "--worker-batch", str(batch),
                     "--worker-onnx", onnx_path, "--threads", str(threads),
                     "--out", out]

    def _run(self, extra):
        proc = subprocess.run(self.args + extra, check=True, capture_output=True,
                              text=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def output(self, x, tmp):
        inp = os.path.join(tmp, "worker-input.npy")
        out = os.path.join(tmp, "worker-output.npy")
        np.save(inp, x)
        self._run(["--worker-input", inp, "--worker-output", out])
        return np.load(out)

    def times(self, warmup, iterations):
        return self._run(["--warmup", str(warmup), "--iterations", str(iterations)])


def interleaved_medians(engines, args):
    """Times every engine in `args.rounds` interleaved rounds (so that the
    machine's noise hits all alike): the median ms of each over all runs."""
    samples = {label: [] for label in engines}
    rounds = {label: [] for label in engines}
    for _ in range(args.rounds):
        for label, e in engines.items():
            t = e.times(args.warmup, args.iterations)
            samples[label] += t
            rounds[label].append(float(np.median(t)))
    return ({label: float(np.median(s)) for label, s in samples.items()},
            rounds)


def paired_ratios(rounds, peer):
    """Each engine's median over rounds of its round median over `peer`'s
    in the same round: on a VM whose speed flips phase by phase, the
    pooled medians can fall in different phases; neighbouring runs mostly
    share one."""
    return {label: float(np.median([a / b for a, b in zip(r, rounds[peer])]))
            for label, r in rounds.items() if label != peer}


def worker(args):
    """Runs one engine: writes its output, or prints its timed runs."""
    x = np.load(args.worker_input) if args.worker_input else np.load(
        os.path.join(args.out, os.path.basename(args.worker_onnx)[:-5], "input.npy"))
    if args.worker == "onnxruntime":
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        so.inter_op_num_threads = 1
        session = ort.InferenceSession(args.worker_onnx, so,
                                       providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        run = lambda: session.run(None, {name: x})[0]
    else:
        import torch
        import export_models  # Debian's Python (Worker)
        torch.set_num_threads(args.threads)
        gen = torch.Generator().manual_seed(0)
        torch.manual_seed(0)
        model = export_models.MODELS[args.worker_model][0]().eval()
        with torch.no_grad():
            export_models.randomize_batchnorm(model, gen)
        xt = torch.from_numpy(x)

        def run():
            with torch.inference_mode():
                return model(xt).numpy()
    if args.worker_output:
        np.save(args.worker_output, run())
        print("{}")
        return
    for _ in range(args.warmup):
        run()
    samples = []
    for _ in range(args.iterations):
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1e3)
    print(json.dumps(samples))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="resnet50,mobilenet_v2,encoder")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--opt-levels", default="2",
                    help="infer-compile -O levels to time (e.g. 1,2: before and after fusion)")
    ap.add_argument("--tune", action="store_true",
                    help="also time an artifact tuned on this machine (infer-compile --tune "
                         "with OUT/tuning.cache, --tune-threads=THREADS)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--write", help="RESULTS.md to update")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-model", help=argparse.SUPPRESS)
    ap.add_argument("--worker-batch", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--worker-onnx", help=argparse.SUPPRESS)
    ap.add_argument("--worker-input", help=argparse.SUPPRESS)
    ap.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    os.makedirs(args.out, exist_ok=True)
    levels = [int(l) for l in args.opt_levels.split(",")]
    rows = []
    for name in args.models.split(","):
        for batch in [int(b) for b in args.batches.split(",")]:
            subprocess.run([DEBIAN_PYTHON, EXPORT_MODELS, args.out,
                            "--models", name, "--batch", str(batch)], check=True)
            suffix = "" if batch == 1 else f"_b{batch}"
            onnx_path = os.path.join(args.out, f"{name}{suffix}.onnx")
            x = np.load(os.path.join(args.out, f"{name}{suffix}", "input.npy"))
            engines = {}
            kernels = {}
            for level in levels:
                artifact = os.path.join(args.out, f"{name}{suffix}.O{level}.infer")
                report = artifact + ".json"
                subprocess.run([os.path.join(args.build, "bin", "infer-compile"),
                                onnx_path, "-o", artifact, f"-O{level}",
                                f"--report={report}"], check=True)
                kernels[level] = json.load(open(report))["kernel_count"]
                engines[f"infer -O{level}"] = Infer(args.build, artifact, args.threads)
            if args.tune:
                artifact = os.path.join(args.out, f"{name}{suffix}.tuned.infer")
                t0 = time.time()
                subprocess.run([os.path.join(args.build, "bin", "infer-compile"),
                                onnx_path, "-o", artifact, "--tune",
                                f"--tuning-cache={os.path.join(args.out, 'tuning.cache')}",
                                f"--tune-threads={args.threads}"], check=True)
                print(f"{name} batch {batch}: tuned in {time.time() - t0:.1f} s", flush=True)
                engines["infer tuned"] = Infer(args.build, artifact, args.threads)
            engines["onnxruntime"] = Worker("onnxruntime", name, batch, onnx_path,
                                            args.threads, args.out)
            engines["pytorch"] = Worker("pytorch", name, batch, onnx_path,
                                        args.threads, args.out)
            # Outputs first: every engine against onnxruntime.
            with tempfile.TemporaryDirectory() as tmp:
                want = engines["onnxruntime"].output(x, tmp)
                for label, e in engines.items():
                    got = e.output(x, tmp)
                    err = rel_l2(got, want)
                    if err > 1e-4:
                        sys.exit(f"{name} batch {batch}: {label} differs from "
                                 f"onnxruntime (relative L2 {err:.2e})")
            med, rounds = interleaved_medians(engines, args)
            paired = paired_ratios(rounds, "onnxruntime")
            row = {"model": name, "batch": batch, "threads": args.threads,
                   "median_ms": med, "round_medians_ms": rounds,
                   "paired_vs_onnxruntime": paired, "kernels": kernels}
            rows.append(row)
            ort = med["onnxruntime"]
            parts = [f"{label} {ms:.2f} ms" for label, ms in med.items()]
            print(f"{name} batch {batch} ({args.threads} threads): " + ", ".join(parts)
                  + "; infer/onnxruntime " + ", ".join(
                      f"-O{l} {med[f'infer -O{l}'] / ort:.2f}x" for l in levels)
                  + (f", tuned {med['infer tuned'] / ort:.2f}x" if args.tune else "")
                  + "; paired per round " + ", ".join(
                      f"{label} {r:.2f}x" for label, r in paired.items()
                      if label.startswith("infer")),
                  flush=True)
    with open(os.path.join(args.out, "cpu-results.json"), "w") as f:
        json.dump(rows, f, indent=2)
    if args.write:
        write_table(args, rows, levels)


def write_table(args, rows, levels):
    date = datetime.date.today().isoformat()
    cmd = "bench/cpu/bench.py " + " ".join(sys.argv[1:])
    head = ["model", "batch"] + [f"infer -O{l} ms" for l in levels] + \
        ["onnxruntime ms", "PyTorch ms"] + \
        [f"infer -O{l} / ORT" for l in levels] + [f"infer -O{levels[-1]} / PyTorch"] + \
        [f"kernels -O{l}" for l in levels]
    lines = [f"Measured {date} on {cpu_name()}, {args.threads} threads for every "
             f"engine, median of {args.rounds} interleaved rounds x "
             f"{args.iterations} runs; outputs checked against onnxruntime "
             f"first (relative L2 <= 1e-4).", "",
             f"Command: `{cmd}`", "",
             "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]
    for r in rows:
        m = r["median_ms"]
        cells = [r["model"], str(r["batch"])]
        cells += [f"{m[f'infer -O{l}']:.2f}" for l in levels]
        cells += [f"{m['onnxruntime']:.2f}", f"{m['pytorch']:.2f}"]
        cells += [f"{m[f'infer -O{l}'] / m['onnxruntime']:.2f}" for l in levels]
        cells += [f"{m[f'infer -O{levels[-1]}'] / m['pytorch']:.2f}"]
        cells += [str(r["kernels"][l]) for l in levels]
        lines.append("| " + " | ".join(cells) + " |")
    write_between(args.write, "cpu-bench", "\n".join(lines))


def write_between(path, marker, table):
    """Replaces the text between <!-- MARKER:begin --> and <!-- MARKER:end -->
    in `path` with `table` (appends both markers and the table when absent)."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    text = open(path).read() if os.path.exists(path) else ""
    if begin in text and end in text:
        text = text[:text.index(begin) + len(begin)] + "\n" + table + "\n" + \
            text[text.index(end):]
    else:
        text += f"\n{begin}\n{table}\n{end}\n"
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote the table into {path}")


if __name__ == "__main__":
    main()
