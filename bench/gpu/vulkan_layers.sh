#!/usr/bin/env bash
# Runs on the GPU machine: checks and times every artifact under
# $CARRY/layers (NAME.VARIANT.infer: single layers, export_convs.py,
# compiled in variants; NAME.zz_cuda.infer the CUDA build each variant's
# output is checked against, on infer-run's seeded random input) with
# infer-run --bench --resident (the plan alone) and --profile (the GPU time
# of each launch), one line per artifact: relative L2 to CUDA, median
# latency, the kernels' total and each kind's. Models of one output.
set -euo pipefail
CARRY=${CARRY:-gpu-stash}
. bench/gpu/vulkan-env.sh
[ -x build-gpu/bin/infer-run ] || CARRY="$CARRY" bench/gpu/run.sh --build-only >/dev/null
# Each run bounded (RUN_TIMEOUT seconds): a kernel the driver takes minutes
# over, or hangs on, costs that run and not the whole device call.
RUN="timeout ${RUN_TIMEOUT:-90} build-gpu/bin/infer-run"
for a in "$CARRY"/layers/*.infer; do
  name=$(basename "$a" .infer)
  ref="$CARRY/layers/${name%%.*}.zz_cuda.infer"
  mkdir -p "/tmp/out/$name" "/tmp/out/${name%%.*}.ref"
  $RUN "$ref" --output-dir "/tmp/out/${name%%.*}.ref" --print 0 >/dev/null 2>&1 || true
  err=FAIL
  if $RUN "$a" --output-dir "/tmp/out/$name" --print 0 >/dev/null 2>"/tmp/out/$name.err"; then
    err=$(python3 -c "
import sys, numpy as np
import glob, os
f = os.path.basename(glob.glob('/tmp/out/$name/*.npy')[0])
a = np.load('/tmp/out/$name/' + f).astype(np.float64); b = np.load('/tmp/out/${name%%.*}.ref/' + f).astype(np.float64)
print(f'{np.linalg.norm(a - b) / np.linalg.norm(b):.1e}')")
  fi
  lat=$($RUN "$a" --bench --resident --warmup 20 --duration 0.5 --print 0 2>&1 |
        awk '/^latency ms/ {print $6}' || true)
  prof=$($RUN "$a" --bench --profile --warmup 20 --duration 0.5 --print 0 2>&1 |
         awk '/^profile:/ {t=$5} /^ +[0-9.]+% +[0-9.]+ +[a-z0-9_]+ +[0-9]+ launches/ {k=k" "$3"="$2"x"$4} END {print t" ms kernels;"k}' || true)
  echo "$name: rel L2 to CUDA $err; resident $lat ms; $prof"
done
