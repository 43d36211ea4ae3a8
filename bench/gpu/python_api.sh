#!/usr/bin/env bash
# Runs on the GPU machine (carry gpu-py from bench/gpu/prepare-python.sh):
# builds the runtime and the Python module `_infer` with that machine's
# python3 and pip's pybind11 (no LLVM), then runs bench/gpu/python_api.py:
# the CUDA artifacts through `import infer` with PyTorch CUDA tensors in
# and out, against PyTorch.
set -euo pipefail
CARRY=${CARRY:-gpu-py}
PY=$(command -v python3)
CARRY="$CARRY" bench/gpu/build-python.sh
PYTHONUNBUFFERED=1 PYTHONPATH=build-gpu-py/python "$PY" bench/gpu/python_api.py "$CARRY/models"
