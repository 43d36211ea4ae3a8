#!/usr/bin/env python3
"""Prints bench/gpu/ab.sh's per-launch profiles side by side: the launches
of each artifact paired with the first's by kind and ONNX nodes (in plan
order, as difflib matches sequences), times in microseconds with the ratio
to the first's, launches without a partner on rows of their own, then the
sums.

  bench/gpu/ab_table.py DIR/A.json DIR/B.json... [--min-change 0.04]
      (--min-change: only rows where some launch's time changed by that
       share or more against the first's, and rows without a partner)
"""
import argparse
import difflib
import json

CELL = 15


def key(launch):
    return (launch["kind"], launch["nodes"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profiles", nargs="+")
    ap.add_argument("--min-change", type=float, default=0.0)
    args = ap.parse_args()
    runs = [json.load(open(p))["launches"] for p in args.profiles]
    base = runs[0]
    # rows[i][k]: run k's launch on row i (None: none there). Row order: the
    # first run's launches, each other run's unpaired ones after the launch
    # they follow.
    rows = [[launch] + [None] * (len(runs) - 1) for launch in base]
    extra = {}  # first-run index -> rows of unpaired launches after it
    for k, run in enumerate(runs[1:], start=1):
        sm = difflib.SequenceMatcher(a=[key(x) for x in base], b=[key(x) for x in run],
                                     autojunk=False)
        for tag, i0, i1, j0, j1 in sm.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i0, i1), range(j0, j1)):
                    rows[i][k] = run[j]
            else:
                for j in range(j0, j1):
                    row = [None] * len(runs)
                    row[k] = run[j]
                    extra.setdefault(i1 - 1, []).append(row)
    ordered = extra.get(-1, [])
    for i, row in enumerate(rows):
        ordered.append(row)
        ordered.extend(extra.get(i, []))
    for row in ordered:
        first = row[0]
        ratios = [x["ms"] / first["ms"] if first and x and first["ms"] > 0 else None
                  for x in row[1:]]
        changed = any(r is None or abs(r - 1) >= args.min_change for r in ratios)
        if args.min_change and ratios and not changed:
            continue
        cells = []
        for k, x in enumerate(row):
            if x is None:
                cells.append("-".rjust(CELL))
            elif k == 0:
                cells.append(f"{x['ms'] * 1000:.1f}".rjust(CELL))
            else:
                r = ratios[k - 1]
                cells.append((f"{x['ms'] * 1000:.1f}" + (f" ({r:.2f})" if r else "")).rjust(CELL))
        named = next(x for x in row if x)
        print("".join(cells) + f"  {named['kind'][:16]:16s} {named['nodes'][:60]}")
    sums = [sum(x["ms"] for x in r) * 1000 for r in runs]
    print("".join(f"{s:.1f}".rjust(CELL) for s in sums) + "  sum, us (each launch timed alone)")


if __name__ == "__main__":
    main()
