#!/usr/bin/env bash
# Copies into DIR/include what the GPU machine (no LLVM, no network) builds
# the runtime, infer-run and `_infer` with: the generated artifact schema
# header and the header-only libraries (FlatBuffers, CLI11, nlohmann-json,
# DLPack).
#   bench/gpu/stage-headers.sh DIR
set -euo pipefail
mkdir -p "$1/include/runtime/schema"
cp build/runtime/schema/Artifact_generated.h "$1/include/runtime/schema/"
cp -r /usr/include/flatbuffers /usr/include/CLI /usr/include/nlohmann /usr/include/dlpack \
  "$1/include/"
