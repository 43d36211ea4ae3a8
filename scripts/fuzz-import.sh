#!/usr/bin/env bash
# Builds the importer's libFuzzer target with clang, ASan and UBSan in
# build-fuzz/ and runs it for a bounded time on a corpus seeded with ONNX's
# node test models and the lit inputs.
#   scripts/fuzz-import.sh [SECONDS]      (default 600)
set -euo pipefail
SECONDS_TO_RUN=${1:-600}
BUILD=build-fuzz
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DINFER_FUZZ=ON -DINFER_BUILD_TESTS=OFF \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
cmake --build "$BUILD" --target infer-import-fuzzer -j "$(nproc)"
CORPUS="$BUILD/fuzz-corpus"
if [[ ! -d "$CORPUS" ]]; then
  mkdir -p "$CORPUS"
  for f in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
    cp "$f" "$CORPUS/$(basename "$(dirname "$f")").onnx"
  done
  find lit -name '*.onnxtxt' -exec cp {} "$CORPUS/" \;
fi
mkdir -p "$BUILD/fuzz-artifacts"
# allow_user_poisoning=0: MLIR's attribute storage is allocated from a
# BumpPtrAllocator whose inline code, compiled with ASan into infer,
# poisons whole slabs that the (uninstrumented) libMLIR then hands out:
# without it, creating an attribute is a false use-after-poison.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$BUILD/bin/infer-import-fuzzer" "$CORPUS" -max_total_time="$SECONDS_TO_RUN" \
  -rss_limit_mb=4096 -max_len=65536 -timeout=20 \
  -artifact_prefix="$BUILD/fuzz-artifacts/" -print_final_stats=1
