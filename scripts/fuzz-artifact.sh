#!/usr/bin/env bash
# Builds the artifact loader's libFuzzer target with clang, ASan and UBSan in
# build-fuzz/ and runs it for a bounded time on a corpus of artifacts
# compiled from the lit inputs and the kernel test models (by the regular
# build in build/, which must exist).
#   scripts/fuzz-artifact.sh [SECONDS]      (default 600)
set -euo pipefail
SECONDS_TO_RUN=${1:-600}
BUILD=build-fuzz
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DINFER_FUZZ=ON -DINFER_BUILD_TESTS=OFF \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
cmake --build "$BUILD" --target infer-artifact-fuzzer -j "$(nproc)"
# Seeds compiled by this tree's compiler (an older corpus may hold another
# format version); the corpus starts as a copy of them, since libFuzzer adds
# its inputs there.
SEEDS="$BUILD/artifact-seeds"
CORPUS="$BUILD/artifact-corpus"
rm -rf "$SEEDS" "$CORPUS"
mkdir -p "$SEEDS"
for f in lit/tools/Inputs/*.onnxtxt build/kernels/*.onnx; do
  [[ -f "$f" ]] || continue
  name=$(basename "${f%.*}")
  build/bin/infer-compile "$f" -o "$SEEDS/$name.infer" >/dev/null 2>&1 || true
done
# Vulkan artifacts (SPIR-V run by the machine's Vulkan driver, lavapipe in
# CI): the Vulkan loader's plan and binding checks under the same mutations.
for f in lit/tools/Inputs/*.onnxtxt; do
  name=$(basename "${f%.*}")
  build/bin/infer-compile "$f" --target=vulkan -o "$SEEDS/$name-vulkan.infer" >/dev/null 2>&1 || true
done
# A dynamic-shape artifact (specializations nested, weights shared) and a
# tuning candidates artifact (candidates nested).
DYN="$BUILD/dynamic-models"
mkdir -p "$DYN"
/usr/bin/python3 lit/runtime/Inputs/dynamic.py "$DYN" >/dev/null
build/bin/infer-compile "$DYN/attn.onnx" -o "$SEEDS/attn-dynamic.infer" \
  --profile 'x:min=1x1x8,opt=2x4x8,max=2x8x8' --profile 'mask:min=1x1,opt=2x4,max=2x8' \
  >/dev/null 2>&1 || true
build/bin/infer-compile "$DYN/mlp.onnx" --input-shape x=4x16 --tune-candidates \
  -o "$SEEDS/mlp-candidates.infer" >/dev/null 2>&1 || true
cp -r "$SEEDS" "$CORPUS"
mkdir -p "$BUILD/fuzz-artifacts"
# The seeds' machine code is the only code the harness runs (see
# test/fuzz/ArtifactFuzzer.cpp).
export INFER_FUZZ_SEEDS="$SEEDS"
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
# Mesa's lavapipe leaks 128 bytes per Vulkan instance and device created
# and destroyed (a bare vkCreateInstance/vkCreateDevice/vkDestroy* program
# shows it), in a library the loader has unloaded by then; preloaded, it
# stays mapped and what it allocated stays reachable.
LVP=$(ls /usr/lib/*/libvulkan_lvp.so 2>/dev/null | head -1 || true)
[ -n "$LVP" ] && export LD_PRELOAD="$LVP"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$BUILD/bin/infer-artifact-fuzzer" "$CORPUS" -max_total_time="$SECONDS_TO_RUN" \
  -rss_limit_mb=4096 -malloc_limit_mb=65536 -max_len=1048576 -timeout=20 \
  -artifact_prefix="$BUILD/fuzz-artifacts/" -print_final_stats=1
