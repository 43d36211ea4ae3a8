#!/usr/bin/env bash
# ResNet-50 b32 int8 against fp16, both tuned (issue 15's ratio with each
# precision at its best tiles). Here, where LLVM is:
#   bench/gpu/int8-tune.sh prepare [ARCH]
#     calibrates (calibrate-resnet50.sh) and writes the int8 and the fp16
#     tile candidates (infer-compile --tune-candidates) with the headers
#     into build/gpu-int8-tune/ (move with stage.py; 62 MB)
# there: CARRY=gpu-stash bench/gpu/tune.sh tune  (both files into one
#     cache, $OUT/gpu.cache; or one file a call, merged with infer-tune)
# here again:
#   bench/gpu/int8-tune.sh compile CACHE [ARCH]
#     the heuristic's and the tuned artifacts of both precisions into
#     build/gpu-int8-tune-bench/models (165 MB: stage.py, 4 calls)
# there: CARRY=gpu-stash ROUNDS=3 bench/gpu/ab.sh gpu-stash/models/*.infer
set -euo pipefail
MODE=$1
shift
EXPORTS=build/bench-gpu
WORK=build/bench-int8-tune
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
B=build/bin
[ -f "$EXPORTS/resnet50_b32.onnx" ] || "$PY" test/models/export_models.py "$EXPORTS" --models resnet50 --batch 32
if [ "$MODE" = prepare ]; then
  ARCH=${1:-sm_90a}
  OUT=build/gpu-int8-tune
  rm -rf "$OUT" "$WORK"
  mkdir -p "$OUT/cands"
  bench/gpu/stage-headers.sh "$OUT"
  bench/gpu/calibrate-resnet50.sh "$EXPORTS" "$WORK"
  $B/infer-compile "$EXPORTS/resnet50_b32.onnx" --target=cuda:"$ARCH" --precision=int8 \
    --calibration-cache="$WORK/resnet50.cache" --tune-candidates -o "$OUT/cands/r50_int8.cands.infer" 2>/dev/null
  $B/infer-compile "$EXPORTS/resnet50_b32.onnx" --target=cuda:"$ARCH" --precision=fp16 \
    --tune-candidates -o "$OUT/cands/r50_fp16.cands.infer" 2>/dev/null
  du -sh "$OUT"
  exit 0
fi
[ "$MODE" = compile ] || { echo "usage: int8-tune.sh prepare|compile ..." >&2; exit 2; }
CACHE=$1
ARCH=${2:-sm_90a}
OUT=build/gpu-int8-tune-bench
rm -rf "$OUT"
mkdir -p "$OUT/models"
bench/gpu/stage-headers.sh "$OUT"
I8="$B/infer-compile $EXPORTS/resnet50_b32.onnx --target=cuda:$ARCH --precision=int8 --calibration-cache=$WORK/resnet50.cache"
F16="$B/infer-compile $EXPORTS/resnet50_b32.onnx --target=cuda:$ARCH --precision=fp16"
$I8 -o "$OUT/models/r50_int8_heuristic.infer"
$I8 -o "$OUT/models/r50_int8_tuned.infer" --tuning-cache="$CACHE" --report="$OUT/int8.json"
$F16 -o "$OUT/models/r50_fp16_heuristic.infer"
$F16 -o "$OUT/models/r50_fp16_tuned.infer" --tuning-cache="$CACHE" --report="$OUT/fp16.json"
for p in int8 fp16; do
  echo "$p: $(grep -c '"config_source": "cache"' "$OUT/$p.json") kernels from the cache"
done
du -sh "$OUT"
