#!/usr/bin/env bash
# Prepares the dynamic-shape check on the GPU (here, where LLVM is) in
# build/gpu-dyn-stage/: ResNet-50 with a dynamic batch (profile 1..32, opt
# 8) and the masked encoder with dynamic batch and sequence length (1..8 x
# 16..512, opt 4 x 128), each compiled for CUDA in fp16 with --profile and
# statically at the opt shape, PyTorch's fp32 outputs at five shapes of
# each range (test/models/export_dynamic.py refs: the inputs are seeded
# NumPy normals, made again there), and the headers the GPU machine builds
# the runtime and `_infer` with. The set is larger than one device call
# carries: move it with bench/gpu/stage.py (pack here, unpack there), then
# in the last call CARRY=gpu-stash bench/gpu/dynamic.sh.
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-dyn-stage
MODELS=build/bench-dynamic
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/models" "$MODELS"
bench/gpu/stage-headers.sh "$OUT"
"$PY" test/models/export_dynamic.py export "$MODELS"
"$PY" test/models/export_dynamic.py refs resnet50 "$OUT/models" --shapes 1,3,8,17,32
"$PY" test/models/export_dynamic.py refs encoder "$OUT/models" --shapes 1,2,4,3,8 \
  --seq 16,100,128,333,512
C="build/bin/infer-compile --target=cuda:$ARCH --precision=fp16"
$C "$MODELS/resnet50_dynamic.onnx" -o "$OUT/models/resnet50.dyn.infer" \
  --profile 'input:min=1x3x224x224,opt=8x3x224x224,max=32x3x224x224'
$C "$MODELS/resnet50_dynamic.onnx" -o "$OUT/models/resnet50.static.infer" \
  --input-shape input=8x3x224x224
$C "$MODELS/encoder_dynamic.onnx" -o "$OUT/models/encoder.dyn.infer" \
  --profile 'input:min=1x16x256,opt=4x128x256,max=8x512x256' \
  --profile 'attention_mask:min=1x16,opt=4x128,max=8x512'
$C "$MODELS/encoder_dynamic.onnx" -o "$OUT/models/encoder.static.infer" \
  --input-shape input=4x128x256 --input-shape attention_mask=4x128
du -sh "$OUT"
