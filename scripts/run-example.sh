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
