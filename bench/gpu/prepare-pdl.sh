#!/usr/bin/env bash
# Prepares the programmatic-dependent-launch run: ResNet-50 and
# MobileNetV2 at batch 32 (fp16) and ResNet-50 int8 (entropy calibration
# as prepare-int8.sh does it), compiled for ARCH, staged with the headers
# the runtime build needs in build/gpu-stage-pdl. Every kernel of sm_90
# code begins with griddepcontrol.wait; bench/gpu/pdl.sh then times each
# artifact with programmatic stream serialization and without
# (INFER_CUDA_NO_PDL=1), in alternating processes.
#   bench/gpu/prepare-pdl.sh [ARCH]     (default sm_90a)
# Then send it with bench/gpu/stage.py (see prepare.sh) and run
#   CARRY=gpu-stash bench/gpu/pdl.sh
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-stage-pdl
WORK=build/bench-pdl
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
B=build/bin
EXPORTS=build/bench-gpu
rm -rf "$OUT" "$WORK"
bench/gpu/stage-headers.sh "$OUT"
mkdir -p "$OUT/models" "$WORK" "$EXPORTS"
for m in resnet50 mobilenet_v2; do
  [ -f "$EXPORTS/${m}_b32.onnx" ] || "$PY" test/models/export_models.py "$EXPORTS" --models $m --batch 32
  mkdir -p "$OUT/models/${m}_b32"
  cp "$EXPORTS/${m}_b32/input.npy" "$EXPORTS/${m}_b32/expected/output.npy" "$OUT/models/${m}_b32/"
  $B/infer-compile "$EXPORTS/${m}_b32.onnx" --target=cuda:"$ARCH" --precision=fp16 \
    -o "$OUT/models/${m}_b32.fp16.infer"
done
bench/gpu/calibrate-resnet50.sh "$EXPORTS" "$WORK"
$B/infer-compile "$EXPORTS/resnet50_b32.onnx" --target=cuda:"$ARCH" --precision=int8 \
  --calibration-cache="$WORK/resnet50.cache" -o "$OUT/models/resnet50_b32.int8.infer"
echo "staged in $OUT: $(du -sh "$OUT" | cut -f1); send it with bench/gpu/stage.py pack --stage $OUT"
