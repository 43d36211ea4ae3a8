#!/usr/bin/env bash
# The small GEMM checks of export_gemm.py alone (partial tiles, bias,
# ReLU, residuals, 2:4, int8 requantization, stems, pooling), compiled for
# ARCH with their inputs and float64 references, into OUT/ (default
# build/gpu-checks: about 10 MB, carried with any run). There:
#   python3 bench/gpu/bench.py --runtime build-gpu/lib/libinfer_runtime.so --models DIR
# checks each against its reference (rel L2 under 1e-2).
#   bench/gpu/prepare-checks.sh [ARCH] [OUT]
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=${2:-build/gpu-checks}
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"
"$PY" bench/gpu/export_gemm.py "$WORK" >/dev/null
for g in "$WORK"/check_*.onnx; do
  m=$(basename "$g" .onnx)
  build/bin/infer-compile "$g" --target=cuda:"$ARCH" -o "$OUT/$m.infer"
  mkdir -p "$OUT/$m" && cp "$WORK/$m"/*.npy "$OUT/$m/"
done
build/bin/infer-compile "$WORK/check_sparse_f32.onnx" --target=cuda:"$ARCH" --precision=bf16 \
  -o "$OUT/check_sparse_f32.bf16.infer"
du -sh "$OUT"
