#!/usr/bin/env python3
"""Prints bench/gpu/ab.sh's per-launch profiles side by side: each launch of
the first artifact with the launch of the others at the same place in the
plan (the same kind and ONNX nodes, else marked), times in microseconds and
the ratio to the first, then the sums.

  bench/gpu/ab_table.py DIR/A.json DIR/B.json... [--min-change 0.04]
      (--min-change: only launches whose time changed by that share or more)
"""
import argparse
import json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profiles", nargs="+")
    ap.add_argument("--min-change", type=float, default=0.0)
    args = ap.parse_args()
    runs = [json.load(open(p))["launches"] for p in args.profiles]
    base = runs[0]
    if any(len(r) != len(base) for r in runs[1:]):
        print("note: the plans differ in length; launches are paired by position")
    for i, launch in enumerate(base):
        others = [r[i] if i < len(r) else None for r in runs[1:]]
        ratios = [o["ms"] / launch["ms"] if o and launch["ms"] > 0 else float("nan")
                  for o in others]
        if args.min_change and all(abs(x - 1) < args.min_change for x in ratios):
            continue
        cells = [f"{launch['ms'] * 1000:8.1f}"]
        for o, x in zip(others, ratios):
            same = o and o["kind"] == launch["kind"] and o["nodes"] == launch["nodes"]
            cells.append(f"{o['ms'] * 1000:8.1f} {x:5.2f}{'' if same else '*'}" if o else "       -")
        print(f"{i:3d} " + " ".join(cells) + f"  {launch['kind'][:16]:16s} {launch['nodes'][:60]}")
    sums = [sum(x["ms"] for x in r) * 1000 for r in runs]
    print("sum " + " ".join(f"{s:8.1f}" for s in sums) + " us (each launch timed alone)")


if __name__ == "__main__":
    main()
