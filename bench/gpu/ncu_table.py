#!/usr/bin/env python3
"""Joins bench/gpu/ncu.sh's Nsight Compute counters with infer-run's
per-launch profile: one row per launch, in plan order, with the launch's
kind and first ONNX node, its time under ncu (caches flushed), grid,
registers, shared memory, DRAM traffic and the share of the DRAM, SM and
tensor-core peaks it reached.

  bench/gpu/ncu_table.py DIR NAME     (DIR/NAME.json, DIR/NAME.ncu.csv)
"""
import csv
import json
import os
import sys


def main():
    d, name = sys.argv[1], sys.argv[2]
    launches = json.load(open(os.path.join(d, name + ".json")))["launches"]
    metrics = {}
    with open(os.path.join(d, name + ".ncu.csv")) as f:
        rows = [r for r in csv.reader(f) if len(r) > 15]
    head = rows[0]
    col = {k: i for i, k in enumerate(head)}
    for r in rows[1:]:
        m = metrics.setdefault(int(r[col["ID"]]), {})
        m[r[col["Metric Name"]]] = r[col["Metric Value"]].replace(",", "")
    ids = sorted(metrics)
    if len(ids) != len(launches):
        sys.exit(f"{len(ids)} kernels under ncu, {len(launches)} launches in the profile")

    def num(m, k):
        try:
            return float(m.get(k, "nan"))
        except ValueError:
            return float("nan")

    print("| # | kind | node | ms (graph) | ms (ncu) | grid | regs | smem KiB | DRAM MB | DRAM % | SM % | tensor % | warps % |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    tot = {"g": 0.0, "n": 0.0, "b": 0.0}
    for i, (kid, l) in enumerate(zip(ids, launches)):
        m = metrics[kid]
        ns = num(m, "gpu__time_duration.sum")
        mb = (num(m, "dram__bytes_read.sum") + num(m, "dram__bytes_write.sum")) / 1e6
        tot["g"] += l["ms"]
        tot["n"] += ns / 1e6
        tot["b"] += mb
        node = l["nodes"].split(",")[0][:40]
        print(f"| {i} | {l['kind']} | {node} | {l['ms']:.3f} | {ns / 1e6:.3f} | "
              f"{m.get('launch__grid_size', '')} | {m.get('launch__registers_per_thread', '')} | "
              f"{num(m, 'launch__shared_mem_per_block_dynamic') / 1024:.0f} | {mb:.1f} | "
              f"{num(m, 'dram__throughput.avg.pct_of_peak_sustained_elapsed'):.0f} | "
              f"{num(m, 'sm__throughput.avg.pct_of_peak_sustained_elapsed'):.0f} | "
              f"{num(m, 'sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed'):.0f} | "
              f"{num(m, 'sm__warps_active.avg.pct_of_peak_sustained_active'):.0f} |")
    print(f"\ntotal: {tot['g']:.3f} ms in the graph profile, {tot['n']:.3f} ms under ncu, "
          f"{tot['b']:.0f} MB of DRAM traffic ({tot['b'] / 1e3 / tot['n']:.2f} TB/s over the ncu time)")


if __name__ == "__main__":
    main()
