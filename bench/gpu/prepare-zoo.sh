#!/usr/bin/env bash
# Prepares the model-zoo GPU run (issue 13's set): exports torchvision
# models and the encoder at batch 1 and 32 with PyTorch's fp32 outputs,
# compiles each for a CUDA target in fp16 with its report, and stages
# everything the GPU machine needs (as prepare.sh does) in
# build/gpu-stage-zoo. Kernels the report flags as unable to fill the GPU
# are listed.
#   [PRECISIONS="fp16 fp32 fp32-strict"] bench/gpu/prepare-zoo.sh [MODELS] [BATCHES] [ARCH]
#   (defaults: every model of test/models/export_models.py, "1 32", sm_90a;
#   PRECISIONS fp16; fp32 artifacts are DATA.infer, the others DATA.P.infer)
# Then send it in batches as prepare.sh says, with --stage build/gpu-stage-zoo.
set -euo pipefail
MODELS=${1:-resnet50,mobilenet_v2,efficientnet_b0,regnet_y_400mf,shufflenet_v2_x1_0,densenet121,convnext_tiny,squeezenet1_1,encoder}
BATCHES=${2:-1 32}
ARCH=${3:-sm_90a}
PRECISIONS=${PRECISIONS:-fp16}
OUT=build/gpu-stage-zoo
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
EXPORTS=build/bench-gpu
rm -rf "$OUT"
mkdir -p "$OUT/include/runtime/schema" "$OUT/models" "$EXPORTS"
cp build/runtime/schema/Artifact_generated.h "$OUT/include/runtime/schema/"
cp -r /usr/include/flatbuffers /usr/include/CLI /usr/include/nlohmann "$OUT/include/"
for b in $BATCHES; do
  "$PY" test/models/export_models.py "$EXPORTS" --models "$MODELS" --batch "$b"
done
for m in ${MODELS//,/ }; do
  for b in $BATCHES; do
    d=$m; [ "$b" = 1 ] || d=${m}_b$b
    mkdir -p "$OUT/models/$d"
    cp "$EXPORTS/$d/input.npy" "$EXPORTS/$d/expected/output.npy" "$OUT/models/$d/"
    for p in $PRECISIONS; do
      a=$d.$p; [ "$p" = fp32 ] && a=$d
      build/bin/infer-compile "$EXPORTS/$d.onnx" --target=cuda:"$ARCH" --precision="$p" \
        -o "$OUT/models/$a.infer" --report="$OUT/models/$a.json"
      "$PY" - "$OUT/models/$a.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
bad = [k for k in r["kernels"] if k.get("fills_gpu") is False]
print(f"{sys.argv[1]}: {len(r['kernels'])} kernels, {len(bad)} cannot fill the GPU"
      + "".join(f"\n  {k['symbol']} {k['kind']} grid {k['grid']}x{k['threads']}: "
                f"{', '.join(k['onnx_nodes'][:3])}" for k in bad))
PYEOF
    done
  done
done
du -sh "$OUT"
