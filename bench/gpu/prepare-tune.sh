#!/usr/bin/env bash
# Prepares CUDA tuning (here, where LLVM is) in build/gpu-tune-stage/:
# ResNet-50 at batch 1 and 32, MobileNetV2 and the encoder (exported by
# test/models/export_models.py), each one's tile candidates for the CUDA
# target in fp16 (infer-compile --tune-candidates), and the headers the GPU
# machine builds the runtime and infer-run with. On the GPU machine:
#   bench/gpu/tune.sh tune      (times them: gpu.cache into $OUT)
# then here bench/gpu/compile-tuned.sh CACHE, and there bench/gpu/tune.sh bench.
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-tune-stage
MODELS=build/bench-gpu
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/cands" "$MODELS"
bench/gpu/stage-headers.sh "$OUT"
"$PY" test/models/export_models.py "$MODELS" --models mobilenet_v2,encoder,resnet50
"$PY" test/models/export_models.py "$MODELS" --models resnet50 --batch 32
for m in resnet50 resnet50_b32 mobilenet_v2 encoder; do
  build/bin/infer-compile "$MODELS/$m.onnx" --target=cuda:"$ARCH" --precision=fp16 \
    --tune-candidates -o "$OUT/cands/$m.cands.infer"
done
du -sh "$OUT"
