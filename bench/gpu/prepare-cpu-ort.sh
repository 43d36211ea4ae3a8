#!/usr/bin/env bash
# Prepares here the CPU comparison with onnxruntime on the GPU machine's
# host CPU (AVX-512; it has onnxruntime, no LLVM): MODELS (default
# resnet50,mobilenet_v2,efficientnet_b0, ONNX files from bench/cpu/bench.py
# in SRC, default build/bench-tune9) compiled for TARGET (default
# cpu:sapphirerapids) with the heuristic's tiles, or with TUNING_CACHE.
# Fills build/cpu-stage with include/ and models/; move it with
# bench/gpu/stage.py (pack here, unpack there), then run
# bench/gpu/cpu_ort.py there with CARRY=gpu-stash:
#   bench/gpu/stage.py pack --stage build/cpu-stage --out gpu-carry --batch K
#   (device) bench/gpu/stage.py unpack --carry gpu-carry --stash gpu-stash
#   (device, last batch) bench/gpu/run.sh --build-only && taskset -c 2,3 \
#       python3 bench/gpu/cpu_ort.py --stash gpu-stash
set -euo pipefail
MODELS=${MODELS:-resnet50,mobilenet_v2,efficientnet_b0}
SRC=${SRC:-build/bench-tune9}
TARGET=${TARGET:-cpu:sapphirerapids}
STAGE=build/cpu-stage
rm -rf "$STAGE" && mkdir -p "$STAGE/models"
bench/gpu/stage-headers.sh "$STAGE"
for m in ${MODELS//,/ }; do
  extra=()
  [ -n "${TUNING_CACHE:-}" ] && extra=(--tuning-cache="$TUNING_CACHE")
  build/bin/infer-compile "$SRC/$m.onnx" --target="$TARGET" -o "$STAGE/models/$m.infer" "${extra[@]}"
  cp "$SRC/$m.onnx" "$STAGE/models/$m.onnx"
done
du -sh "$STAGE"
