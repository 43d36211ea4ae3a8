#!/usr/bin/env bash
# Builds, on the GPU machine (no LLVM), the runtime and the Python module
# `_infer` into build-gpu-py/ with that machine's python3 and pip's
# pybind11, from the headers a prepare script carried in $CARRY/include.
#   CARRY=gpu-py bench/gpu/build-python.sh
set -euo pipefail
CARRY=${CARRY:?CARRY names the carried folder}
PY=$(command -v python3)
cmake -S . -B build-gpu-py -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DINFER_BUILD_COMPILER=OFF -DINFER_BUILD_TESTS=OFF \
  -DINFER_ARTIFACT_HEADER_DIR="$PWD/$CARRY/include" \
  -DCMAKE_CXX_FLAGS="-isystem $PWD/$CARRY/include" \
  -DINFER_DLPACK_INCLUDE="$PWD/$CARRY/include" \
  -DPython_EXECUTABLE="$PY" -Dpybind11_DIR="$("$PY" -m pybind11 --cmakedir)" >/dev/null
cmake --build build-gpu-py --target _infer -j "$(nproc)" >/dev/null
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
