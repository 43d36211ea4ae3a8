#!/usr/bin/env bash
# Installs every Debian package that building, testing and running infer needs.
# Idempotent: packages already present are skipped and nothing is installed when
# everything is there. Works as root or through sudo.
#
#   scripts/install-deps.sh            # build + test + run dependencies
#   scripts/install-deps.sh --check    # only report what is missing (exit 1 if any)
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build ccache g++ make pkg-config
  # LLVM/MLIR 22: libraries, mlir-tblgen, FileCheck/lit/not
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # ONNX frontend
  libonnx-dev libprotobuf-dev protobuf-compiler
  # artifact schema, reports, command lines
  libflatbuffers-dev flatbuffers-compiler nlohmann-json3-dev libcli11-dev
  # tests
  libgtest-dev libonnx-testdata
  # Python side: test model generation, example training, comparisons
  python3-numpy python3-onnx python3-torch python3-torchvision python3-venv
  # example data set for `make run`
  dataset-fashion-mnist
  # fuzzing (libFuzzer runtime + sanitizers)
  clang-22 libclang-rt-22-dev
  # links the CPU kernels of an artifact into a shared object
  lld-22
  # the Python API (`import infer`): bindings, DLPack tensors, its tests
  pybind11-dev python3-dev libdlpack-dev python3-pytest
  # the Vulkan target: headers (the loader is opened at run time), Mesa's
  # lavapipe (Vulkan on the CPU, for the tests), spirv-val and spirv-dis
  libvulkan-dev libvulkan1 mesa-vulkan-drivers spirv-tools
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The newer onnx's node tests for `make test` (not a Debian package).
fetch_node_tests() {
  "$(dirname "$0")/fetch-onnx-node-tests.sh" >/dev/null || true
}

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  [[ "${1:-}" == "--check" ]] || fetch_node_tests
  exit 0
fi

if [[ "${1:-}" == "--check" ]]; then
  echo "install-deps: missing: ${missing[*]}"
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: error: apt-get not found. infer's installer supports Debian 12 (bookworm)." >&2
  echo "install-deps: install these packages by hand: ${missing[*]}" >&2
  exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: error: not root and sudo is not available; run as root:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
fetch_node_tests
