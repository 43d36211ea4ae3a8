#!/usr/bin/env bash
# Copies into DIR/include what the GPU machine (no LLVM, no network) builds
# the runtime, infer-run and `_infer` with: the generated artifact schema
# header and the header-only libraries (FlatBuffers, CLI11, nlohmann-json,
# DLPack, the Vulkan headers).
#   bench/gpu/stage-headers.sh DIR
set -euo pipefail
mkdir -p "$1/include/runtime/schema"
cp build/runtime/schema/Artifact_generated.h "$1/include/runtime/schema/"
cp -r /usr/include/flatbuffers /usr/include/CLI /usr/include/nlohmann /usr/include/dlpack \
  "$1/include/"
# The Vulkan headers (C only) for runtime/vulkan/, when installed here.
if [ -f /usr/include/vulkan/vulkan.h ]; then
  mkdir -p "$1/include/vulkan"
  cp /usr/include/vulkan/vk_platform.h /usr/include/vulkan/vulkan.h \
    /usr/include/vulkan/vulkan_core.h "$1/include/vulkan/"
  cp -r /usr/include/vk_video "$1/include/"
fi
