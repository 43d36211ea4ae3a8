#!/usr/bin/env bash
# Runs on a machine with AVX-512 (the GPU machine's host CPU): builds the
# runtime and infer-run (bench/gpu/run.sh --build-only), then compares each
# artifact of bench/gpu/prepare-cpu-avx512.sh with its expected outputs.
#   CARRY=gpu-carry bench/gpu/cpu-avx512.sh
set -uo pipefail
CARRY=${CARRY:-gpu-carry}
lscpu | grep -E "Model name|Flags" | sed 's/\(Flags:\).*\(avx512[a-z_]*\).*/\1 ... \2 .../' | head -2
grep -o 'avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' '; echo
CARRY=$CARRY bench/gpu/run.sh --build-only > /dev/null || exit 1
OUT="$CARRY/avx512"
pass=0; fail=0
for n in $(cat "$OUT/names"); do
  if build-gpu/bin/infer-run "$OUT/$n.infer" --seed 5 --compare "$OUT/$n.expected" > "$OUT/$n.log" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $n"; tail -2 "$OUT/$n.log"
  fi
done
echo "forced tiles on AVX-512: $pass passed, $fail failed"
if [ -f "$OUT/mobilenet_v2.infer" ]; then
  build-gpu/bin/infer-run "$OUT/mobilenet_v2.infer" --input input="$OUT/mobilenet_v2.input.npy" \
    --compare "$OUT/mobilenet_v2.expected" 2>&1 | grep -E "compare|error"
  build-gpu/bin/infer-run "$OUT/mobilenet_v2.infer" --bench --threads 2 --duration 2 2>&1 | grep -E "median"
fi
