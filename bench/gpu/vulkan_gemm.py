#!/usr/bin/env python3
"""Times the fp16 GEMMs of two graph inputs on Vulkan (cooperative
matrices) against our CUDA build of the same model, on the GPU machine.

  vulkan_gemm.py --runtime build-gpu/lib/libinfer_runtime.so --dir DIR

DIR holds NAME.cuda.infer and NAME.vulkan-coop.infer (and any other
NAME.KIND.infer, e.g. variants of the Vulkan kernel) for NAME gemm_4096 and
gemm_8192 (bench/gpu/prepare-vulkan.sh). Inputs are made with PyTorch, both
outputs checked against torch.matmul in fp32 first, then alternating rounds
of infer_context_run_resident (the plan alone, inputs already on the
device), medians. Exit 1 when an output is wrong.
"""
import argparse
import os
import statistics
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Runtime, rel_l2, timed  # noqa: E402

SHAPES = {"gemm_4096": (4096, 4096, 4096), "gemm_8192": (8192, 8192, 8192)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=10)
    args = ap.parse_args()
    rt = Runtime(args.runtime)
    ok = True
    for name, (m, n, k) in SHAPES.items():
        kinds = sorted(f[len(name) + 1:-len(".infer")] for f in os.listdir(args.dir)
                       if f.startswith(name + ".") and f.endswith(".infer"))
        kinds.sort(key=lambda t: t == "cuda")
        torch.manual_seed(0)
        a = torch.randn(m, k, device="cuda").half()
        b = torch.randn(k, n, device="cuda").half()
        ref = (a.float() @ b.float()).cpu().numpy()
        ha, hb = a.cpu().numpy(), b.cpu().numpy()
        ctx = {}
        for t in kinds:
            try:
                engine, c = rt.load(os.path.join(args.dir, f"{name}.{t}.infer"))
                rt.set_input(c, 0, ha)
                rt.set_input(c, 1, hb)
                rt.run(c)
                err = rel_l2(rt.output(c, 0, (m, n), np.float16), ref)
            except RuntimeError as e:
                print(f"{name} {t}: FAIL: {e}", flush=True)
                ok = False
                continue
            good = err <= 1e-2
            ok &= good
            print(f"{name} {t}: {'PASS' if good else 'FAIL'}: relative L2 to fp32 {err:.2e}",
                  flush=True)
            if good:
                ctx[t] = c
        times = {t: [] for t in ctx}
        for _ in range(args.rounds):
            for t, c in ctx.items():
                times[t] += timed(lambda: rt.run_resident(c), 2, args.iterations)
        flop = 2.0 * m * n * k
        med = {t: statistics.median(v) for t, v in times.items()}
        for t, ms in med.items():
            line = (f"{name} {t}: {ms:.3f} ms, {flop / ms / 1e9:.1f} TFLOP/s "
                    f"({flop / ms / 1e9 / 989 * 100:.1f}% of 989)")
            if t != "cuda" and "cuda" in med:
                line += f", speed / cuda {med['cuda'] / ms:.3f}"
            print(line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
