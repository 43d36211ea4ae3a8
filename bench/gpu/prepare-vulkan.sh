#!/usr/bin/env bash
# Prepares the Vulkan-against-CUDA run on the GPU (here, where LLVM is) in
# build/gpu-vk-stage/: ResNet-50 (fp16) and MobileNetV2 and the encoder
# (fp32), each compiled for Vulkan and for CUDA sm_90a (fp16 models also
# for Vulkan with cooperative matrices, vulkan-coop.infer), PyTorch's fp32
# input and output for each (test/models/export_models.py), the fp16 GEMMs
# of two graph inputs (4096^3, 8192^3; export_gemm.py) for Vulkan with
# cooperative matrices (also with +coopmat2: vulkan-coop2.infer) and for
# CUDA, and the headers the GPU machine builds
# the runtime with (the Vulkan headers among them).
# The set is larger than one device call carries: move it with
# bench/gpu/stage.py (pack here, unpack there), then in the last call
# CARRY=gpu-stash bench/gpu/vulkan.sh; the Vulkan loader travels as a
# Debian package in .gl/ (the device tool's README).
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=build/gpu-vk-stage
MODELS=build/models
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/models"
bench/gpu/stage-headers.sh "$OUT"
compile() { # model precision
  local m=$1 p=$2
  "$PY" -c "import sys; sys.path.insert(0, 'test/models'); import export_models; export_models.export('$m', '$MODELS', 1)"
  mkdir -p "$OUT/models/$m"
  cp "$MODELS/$m/input.npy" "$OUT/models/$m/input.npy"
  cp "$MODELS/$m/expected/output.npy" "$OUT/models/$m/expected.npy"
  build/bin/infer-compile "$MODELS/$m.onnx" --target=vulkan --precision="$p" \
    -o "$OUT/models/$m/vulkan.infer"
  build/bin/infer-compile "$MODELS/$m.onnx" --target=cuda:$ARCH --precision="$p" \
    -o "$OUT/models/$m/cuda.infer"
  if [ "$p" = fp16 ]; then
    build/bin/infer-compile "$MODELS/$m.onnx" --target=vulkan:+coopmat --precision="$p" \
      -o "$OUT/models/$m/vulkan-coop.infer"
  fi
  echo "$p" > "$OUT/models/$m/precision"
}
mkdir -p "$OUT/gemm" build/gpu-vk-gemm
"$PY" bench/gpu/export_gemm.py build/gpu-vk-gemm >/dev/null
for g in gemm_4096 gemm_8192; do
  build/bin/infer-compile build/gpu-vk-gemm/$g.onnx --target=vulkan:+coopmat \
    -o "$OUT/gemm/$g.vulkan-coop.infer"
  build/bin/infer-compile build/gpu-vk-gemm/$g.onnx --target=vulkan:+coopmat,+coopmat2 \
    -o "$OUT/gemm/$g.vulkan-coop2.infer"
  build/bin/infer-compile build/gpu-vk-gemm/$g.onnx --target=cuda:$ARCH \
    -o "$OUT/gemm/$g.cuda.infer"
done
# VK_MODELS picks the models (name:precision ...; VK_MODELS= none, the GEMMs
# alone); VK_PLAIN=0 leaves out the
# Vulkan build without cooperative matrices of the fp16 ones (a smaller set
# to carry).
for mp in ${VK_MODELS-resnet50:fp16 mobilenet_v2:fp32 encoder:fp32}; do
  compile "${mp%%:*}" "${mp##*:}"
  if [ "${VK_PLAIN:-1}" = 0 ] && [ "${mp##*:}" = fp16 ]; then
    rm "$OUT/models/${mp%%:*}/vulkan.infer"
  fi
done
# The loader and the GL vendor libraries NVIDIA's Vulkan ICD needs, as
# Debian packages for the GPU machine (it has no network): carry .gl/.
if [ ! -f .gl/libvulkan1_1.3.239.0-1_amd64.deb ]; then
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh "$OUT"
