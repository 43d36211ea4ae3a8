#!/usr/bin/env bash
# Prepares issue 15's GPU run (int8): the int8 GEMM and check models of
# export_gemm.py (gemmq_8192 against torch._int_mm, gemm_8192 for our fp16
# rate, check_int8* exactness), ResNet-50 at batch 1 and 32 in fp16 and
# int8, and the Fashion-MNIST example in fp32 and int8, staged in
# build/gpu-stage-int8 for stage.py (see prepare.sh).
#
# ResNet-50's ranges: the fp32 engine (every tensor marked) calibrated on
# four batches of 32 seeded normal images (seeds 100-103; bench.py checks
# on the exporter's own input, another draw), entropy calibrator. The
# example's: its 512 bundled training images. ResNet-50's exports come
# from prepare-zoo.sh (build/bench-gpu).
#   bench/gpu/prepare-int8.sh [ARCH]     (default sm_90a)
# Then on the GPU machine, after the batches are unpacked:
#   CARRY=gpu-stash bench/gpu/run.sh --rounds 5 --iterations 20 --peers eager,cudagraphs
#   for p in fp32 int8; do build-gpu/bin/infer-run gpu-stash/fm/fm.$p.infer \
#     --input image=examples/fashion-mnist/images.npy --output-dir /tmp/fm-$p; done
#   python3 scripts/example_accuracy.py /tmp/fm-int8/logits.npy \
#     examples/fashion-mnist/labels.npy --baseline /tmp/fm-fp32/logits.npy
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-stage-int8
WORK=build/bench-int8
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
B=build/bin
EXPORTS=build/bench-gpu
for d in resnet50 resnet50_b32; do
  [ -f "$EXPORTS/$d.onnx" ] || { echo "run bench/gpu/prepare-zoo.sh resnet50 '1 32' first" >&2; exit 1; }
done
rm -rf "$OUT" "$WORK"
bench/gpu/stage-headers.sh "$OUT"
mkdir -p "$OUT/models" "$OUT/fm" "$WORK"

# GEMMs and checks.
"$PY" bench/gpu/export_gemm.py "$WORK/gemm"
for m in check_int8_i8 check_int8_f32 check_int8conv48_i8 check_int8conv64_i8 check_int8stem_i8 \
    check_int8res_i8 check_int8pool_i8; do
  $B/infer-compile "$WORK/gemm/$m.onnx" --target=cuda:"$ARCH" -o "$OUT/models/$m.infer"
  mkdir -p "$OUT/models/$m" && cp "$WORK/gemm/$m"/*.npy "$OUT/models/$m/"
done
$B/infer-compile "$WORK/gemm/gemmq_8192.onnx" --target=cuda:"$ARCH" -o "$OUT/models/gemmq_8192.infer"
$B/infer-compile "$WORK/gemm/gemm_8192.onnx" --target=cuda:"$ARCH" -o "$OUT/models/gemm_8192.infer"

# ResNet-50: calibrate on the CPU, compile fp16 and int8.
bench/gpu/calibrate-resnet50.sh "$EXPORTS" "$WORK"
for d in resnet50 resnet50_b32; do
  mkdir -p "$OUT/models/$d"
  cp "$EXPORTS/$d/input.npy" "$EXPORTS/$d/expected/output.npy" "$OUT/models/$d/"
  $B/infer-compile "$EXPORTS/$d.onnx" --target=cuda:"$ARCH" --precision=fp16 \
    -o "$OUT/models/$d.fp16.infer"
  $B/infer-compile "$EXPORTS/$d.onnx" --target=cuda:"$ARCH" --precision=int8 \
    --calibration-cache="$WORK/resnet50.cache" -o "$OUT/models/$d.int8.infer" --report="$OUT/models/$d.int8.json"
done

# The example.
EX=examples/fashion-mnist
$B/infer-compile "$EX/model.onnx" --input-shape=image=512x1x28x28 --mark-outputs=all \
  -o "$WORK/fm-marked.infer"
$B/infer-run "$WORK/fm-marked.infer" --calibrate "$EX/calibration" \
  --calibration-cache "$WORK/fm.cache" | tail -1
$B/infer-compile "$EX/model.onnx" --input-shape=image=512x1x28x28 --target=cuda:"$ARCH" \
  -o "$OUT/fm/fm.fp32.infer"
$B/infer-compile "$EX/model.onnx" --input-shape=image=512x1x28x28 --target=cuda:"$ARCH" \
  --precision=int8 --calibration-cache="$WORK/fm.cache" -o "$OUT/fm/fm.int8.infer"
echo "staged in $OUT: $(du -sh "$OUT" | cut -f1); send it with bench/gpu/stage.py pack --stage $OUT"
