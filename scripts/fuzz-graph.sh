#!/usr/bin/env bash
# Builds the whole-compiler libFuzzer target (structure-aware ONNX
# mutations through import, the reference interpreter, the CPU backend and
# the runtime) with clang, ASan and UBSan in build-fuzz/ and runs it for a
# bounded time on a corpus seeded with a few small ONNX node test models
# (one per op family) and the lit inputs. Every input is compiled with
# LLVM, so expect tens of executions per second, not thousands.
#   scripts/fuzz-graph.sh [SECONDS [LIBFUZZER-FLAGS...]]   (default 600)
# e.g. `scripts/fuzz-graph.sh 3600 -fork=1 -ignore_crashes=1` to keep going
# past a known crash.
set -euo pipefail
SECONDS_TO_RUN=${1:-600}
shift || true
BUILD=build-fuzz
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DINFER_FUZZ=ON -DINFER_BUILD_TESTS=OFF \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
cmake --build "$BUILD" --target infer-graph-fuzzer -j "$JOBS"
CORPUS="$BUILD/graph-corpus"
if [[ ! -d "$CORPUS" ]]; then
  mkdir -p "$CORPUS"
  NODE=/usr/share/libonnx-testdata/data/node
  for t in conv_with_strides_padding matmul_2d gemm_default_no_bias relu \
           add_bcast gather_0 reshape_reordered_all_dims slice \
           transpose_default concat_2d_axis_0 softmax_axis_1 maxpool_2d_pads \
           averagepool_2d_default batchnorm_example \
           reduce_sum_keepdims_example layer_normalization_2d_axis0 \
           cast_FLOAT_to_FLOAT16 where_example expand_dim_changed \
           constant_pad resize_upsample_scales_nearest einsum_batch_matmul \
           top_k cumsum_1d onehot_with_axis split_equal_parts_1d tile \
           range_float_type_positive_delta argmax_default_axis_example clip \
           div pow mod_mixed_sign_int64 convtranspose instancenorm_example \
           depthtospace_example triu gather_elements_0 lrn squeeze \
           unsqueeze_axis_0 flatten_axis1 constantofshape_int_zeros \
           dequantizelinear quantizelinear hardmax_example shape size_example \
           mean_example bitshift_right_uint8 equal_bcast globalaveragepool \
           spacetodepth_example eyelike_with_dtype sce_mean nllloss_NC \
           prelu_example mvn greater_bcast not_2d round; do
    f="$NODE/test_$t/model.onnx"
    [[ -f "$f" ]] && cp "$f" "$CORPUS/$t.onnx"
  done
  # ONNX text; the mutator rewrites it as binary on its first edit.
  find lit -name '*.onnxtxt' -exec cp {} "$CORPUS/" \;
fi
mkdir -p "$BUILD/graph-artifacts"
# Each compile writes objects under TMPDIR and runs ld.lld on them; the
# harness checks that nothing stays behind, but a crashed run leaves its
# private folder, so keep them all here and remove them afterwards.
export TMPDIR="$PWD/$BUILD/graph-tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT
# allow_user_poisoning=0: MLIR's attribute storage is allocated from a
# BumpPtrAllocator whose inline code, compiled with ASan into infer,
# poisons whole slabs that the (uninstrumented) libMLIR then hands out:
# without it, creating an attribute is a false use-after-poison.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# A compile takes 20 ms to a few seconds under ASan: a long timeout, and a
# max_len that fits a model with a few 4096-element weights.
"$BUILD/bin/infer-graph-fuzzer" "$CORPUS" -max_total_time="$SECONDS_TO_RUN" \
  -rss_limit_mb=4096 -max_len=131072 -timeout=60 \
  -artifact_prefix="$BUILD/graph-artifacts/" -print_final_stats=1 "$@"
