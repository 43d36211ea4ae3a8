#!/usr/bin/env bash
# Runs on the GPU machine (CARRY: bench/gpu/prepare-dynamic.sh's set, moved
# with bench/gpu/stage.py): builds the runtime and `_infer`
# (bench/gpu/build-python.sh), then checks the dynamic ResNet-50 and
# encoder against PyTorch at five shapes each with CUDA tensors in and out,
# and times each at its opt shape against its static compile (device-
# resident runs, alternating).
set -euo pipefail
CARRY=${CARRY:-gpu-stash}
PY=$(command -v python3)
CARRY="$CARRY" bench/gpu/build-python.sh
M="$CARRY/models"
export PYTHONUNBUFFERED=1 PYTHONPATH=build-gpu-py/python
status=0
for m in resnet50 encoder; do
  # fp16 against PyTorch's fp32: a tolerance for fp16 rounding.
  "$PY" test/models/export_dynamic.py check $m "$M/${m}_refs" "$M/$m.dyn.infer" \
    --static "$M/$m.static.infer" --device cuda --tolerance 3e-2 --iterations 50 || status=1
done
exit $status
