#!/usr/bin/env bash
# Prepares a GPU benchmark run (here, where LLVM is): compiles the models for
# a CUDA target into gpu-carry/ (ignored by git), with their inputs and
# PyTorch's fp32 outputs, and everything the GPU machine needs to build the
# runtime and infer-run without LLVM: the generated artifact schema header
# and the header-only libraries (FlatBuffers, CLI11, nlohmann-json).
#   bench/gpu/prepare.sh [ARCH]          (default sm_90a)
# Then, on the GPU machine (the device tool carries gpu-carry/):
#   bench/gpu/run.sh
# The working tree travels with a 64 MiB limit: ResNet-50's fp32 weights
# (98 MB) do not fit and are left out until fp16 weights exist.
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=gpu-carry
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/include/runtime/schema" "$OUT/models"
cp build/runtime/schema/Artifact_generated.h "$OUT/include/runtime/schema/"
cp -r /usr/include/flatbuffers /usr/include/CLI /usr/include/nlohmann "$OUT/include/"

# GEMMs: fp16 MatMul of two graph inputs (no weights to carry), and small
# check models with their inputs and references.
"$PY" bench/gpu/export_gemm.py "$OUT/models"
# Models, exported with their inputs and PyTorch's outputs.
MODELS=build/bench-gpu
mkdir -p "$MODELS"
"$PY" test/models/export_models.py "$MODELS" --models mobilenet_v2,encoder
"$PY" test/models/export_models.py "$MODELS" --models mobilenet_v2 --batch 32
for m in mobilenet_v2 encoder mobilenet_v2_b32; do
  mkdir -p "$OUT/models/$m"
  cp "$MODELS/$m/input.npy" "$MODELS/$m/expected/output.npy" "$OUT/models/$m/"
  build/bin/infer-compile "$MODELS/$m.onnx" --target=cuda:"$ARCH" \
    -o "$OUT/models/$m.infer" --report="$OUT/models/$m.json"
done
for g in "$OUT"/models/gemm_*.onnx "$OUT"/models/check_*.onnx; do
  build/bin/infer-compile "$g" --target=cuda:"$ARCH" -o "${g%.onnx}.infer" \
    --report="${g%.onnx}.json"
  rm "$g"
done
du -sh "$OUT"
