#!/usr/bin/env bash
# Prepares the Vulkan-against-CUDA run on the GPU (here, where LLVM is) in
# build/gpu-vk-stage/: ResNet-50 (fp16) and MobileNetV2 and the encoder
# (fp32), each compiled for Vulkan and for CUDA sm_90a, PyTorch's fp32
# input and output for each (test/models/export_models.py), and the headers
# the GPU machine builds the runtime with (the Vulkan headers among them).
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
  echo "$p" > "$OUT/models/$m/precision"
}
compile resnet50 fp16
compile mobilenet_v2 fp32
compile encoder fp32
# The loader and the GL vendor libraries NVIDIA's Vulkan ICD needs, as
# Debian packages for the GPU machine (it has no network): carry .gl/.
if [ ! -f .gl/libvulkan1_1.3.239.0-1_amd64.deb ]; then
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh "$OUT"
