#!/usr/bin/env bash
# Runs on the GPU machine: builds the runtime (run.sh --build-only), writes
# each artifact's outputs on infer-run's seeded input and compares every
# artifact's with the first's (bench/gpu/compare_outputs.py), then times
# them alternately, ROUNDS rounds of `infer-run --bench --resident`
# (medians), and profiles each once (`--profile`, every launch) into
# $OUT/NAME.json. Only those profiles go to $OUT (the device tool returns 8
# files a call: 8 artifacts' profiles); the outputs stay in a temporary
# folder there, and bench/gpu/ab_table.py prints the profiles here.
#   CARRY=gpu-stash ROUNDS=3 bench/gpu/ab.sh A.infer B.infer...
set -euo pipefail
CARRY=${CARRY:-gpu-carry}
OUT=${OUT:-build/ab}
ROUNDS=${ROUNDS:-3}
mkdir -p "$OUT"
# Outputs and profiles are named by the artifact's file name: two alike
# would overwrite each other (and compare an output with itself).
names=$(for a in "$@"; do basename "$a" .infer; done)
if [ "$(sort <<<"$names" | uniq -d)" != "" ]; then
  echo "ab.sh: two artifacts share a file name: $(sort <<<"$names" | uniq -d | tr '\n' ' ')" >&2
  exit 2
fi
outputs=$(mktemp -d)
trap 'rm -rf "$outputs"' EXIT
CARRY=$CARRY bench/gpu/run.sh --build-only >/dev/null
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
dirs=()
for a in "$@"; do
  d="$outputs/$(basename "$a" .infer)"
  build-gpu/bin/infer-run "$a" --output-dir "$d" >/dev/null
  dirs+=("$d")
done
python3 bench/gpu/compare_outputs.py "${dirs[@]}"
for r in $(seq "$ROUNDS"); do
  for a in "$@"; do
    ms=$(build-gpu/bin/infer-run "$a" --bench --resident --duration 2 | sed -n 's/.*median \([0-9.]*\).*/\1/p')
    echo "round $r $(basename "$a" .infer) median ${ms} ms"
  done
done
for a in "$@"; do
  name=$(basename "$a" .infer)
  build-gpu/bin/infer-run "$a" --bench --resident --profile --profile-top 200 --duration 2 \
    --json "$OUT/$name.json" >/dev/null
done
