#!/usr/bin/env bash
# Prepares issue 15's fp8 run: ResNet-50 at batch 32 (MODELS="resnet50
# resnet50_b32" adds batch 1; 3 calls of stage.py instead of 2) in fp16, int8
# and fp8 (f8E4M3FN, --precision=fp8), all from one calibration cache (the
# entropy ranges of calibrate-resnet50.sh, reused when there), staged in
# build/gpu-stage-fp8 for stage.py (see prepare.sh), with each batch's
# input and PyTorch fp32 output for bench.py's check (cosine >= 0.99).
#   bench/gpu/prepare-fp8.sh [ARCH]     (default sm_90a)
# Then on the GPU machine, after the batches are unpacked:
#   python3 bench/gpu/bench.py --runtime build-gpu/lib/libinfer_runtime.so \
#     --models gpu-stash/models          (cosine to PyTorch fp32, times)
#   CARRY=gpu-stash OUT=$OUT ROUNDS=5 bench/gpu/ab.sh \
#     gpu-stash/models/resnet50_b32.{fp16,int8,fp8}.infer   (alternating)
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-stage-fp8
WORK=build/bench-int8-tune
B=build/bin
EXPORTS=build/bench-gpu
MODELS=${MODELS:-resnet50_b32}
for d in $MODELS; do
  [ -f "$EXPORTS/$d.onnx" ] || { echo "run bench/gpu/prepare-zoo.sh resnet50 '1 32' first" >&2; exit 1; }
done
[ -f "$WORK/resnet50.cache" ] || bench/gpu/calibrate-resnet50.sh "$EXPORTS" "$WORK"
rm -rf "$OUT"
bench/gpu/stage-headers.sh "$OUT"
mkdir -p "$OUT/models"
for d in $MODELS; do
  mkdir -p "$OUT/models/$d"
  cp "$EXPORTS/$d/input.npy" "$EXPORTS/$d/expected/output.npy" "$OUT/models/$d/"
  $B/infer-compile "$EXPORTS/$d.onnx" --target=cuda:"$ARCH" --precision=fp16 \
    -o "$OUT/models/$d.fp16.infer"
  for p in int8 fp8; do
    $B/infer-compile "$EXPORTS/$d.onnx" --target=cuda:"$ARCH" --precision=$p \
      --calibration-cache="$WORK/resnet50.cache" -o "$OUT/models/$d.$p.infer" \
      --report="$OUT/models/$d.$p.json"
  done
done
echo "staged in $OUT: $(du -sh "$OUT" | cut -f1); send it with bench/gpu/stage.py pack --stage $OUT"
