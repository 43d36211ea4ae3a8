#!/usr/bin/env bash
# Runs on the GPU machine after bench/gpu/prepare-pdl.sh's set is unpacked:
# builds the runtime (run.sh --build-only), then bench.py (outputs checked
# against PyTorch fp32 first, eager PyTorch as the peer) on the same
# artifacts with programmatic dependent launch and without
# (INFER_CUDA_NO_PDL=1), alternating processes ROUNDS times.
#   CARRY=gpu-stash bench/gpu/pdl.sh [ROUNDS] [bench.py options]
set -euo pipefail
CARRY=${CARRY:-gpu-carry}
ROUNDS=${1:-2}
shift || true
CARRY=$CARRY bench/gpu/run.sh --build-only >/dev/null
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
for r in $(seq "$ROUNDS"); do
  for mode in pdl plain; do
    echo "== round $r: $mode"
    if [ $mode = plain ]; then export INFER_CUDA_NO_PDL=1; else unset INFER_CUDA_NO_PDL; fi
    PYTHONUNBUFFERED=1 python3 bench/gpu/bench.py --runtime build-gpu/lib/libinfer_runtime.so \
      --models "$CARRY/models" --peers eager "$@" ${OUT:+--json "$OUT/pdl-$r-$mode.json"}
  done
done
