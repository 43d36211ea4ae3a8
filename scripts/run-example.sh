#!/usr/bin/env bash
# `make run`: shows infer on the bundled example.
set -euo pipefail
BUILD=${1:-build}
echo "==> infer-opt --infer-remove-identity examples/block.mlir"
"$BUILD/bin/infer-opt" --infer-remove-identity examples/block.mlir
