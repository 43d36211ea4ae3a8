"""Checks infer-run --calibrate against an independent NumPy version of the
calibrators (lit/tools/infer-run-calibrate.test).

  check_calibration.py INFER_RUN ARTIFACT WORKDIR

Writes 24 samples of the bn-relu model's input (normal values with rare
large ones) into WORKDIR/samples/NNN/x.npy, runs the artifact on each
(infer-run --output-dir) to get every tensor it returns, computes amax for
each calibrator from those tensors here, and compares with the cache that
infer-run --calibrate writes.
"""
import os
import subprocess
import sys

import numpy as np

BINS, KEPT = 2048, 128


def histogram(values, mx):
    h = np.zeros(BINS)
    if mx == 0:
        return h
    idx = np.minimum(np.floor(values * (BINS / mx)).astype(np.int64), BINS - 1)
    np.add.at(h, idx, 1)
    return h


def entropy(h, width):
    h = h.copy()
    h[0] = h[1]
    best, best_i = np.inf, BINS
    for i in range(KEPT, BINS + 1):
        p = h[:i].copy()
        p[i - 1] += h[i:].sum()
        group = (np.arange(i) * KEPT) // i
        q = np.zeros(i)
        for g in range(KEPT):
            sel = group == g
            nz = (h[:i][sel] != 0).sum()
            if nz:
                q[sel] = np.where(h[:i][sel] != 0, h[:i][sel].sum() / nz, 0)
        if p.sum() == 0 or q.sum() == 0:
            continue
        p, q = p / p.sum(), q / q.sum()
        m = p > 0
        if np.any(q[m] == 0):
            continue
        kl = np.sum(p[m] * np.log(p[m] / q[m]))
        if kl <= best:
            best, best_i = kl, i
    return best_i * width


def percentile(h, width, pct):
    c = np.cumsum(h)
    return (np.searchsorted(c, pct / 100 * c[-1]) + 1) * width


def mse(h, width):
    centers = (np.arange(BINS) + 0.5) * width
    best, best_a = np.inf, None
    for i in range(KEPT, BINS):
        a = centers[i]
        q = np.minimum(np.rint(centers * 127 / a), 127) * a / 127
        err = np.sum(h * (q - centers) ** 2)
        if err < best:
            best, best_a = err, a
    return best_a


def main():
    infer_run, artifact, work = sys.argv[1], sys.argv[2], sys.argv[3]
    rng = np.random.default_rng(11)
    samples = os.path.join(work, "samples")
    values = {}
    for s in range(24):
        d = os.path.join(samples, "%03d" % s)
        os.makedirs(d, exist_ok=True)
        x = rng.standard_normal((1, 2, 8, 8)).astype(np.float32)
        x[0, 0, s % 8, s % 5] *= 8  # a rare large value
        np.save(os.path.join(d, "x.npy"), x)
        out = os.path.join(work, "out%03d" % s)
        subprocess.run([infer_run, artifact, "--input", "x=" + os.path.join(d, "x.npy"),
                        "--output-dir", out], check=True, stdout=subprocess.DEVNULL)
        values.setdefault("x", []).append(np.abs(x).ravel())
        for f in sorted(os.listdir(out)):
            values.setdefault(f[:-4], []).append(np.abs(np.load(os.path.join(out, f))).ravel())
    values = {k: np.concatenate(v).astype(np.float64) for k, v in values.items()}
    for name in ["minmax", "entropy", "percentile=99", "mse"]:
        cache = os.path.join(work, name + ".cache")
        subprocess.run([infer_run, artifact, "--calibrate", samples, "--calibrator", name,
                        "--calibration-cache", cache], check=True, stdout=subprocess.DEVNULL)
        lines = open(cache).read().splitlines()
        assert lines[0] == "infer-calibration 1 " + name, lines[0]
        got = {}
        for line in lines[2:]:
            t, a, scale, _ = line.split("\t")
            got[t] = float(a)
            assert abs(float(scale) - float(a) / 127) <= 1e-6 * float(a), line
        assert sorted(got) == sorted(values), (sorted(got), sorted(values))
        for t, v in values.items():
            mx = v.max()
            h, width = histogram(v, mx), mx / BINS
            want = {"minmax": lambda: mx, "entropy": lambda: entropy(h, width),
                    "percentile=99": lambda: percentile(h, width, 99),
                    "mse": lambda: mse(h, width)}[name]()
            if abs(got[t] - want) > 1e-5 * max(want, 1e-30):
                sys.exit("%s: tensor %s: infer-run %.9g, NumPy %.9g" % (name, t, got[t], want))
        print("calibration %s: %d tensors match" % (name, len(got)))


if __name__ == "__main__":
    main()
