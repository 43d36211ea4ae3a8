#!/bin/sh
# Peak resident memory of infer-compile on a model, for each target, as a
# multiple of the model file's size (issue 12: at most 3x).
#
#   bench/compile/memory.sh [model.onnx] [compiler]
#
# Defaults: build/models/resnet50.onnx (exported by `make models`) and
# build/bin/infer-compile. Needs GNU time (/usr/bin/time, package `time`).
set -eu
model=${1:-build/models/resnet50.onnx}
compiler=${2:-build/bin/infer-compile}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bytes=$(stat -c %s "$model")
printf 'model %s: %.1f MB\n' "$model" "$(echo "$bytes / 1000000" | bc -l)"
printf '%-32s %10s %8s %8s\n' "target" "peak MB" "x model" "seconds"
for flags in "--target=cpu" "--target=cuda --precision=fp32" \
             "--target=cuda --precision=fp16"; do
  # shellcheck disable=SC2086
  /usr/bin/time -f '%M %e' -o "$out/time" \
    "$compiler" "$model" $flags -o "$out/model.infer" >/dev/null
  read -r kb secs < "$out/time"
  printf '%-32s %10.1f %8.2f %8s\n' "$flags" "$(echo "$kb * 1024 / 1000000" | bc -l)" \
    "$(echo "$kb * 1024 / $bytes" | bc -l)" "$secs"
done
