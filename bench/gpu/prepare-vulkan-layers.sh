#!/usr/bin/env bash
# Prepares bench/gpu/vulkan_layers.sh's set (here, where LLVM is) in
# build/gpu-vk-layers/: ResNet-50's single layers at batch 1
# (export_convs.py) and the fp16 GEMMs (export_gemm.py's gemm_4096 and
# gemm_8192), each compiled for Vulkan with cooperative matrices in every
# variant of VARIANTS and for CUDA (NAME.zz_cuda.infer, the reference each
# variant is checked against), plus the headers the GPU machine builds the
# runtime with. A variant is NAME or NAME:VAR=VALUE[,VAR=VALUE...], the
# compiler's environment for that build (a developer's switch in the
# codegen being measured); the default is one variant, "def".
#   VARIANTS="def wide:INFER_VK_COOP=wide" bench/gpu/prepare-vulkan-layers.sh [sm_90a]
# Carry build/gpu-vk-layers and .gl/, then on the GPU machine
#   CARRY=build/gpu-vk-layers bench/gpu/vulkan_layers.sh
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-vk-layers
SRC=build/gpu-vk-layers-src
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/layers" "$SRC"
bench/gpu/stage-headers.sh "$OUT"
"$PY" bench/gpu/export_convs.py "$SRC" >/dev/null
"$PY" bench/gpu/export_gemm.py "$SRC/gemm" >/dev/null
models=$(ls "$SRC"/*.onnx
          for g in gemm_4096 gemm_8192 check_edges check_epilogue check_residual \
                   check_wide check_wide_residual; do
            echo "$SRC/gemm/$g.onnx"
          done)
for m in $models; do
  name=$(basename "$m" .onnx)
  # ONLY="a b ...": just these models.
  [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
  build/bin/infer-compile "$m" --target=cuda:$ARCH --precision=fp16 \
    -o "$OUT/layers/$name.zz_cuda.infer"
  for v in ${VARIANTS:-coop:+coopmat coop2:+coopmat,+coopmat2}; do
    IFS=: read -r vname features vars <<< "$v"
    env=()
    [ -n "$vars" ] && IFS=, read -ra env <<< "$vars"
    env "${env[@]}" build/bin/infer-compile "$m" --target=vulkan:$features --precision=fp16 \
      -o "$OUT/layers/$name.$vname.infer"
  done
done
du -sh "$OUT"
