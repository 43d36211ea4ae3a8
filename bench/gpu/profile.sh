#!/usr/bin/env bash
# Runs on the GPU machine: builds the runtime (run.sh --build-only), then
# for each artifact `infer-run --bench --resident --profile` (every launch,
# medians of the profiled runs) into $OUT/NAME.profile.txt and .json, and,
# with NCU_KERNELS=REGEX (kernel names are infer_kernel_<launch>), Nsight
# Compute's full set on those launches into $OUT/NAME.full.csv.
#   CARRY=gpu-carry bench/gpu/profile.sh ARTIFACT...
set -euo pipefail
CARRY=${CARRY:-gpu-carry}
OUT=${OUT:-build/profile}
mkdir -p "$OUT"
CARRY=$CARRY bench/gpu/run.sh --build-only >/dev/null
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
for a in "$@"; do
  name=$(basename "$a" .infer)
  build-gpu/bin/infer-run "$a" --bench --resident --duration 2 >"$OUT/$name.bench.txt"
  grep -E "median|latency" "$OUT/$name.bench.txt" | head -3 | sed "s/^/$name: /"
  build-gpu/bin/infer-run "$a" --bench --resident --profile --profile-top 200 --duration 2 \
    --json "$OUT/$name.json" >"$OUT/$name.profile.txt"
  if [ -n "${NCU_KERNELS:-}" ]; then
    ncu --clock-control none --csv --page raw --set full -k "regex:^(${NCU_KERNELS})\$" \
      build-gpu/bin/infer-run "$a" --cuda-graph 0 >"$OUT/$name.full.csv" 2>"$OUT/$name.full.err" ||
      echo "ncu failed on $a (see $OUT/$name.full.err)"
  fi
done
