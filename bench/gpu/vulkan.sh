#!/usr/bin/env bash
# Runs on the GPU machine (CARRY: bench/gpu/prepare-vulkan.sh's set, moved
# with bench/gpu/stage.py; carry .gl/ too, whose Vulkan loader and GL vendor
# libraries this unpacks into / first, as the device tool's README says):
# builds the runtime and infer-run with Vulkan, checks each model's Vulkan
# and CUDA artifacts against PyTorch's fp32 output, then times both in
# alternating rounds (infer-run --bench, host copies included for both,
# medians) and prints Vulkan / CUDA.
set -euo pipefail
CARRY=${CARRY:-gpu-stash}
. bench/gpu/vulkan-env.sh
CARRY="$CARRY" bench/gpu/run.sh --build-only >/dev/null
# Each run bounded (RUN_TIMEOUT seconds): a kernel the driver takes minutes
# over, or hangs on, costs that run and not the whole device call.
RUN="timeout ${RUN_TIMEOUT:-90} build-gpu/bin/infer-run"
M="$CARRY/models"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
status=0
for d in "$M"/*/; do
  [ -d "$d" ] || continue
  m=$(basename "$d")
  p=$(cat "$d/precision")
  tol=$([ "$p" = fp32 ] && echo 1e-3 || echo 1e-2)
  kinds=$(for t in vulkan vulkan-coop cuda; do [ -f "$d/$t.infer" ] && echo $t; done)
  for t in $kinds; do
    mkdir -p "$d/out-$t"
    if ! $RUN "$d/$t.infer" --input "input=$d/input.npy" --output-dir "$d/out-$t" \
        --print 0 >/dev/null 2>"$d/err-$t"; then
      echo "$m $t: FAIL: $(cat "$d/err-$t")"; status=1; continue
    fi
    python3 - "$d/out-$t/output.npy" "$d/expected.npy" "$m $t ($p)" "$tol" <<'PY' || status=1
import sys, numpy as np
g, w = np.load(sys.argv[1]).astype(np.float64), np.load(sys.argv[2]).astype(np.float64)
e = np.linalg.norm(g - w) / np.linalg.norm(w)
ok = e <= float(sys.argv[4])
print(f"{sys.argv[3]}: {'PASS' if ok else 'FAIL'}: relative L2 to PyTorch fp32 {e:.2e}")
sys.exit(0 if ok else 1)
PY
  done
  declare -A med
  for round in 1 2 3; do
    for t in $kinds; do
      ms=$($RUN "$d/$t.infer" --input "input=$d/input.npy" --bench --warmup 5 \
             --duration 2 --print 0 2>/dev/null | awk '/^latency ms/ {print $6}')
      med[$t]="${med[$t]:-} $ms"
    done
  done
  for t in $kinds; do
    [ "$t" = cuda ] && continue
    python3 - "$m $t" "${med[$t]}" "${med[cuda]}" <<'PY'
import sys, statistics
v = statistics.median(map(float, sys.argv[2].split()))
c = statistics.median(map(float, sys.argv[3].split()))
print(f"{sys.argv[1]}: {v:.3f} ms, cuda {c:.3f} ms, speed / cuda {c / v:.4f} (rounds {sys.argv[2].strip()} | {sys.argv[3].strip()})")
PY
  done
  unset med
done
# The GEMMs: made on the GPU, checked against PyTorch, timed resident.
if [ -d "$CARRY/gemm" ]; then
  timeout "${GEMM_TIMEOUT:-300}" python3 bench/gpu/vulkan_gemm.py --runtime build-gpu/lib/libinfer_runtime.so \
    --dir "$CARRY/gemm" || status=1
fi
exit $status
