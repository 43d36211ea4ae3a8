#!/usr/bin/env bash
# Here, after bench/gpu/tune.sh tune: compiles each model of
# bench/gpu/prepare-tune.sh for CUDA in fp16 with the heuristic's tiles and
# with the tuning cache CACHE (twice: the two must be the same bytes, and
# the second compile does no tuning), into build/gpu-tune-bench/models/,
# with the headers, for bench/gpu/tune.sh bench.
#   bench/gpu/compile-tuned.sh CACHE [ARCH]
set -euo pipefail
CACHE=$1
ARCH=${2:-sm_90a}
OUT=build/gpu-tune-bench
MODELS=build/bench-gpu
rm -rf "$OUT"
mkdir -p "$OUT/models"
bench/gpu/stage-headers.sh "$OUT"
for m in resnet50 resnet50_b32 mobilenet_v2 encoder; do
  C="build/bin/infer-compile $MODELS/$m.onnx --target=cuda:$ARCH --precision=fp16"
  $C -o "$OUT/models/$m.heuristic.infer"
  $C -o "$OUT/models/$m.tuned.infer" --tuning-cache="$CACHE" --report="$OUT/models/$m.tuned.json"
  $C -o "$OUT/models/$m.tuned-again.infer" --tuning-cache="$CACHE"
  cmp "$OUT/models/$m.tuned.infer" "$OUT/models/$m.tuned-again.infer"
  rm "$OUT/models/$m.tuned-again.infer"
  echo "$m: $(grep -c '"config_source": "cache"' "$OUT/models/$m.tuned.json") kernels from the cache; compiled again with it: the same bytes"
done
du -sh "$OUT"
