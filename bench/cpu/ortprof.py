#!/usr/bin/env python3
"""Per-layer comparison with onnxruntime on the CPU: each infer launch's time
(infer-run --profile) beside the time onnxruntime's profiler gives the same
ONNX nodes, in alternating rounds, the minimum over rounds of each:

  .venv/bin/python3 bench/cpu/ortprof.py MODEL.onnx ARTIFACT.infer
      [--threads 2] [--rounds 5] [--top 30]

onnxruntime runs with its default (all) graph optimizations; a fused node
of its keeps the name of one of the nodes it fused, so each of its times
goes to the infer launch that holds a node of that name (the rest are listed
as unmatched). The profiled runs of both engines are a different way of
running than the timed ones (infer-run waits for each launch; onnxruntime
writes an event per node): use the figures to find which layers lose, and
bench.py for the model's latency.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort


def infer_profile(infer_run, artifact, threads, out):
    subprocess.run([infer_run, artifact, "--threads", str(threads), "--bench", "--profile",
                    "--duration", "0.5", "--json", out], check=True,
                   stdout=subprocess.DEVNULL)
    with open(out) as f:
        return [(l["kind"], l["nodes"], l["ms"]) for l in json.load(f)["launches"]]


def ort_profile(model, threads, runs, workdir):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(workdir, "ort")
    sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in i.shape]
        feeds[i.name] = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for _ in range(runs):
        sess.run(None, feeds)
    path = sess.end_profiling()
    with open(path) as f:
        events = json.load(f)
    os.remove(path)
    per = collections.defaultdict(list)
    for ev in events:
        if ev.get("cat") == "Node" and ev["name"].endswith("_kernel_time"):
            per[ev["name"][: -len("_kernel_time")]].append(ev["dur"] / 1000.0)
    # Drop the first (warm-up) run of each node, median of the rest.
    return {k: float(np.median(v[1:] if len(v) > 1 else v)) for k, v in per.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("artifact")
    ap.add_argument("--infer-run", default="build/bin/infer-run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=30, help="onnxruntime runs per round")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        best_infer, best_ort, order = {}, {}, []
        for _ in range(args.rounds):
            for i, (kind, nodes, ms) in enumerate(
                    infer_profile(args.infer_run, args.artifact, args.threads,
                                  os.path.join(tmp, "p.json"))):
                if i not in best_infer:
                    order.append((kind, nodes))
                best_infer[i] = min(best_infer.get(i, ms), ms)
            for k, v in ort_profile(args.model, args.threads, args.runs, tmp).items():
                best_ort[k] = min(best_ort.get(k, v), v)
    owner = {}
    for i, (_, nodes) in enumerate(order):
        for n in nodes.split(","):
            owner[n.strip()] = i
    ort_of = collections.defaultdict(float)
    unmatched = {}
    for name, ms in best_ort.items():
        i = owner.get(name)
        if i is None:
            # A fused node named after one of its members plus a suffix.
            i = next((owner[n] for n in owner if n and name.startswith(n)), None)
        if i is None:
            unmatched[name] = ms
        else:
            ort_of[i] += ms
    rows = sorted(range(len(order)), key=lambda i: -best_infer[i])
    ti, to = sum(best_infer.values()), sum(best_ort.values())
    print(f"infer {ti:.3f} ms in launches, onnxruntime {to:.3f} ms in nodes "
          f"(min over {args.rounds} rounds each)")
    print(f"{'infer':>8} {'ort':>8} {'ratio':>6}  {'kind':<22} nodes")
    for i in rows[: args.top]:
        o = ort_of.get(i, 0.0)
        ratio = f"{best_infer[i] / o:6.2f}" if o > 0 else "     -"
        kind, nodes = order[i]
        print(f"{best_infer[i]:8.3f} {o:8.3f} {ratio}  {kind:<22} {nodes[:70]}")
    by_kind = collections.defaultdict(lambda: [0.0, 0.0])
    for i, (kind, _) in enumerate(order):
        by_kind[kind][0] += best_infer[i]
        by_kind[kind][1] += ort_of.get(i, 0.0)
    print("by kind:")
    for kind, (a, b) in sorted(by_kind.items(), key=lambda kv: -kv[1][0]):
        print(f"{a:8.3f} {b:8.3f} {a / b if b else 0:6.2f}  {kind}")
    if unmatched:
        print(f"onnxruntime nodes with no infer launch: {sum(unmatched.values()):.3f} ms")
        for name, ms in sorted(unmatched.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  {ms:8.3f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
