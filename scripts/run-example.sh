#!/usr/bin/env bash
# `make run`: compiles the bundled Fashion-MNIST classifier for this machine,
# runs it on 512 test images, checks it against the reference interpreter,
# prints its accuracy against the labels and its latency.
#   scripts/run-example.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
EX=examples/fashion-mnist
OUT=$BUILD/example
mkdir -p "$OUT"
run() { echo; echo "==> $*"; "$@"; }

run "$BUILD/bin/infer-compile" "$EX/model.onnx" --input-shape=image=512x1x28x28 \
  -o "$OUT/model.infer" --report=-
run "$BUILD/bin/infer-run" "$OUT/model.infer" --input "image=$EX/images.npy" \
  --output-dir "$OUT" --reference
run /usr/bin/python3 scripts/example_accuracy.py "$OUT/logits.npy" "$EX/labels.npy"
run "$BUILD/bin/infer-compile" "$EX/model.onnx" -o "$OUT/model-b1.infer"
run "$BUILD/bin/infer-run" "$OUT/model-b1.infer" --bench --duration 2

# int8: calibrate on the 512 bundled training images (infer-compile runs
# the fp32 engine returning every tensor and writes the cache), compile with
# the cache, compare top-1 accuracy with fp32 on the same images (CPU, and
# the GPU when there is one).
rm -f "$OUT/model.cache"
run "$BUILD/bin/infer-compile" "$EX/model.onnx" --input-shape=image=512x1x28x28 \
  --precision=int8 --calibration-data="$EX/calibration" \
  --calibration-cache="$OUT/model.cache" -o "$OUT/model-int8-calibrated.infer"
targets=(cpu)
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  targets+=(cuda)
else
  echo; echo "(no NVIDIA GPU here: the CUDA runs are skipped)"
fi
for t in "${targets[@]}"; do
  run "$BUILD/bin/infer-compile" "$EX/model.onnx" --input-shape=image=512x1x28x28 \
    --target="$t" -o "$OUT/model-$t-fp32.infer"
  run "$BUILD/bin/infer-compile" "$EX/model.onnx" --input-shape=image=512x1x28x28 \
    --target="$t" --precision=int8 --calibration-cache="$OUT/model.cache" \
    -o "$OUT/model-$t-int8.infer"
  for p in fp32 int8; do
    run "$BUILD/bin/infer-run" "$OUT/model-$t-$p.infer" --input "image=$EX/images.npy" \
      --output-dir "$OUT/$t-$p" --print 4
  done
  run /usr/bin/python3 scripts/example_accuracy.py "$OUT/$t-int8/logits.npy" \
    "$EX/labels.npy" --baseline "$OUT/$t-fp32/logits.npy" --name "$t int8"
done
