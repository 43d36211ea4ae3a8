#!/usr/bin/env bash
# The fp8 template kernels on values of both signs (bench/gpu/checks/
# fp8-templates.mlir: the quantizing NHWC transpose, the channels-last max
# pool, a GEMM requantized to fp8, one with an fp8 residual) against the
# same graph on the CPU's generic kernels (f8E4M3FN decoded exactly).
#   bench/gpu/check-fp8.sh prepare     here: compiles both, writes the CPU's
#                                      outputs on infer-run's seeded inputs
#                                      into build/gpu-check-fp8 (carry it)
#   bench/gpu/check-fp8.sh run DIR     there: runs the CUDA artifact and
#                                      compares (compare_outputs.py)
# The pool and transpose outputs must be identical; the GEMMs' within an
# fp8 rounding step where the fp32 sums' order differs.
set -euo pipefail
case "${1:-}" in
prepare)
  OUT=build/gpu-check-fp8
  rm -rf "$OUT" && mkdir -p "$OUT"
  M=bench/gpu/checks/fp8-templates.mlir
  build/bin/infer-compile "$M" --target=cuda:sm_90a -o "$OUT/fp8.cuda.infer"
  build/bin/infer-compile "$M" -o "$OUT/fp8.cpu.infer"
  build/bin/infer-run "$OUT/fp8.cpu.infer" --output-dir "$OUT/cpu" >/dev/null
  echo "carry $OUT; there: bench/gpu/check-fp8.sh run $OUT"
  ;;
run)
  DIR=$2
  build-gpu/bin/infer-run "$DIR/fp8.cuda.infer" --output-dir "$DIR/cuda" >/dev/null
  python3 bench/gpu/compare_outputs.py "$DIR/cpu" "$DIR/cuda"
  ;;
*)
  echo "usage: check-fp8.sh prepare | run DIR" >&2
  exit 2
  ;;
esac
