#!/usr/bin/env python3
"""Paired A/B timing of two or more infer artifacts on a shared, noisy CPU.

The development VMs change speed phase by phase (ResNet-50 moves between
16.5 and 19.5 ms within minutes), so two artifacts timed one after the
other in long runs cannot be compared. This script alternates short
`infer-run --bench --duration S` runs of each artifact, pairs the
neighbouring runs and reports the median of the per-pair ratios against
the first artifact. With --profile it does the same per launch (kernels
matched by position, so the artifacts must come from the same graph).

  bench/cpu/ab.py build/a.infer build/b.infer --rounds 15 --threads 2
  bench/cpu/ab.py a.infer b.infer --profile --top 20
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run_once(infer_run, artifact, args, profile):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    cmd = [infer_run, artifact, "--bench", "--duration", str(args.duration),
           "--threads", str(args.threads), "--json", path]
    if profile:
        cmd.append("--profile")
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit(f"ab.py: {' '.join(cmd)} failed:\n{res.stderr}")
    with open(path) as f:
        data = json.load(f)
    os.unlink(path)
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("artifacts", nargs="+", help="artifacts; ratios are against the first")
    ap.add_argument("--infer-run", default="build/bin/infer-run")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--duration", type=float, default=0.5, help="seconds per run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--profile", action="store_true", help="also compare per launch")
    ap.add_argument("--top", type=int, default=25, help="launches shown with --profile")
    ap.add_argument("--stat", choices=["median", "min"], default="median",
                    help="each run's figure: its median latency, or its fastest run (a "
                         "VM whose speed flips between two modes within a second: the "
                         "fast mode's figure)")
    args = ap.parse_args()
    if len(args.artifacts) < 2:
        ap.error("give at least two artifacts")

    n = len(args.artifacts)
    medians = [[] for _ in range(n)]
    launches = [[] for _ in range(n)]
    for r in range(args.rounds):
        # Alternate the order so that neither artifact always runs first.
        order = list(range(n)) if r % 2 == 0 else list(reversed(range(n)))
        for i in order:
            d = run_once(args.infer_run, args.artifacts[i], args, args.profile)
            medians[i].append(d["latency_ms"][args.stat])
            if args.profile:
                launches[i].append(d.get("launches", []))

    print(f"{args.rounds} rounds of {args.duration} s, {args.threads} threads, "
          f"each run's {args.stat} latency")
    for i in range(n):
        line = f"  {args.artifacts[i]}: median {statistics.median(medians[i]):.3f} ms"
        if i > 0:
            ratios = [b / a for a, b in zip(medians[0], medians[i])]
            line += (f"  paired ratio {statistics.median(ratios):.4f}"
                     f" (min {min(ratios):.4f}, max {max(ratios):.4f})")
        print(line)

    if args.profile:
        base = launches[0]
        for i in range(1, n):
            if any(len(a) != len(b) for a, b in zip(base, launches[i])):
                print(f"  {args.artifacts[i]}: launch counts differ; no per-launch table")
                continue
            rows = []
            for k in range(len(base[0])):
                a = [run[k]["ms"] for run in base]
                b = [run[k]["ms"] for run in launches[i]]
                ratios = [y / x for x, y in zip(a, b) if x > 0]
                ma, mb = statistics.median(a), statistics.median(b)
                rows.append((abs(mb - ma), k, base[0][k]["kind"], base[0][k]["nodes"], ma, mb,
                             statistics.median(ratios) if ratios else float("nan")))
            rows.sort(reverse=True)
            print(f"\n  per launch, {args.artifacts[0]} -> {args.artifacts[i]}"
                  " (largest differences first):")
            for _, k, kind, nodes, ma, mb, ratio in rows[:args.top]:
                print(f"  {k:4d} {kind:22.22s} {ma:8.4f} {mb:8.4f} {ratio:7.3f}  {nodes[:60]}")


if __name__ == "__main__":
    main()
