#!/usr/bin/env bash
# Runs on the GPU machine (CUDA, CMake and PyTorch, no LLVM): builds the
# runtime and infer-run without the compiler, then checks and times the
# artifacts bench/gpu/prepare.sh compiled into gpu-carry/ against PyTorch
# (eager and torch.compile) and cuBLAS in the same run.
#   bench/gpu/run.sh [--build-only | bench.py options]
# CARRY names the folder with include/ and models/ (default gpu-carry; a
# set sent in batches is in gpu-stash, see prepare.sh).
set -euo pipefail
CARRY=${CARRY:-gpu-carry}
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DINFER_BUILD_COMPILER=OFF -DINFER_BUILD_TESTS=OFF \
  -DINFER_ARTIFACT_HEADER_DIR="$PWD/$CARRY/include" \
  -DINFER_VULKAN_INCLUDE="$PWD/$CARRY/include" \
  -DCMAKE_CXX_FLAGS="-isystem $PWD/$CARRY/include" >/dev/null
cmake --build build-gpu --target infer_runtime -j "$(nproc)"
cmake --build build-gpu --target infer-run -j "$(nproc)" || echo "run.sh: infer-run did not build (the benchmark needs the library only)"
[ "${1:-}" = --build-only ] && exit 0
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
PYTHONUNBUFFERED=1 python3 bench/gpu/bench.py --runtime build-gpu/lib/libinfer_runtime.so \
  --models "$CARRY/models" "$@"
