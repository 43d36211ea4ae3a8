#!/usr/bin/env bash
# Prepares here (LLVM, no AVX-512) a check of the CPU templates' 16-lane
# (AVX-512) code for a machine that has AVX-512, e.g. the GPU machine's host
# CPU: the forced-tile convolutions of lit/codegen/cpu-forced-tiles.test
# with 16-lane tiles compiled for skylake-avx512, plus MobileNetV2 when
# build/bench-tune9 has it; expected outputs from the 8-lane (AVX2)
# artifacts run here on the same seeded inputs, which the lit test checks
# against the reference interpreter. bench/gpu/cpu-avx512.sh runs them.
#   bench/gpu/prepare-cpu-avx512.sh [DIR]   (default gpu-carry)
set -euo pipefail
DIR=${1:-gpu-carry}
OUT="$DIR/avx512"
rm -rf "$OUT" && mkdir -p "$OUT"
bench/gpu/stage-headers.sh "$DIR"
python3=/usr/bin/python3
$python3 lit/codegen/Inputs/cpu_forced_tiles.py "$OUT/src" > "$OUT/names"
for n in $(cat "$OUT/names"); do
  src="$OUT/src/$n.mlir"
  build/bin/infer-compile "$src" -o "$OUT/src/$n.avx2.infer" --target=cpu:x86-64-v3
  build/bin/infer-run "$OUT/src/$n.avx2.infer" --seed 5 --output-dir "$OUT/$n.expected" > /dev/null
  # The same tile with 16 lanes (rows raised to 8 where 6 were given: 32
  # registers).
  sed 's/vl = 8/vl = 16/; s/mr = 6, nv = 2/mr = 8, nv = 2/' "$src" > "$OUT/src/$n.512.mlir"
  build/bin/infer-compile "$OUT/src/$n.512.mlir" -o "$OUT/$n.infer" --target=cpu:skylake-avx512
done
rm -f "$OUT"/src/*.avx2.infer
if [ -f build/bench-tune9/mobilenet_v2.onnx ]; then
  build/bin/infer-compile build/bench-tune9/mobilenet_v2.onnx -o "$OUT/mobilenet_v2.infer" \
    --target=cpu:skylake-avx512
  mkdir -p "$OUT/mobilenet_v2.expected"
  cp build/bench-tune9/mobilenet_v2/expected/* "$OUT/mobilenet_v2.expected/"
  cp build/bench-tune9/mobilenet_v2/input.npy "$OUT/mobilenet_v2.input.npy"
fi
du -sh "$OUT"
