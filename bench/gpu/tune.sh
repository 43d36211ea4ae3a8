#!/usr/bin/env bash
# Runs on the GPU machine: builds the runtime and infer-run (no LLVM), then
#   tune.sh tune   times every candidate of bench/gpu/prepare-tune.sh's
#                  models ($CARRY/cands/*.cands.infer) and writes the tuning
#                  cache to $OUT/gpu.cache (the device tool brings it back);
#   tune.sh bench  times bench/gpu/compile-tuned.sh's heuristic and tuned
#                  artifacts ($CARRY/models) against each other: five
#                  alternating rounds of device-resident runs, medians.
set -euo pipefail
CARRY=${CARRY:-gpu-stash}
MODE=${1:-tune}
CARRY="$CARRY" bench/gpu/run.sh --build-only >/dev/null
RUN=build-gpu/bin/infer-run
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
if [ "$MODE" = tune ]; then
  cache=${OUT:-.}/gpu.cache
  rm -f "$cache"
  for f in "$CARRY"/cands/*.cands.infer; do
    echo "== $(basename "$f")"
    start=$(date +%s%N)
    "$RUN" "$f" --tune --tuning-cache "$cache" 2>/dev/null
    echo "wall time of the tuning: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  done
  wc -l "$cache"
  exit 0
fi
median() { python3 -c 'import sys, statistics; print(statistics.median(float(v) for v in sys.stdin.read().split()))'; }
for m in resnet50 resnet50_b32 mobilenet_v2 encoder; do
  h=(); t=()
  for r in 1 2 3 4 5; do
    h+=("$("$RUN" "$CARRY/models/$m.heuristic.infer" --bench --resident --iterations 200 --warmup 20 | awk '/^latency/ {print $6}')")
    t+=("$("$RUN" "$CARRY/models/$m.tuned.infer" --bench --resident --iterations 200 --warmup 20 | awk '/^latency/ {print $6}')")
  done
  hm=$(printf '%s\n' "${h[@]}" | median)
  tm=$(printf '%s\n' "${t[@]}" | median)
  echo "$m: heuristic ${hm} ms, tuned ${tm} ms, tuned / heuristic $(python3 -c "print(f'{$tm / $hm:.3f}')") (rounds: heuristic ${h[*]}; tuned ${t[*]})"
done
