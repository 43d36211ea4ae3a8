#!/usr/bin/env python3
"""Compares the outputs (NAME.npy) in each directory with the first's:
maximum absolute difference, relative L2 and, for 2-D outputs, the
cosine similarity of rows (logits).

  bench/gpu/compare_outputs.py BASE_DIR OTHER_DIR...
"""
import os
import sys

import numpy as np


def main():
    base, others = sys.argv[1], sys.argv[2:]
    for d in others:
        for name in sorted(os.listdir(base)):
            a = np.load(os.path.join(base, name)).astype(np.float64)
            b = np.load(os.path.join(d, name)).astype(np.float64)
            rel = np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-30)
            print(f"{d} {name}: max |diff| {np.abs(a - b).max():.3g}, rel L2 {rel:.3g}, "
                  f"identical {np.array_equal(a, b)}")


if __name__ == "__main__":
    main()
