#!/usr/bin/env bash
# ResNet-50's int8 ranges for the GPU runs (prepare-int8.sh, prepare-pdl.sh):
# the fp32 engine of EXPORTS/resnet50_b32.onnx (every tensor marked)
# calibrated on four batches of 32 seeded normal images (seeds 100-103),
# entropy calibrator, written to WORK/resnet50.cache.
#   bench/gpu/calibrate-resnet50.sh EXPORTS WORK
set -euo pipefail
EXPORTS=$1
WORK=$2
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
B=build/bin
mkdir -p "$WORK/calib"
"$PY" - "$WORK/calib" <<'PYEOF'
import os, sys
import numpy as np
for s in range(4):
    d = os.path.join(sys.argv[1], f"s{s}")
    os.makedirs(d, exist_ok=True)
    x = np.random.default_rng(100 + s).standard_normal((32, 3, 224, 224)).astype(np.float32)
    np.save(os.path.join(d, "input.npy"), x)
PYEOF
$B/infer-compile "$EXPORTS/resnet50_b32.onnx" --mark-outputs=all -o "$WORK/resnet50-marked.infer"
$B/infer-run "$WORK/resnet50-marked.infer" --calibrate "$WORK/calib" \
  --calibration-cache "$WORK/resnet50.cache" | tail -1
