#!/usr/bin/env bash
# Runs on the GPU machine (carry gpu-py from bench/gpu/prepare-python.sh):
# builds the runtime and the Python module `_infer` with that machine's
# python3 and pip's pybind11 (no LLVM), then runs bench/gpu/python_api.py:
# the CUDA artifacts through `import infer` with PyTorch CUDA tensors in
# and out, against PyTorch.
set -euo pipefail
CARRY=${CARRY:-gpu-py}
PY=$(command -v python3)
cmake -S . -B build-gpu-py -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DINFER_BUILD_COMPILER=OFF -DINFER_BUILD_TESTS=OFF \
  -DINFER_ARTIFACT_HEADER_DIR="$PWD/$CARRY/include" \
  -DCMAKE_CXX_FLAGS="-isystem $PWD/$CARRY/include" \
  -DINFER_DLPACK_INCLUDE="$PWD/$CARRY/include" \
  -DPython_EXECUTABLE="$PY" -Dpybind11_DIR="$("$PY" -m pybind11 --cmakedir)" >/dev/null
cmake --build build-gpu-py --target _infer -j "$(nproc)"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
PYTHONUNBUFFERED=1 PYTHONPATH=build-gpu-py/python "$PY" bench/gpu/python_api.py "$CARRY/models"
