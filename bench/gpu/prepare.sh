#!/usr/bin/env bash
# Prepares a GPU benchmark run (here, where LLVM is): compiles the models for
# a CUDA target, in fp32 and fp16, into build/gpu-stage/ with their inputs
# and PyTorch's fp32 outputs, and everything the GPU machine needs to build
# the runtime and infer-run without LLVM: the generated artifact schema
# header and the header-only libraries (FlatBuffers, CLI11, nlohmann-json).
#   bench/gpu/prepare.sh [ARCH]          (default sm_90a)
# The set (about 300 MB: ResNet-50's weights) is larger than the 64 MiB one
# device call carries, so it travels in batches (bench/gpu/stage.py):
#   n=$(bench/gpu/stage.py pack --stage build/gpu-stage --out gpu-carry --batch 1)
#   on the GPU machine, for each batch K of n (pack K here first):
#     python3 bench/gpu/stage.py unpack --carry gpu-carry --stash gpu-stash
#   then, in the last call: CARRY=gpu-stash bench/gpu/run.sh
# Artifacts are named DATA.infer (fp32) and DATA.fp16.infer, where DATA is
# the folder of the input and expected output.
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-stage
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/include/runtime/schema" "$OUT/models"
cp build/runtime/schema/Artifact_generated.h "$OUT/include/runtime/schema/"
cp -r /usr/include/flatbuffers /usr/include/CLI /usr/include/nlohmann "$OUT/include/"

# GEMMs: fp16 MatMul of two graph inputs (no weights to carry), and small
# check models with their inputs and references.
"$PY" bench/gpu/export_gemm.py "$OUT/models"
# The weighted GEMM also for sm_90 (mma.sync instead of wgmma).
build/bin/infer-compile "$OUT"/models/gemmw_8192x4096x4096.onnx --target=cuda:sm_90 \
  -o "$OUT"/models/gemmw_8192x4096x4096.sm_90.infer
# The 2:4 GEMMs also dense (the same weight, --sparsity=disable).
for g in "$OUT"/models/gemms_*.onnx; do
  build/bin/infer-compile "$g" --target=cuda:"$ARCH" --sparsity=disable \
    -o "${g%.onnx}.dense.infer"
done
# The fp32 2:4 check in bf16 on both sparse kernels (sparse wgmma, mma.sp).
for t in sm_90a sm_90; do
  build/bin/infer-compile "$OUT"/models/check_sparse_f32.onnx --target=cuda:$t \
    --precision=bf16 -o "$OUT/models/check_sparse_f32.bf16_$t.infer"
done
for g in "$OUT"/models/gemm*.onnx "$OUT"/models/check_*.onnx; do
  build/bin/infer-compile "$g" --target=cuda:"$ARCH" -o "${g%.onnx}.infer" \
    --report="${g%.onnx}.json"
  rm "$g"
done
# Models, exported with their inputs and PyTorch's outputs.
MODELS=build/bench-gpu
mkdir -p "$MODELS"
"$PY" test/models/export_models.py "$MODELS" --models mobilenet_v2,encoder,resnet50
"$PY" test/models/export_models.py "$MODELS" --models mobilenet_v2,resnet50 --batch 32
compile() { # DATA PRECISION
  local m=$1 p=$2 suffix=""
  [ "$p" = fp32 ] || suffix=".$p"
  mkdir -p "$OUT/models/$m"
  cp "$MODELS/$m/input.npy" "$MODELS/$m/expected/output.npy" "$OUT/models/$m/"
  build/bin/infer-compile "$MODELS/$m.onnx" --target=cuda:"$ARCH" --precision="$p" \
    -o "$OUT/models/$m$suffix.infer" --report="$OUT/models/$m$suffix.json"
}
for m in mobilenet_v2 mobilenet_v2_b32 encoder resnet50; do
  compile $m fp32
  compile $m fp16
done
# bf16 on both tensor-core kernels: wgmma (sm_90a) and mma.sync (sm_90).
compile mobilenet_v2 bf16
build/bin/infer-compile "$MODELS/mobilenet_v2.onnx" --target=cuda:sm_90 --precision=bf16 \
  -o "$OUT/models/mobilenet_v2.bf16.sm_90.infer"
# CUDA-only error paths (bench/gpu/check_errors.sh on the GPU machine).
"$PY" bench/gpu/corrupt_maps.py "$OUT/models/check_epilogue.infer" "$OUT/errors"
# ResNet-50 at batch 32 in fp32 (106 MB more) is left out: fp32 accuracy is
# shown at batch 1.
compile resnet50_b32 fp16
du -sh "$OUT"
