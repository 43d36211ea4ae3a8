#!/usr/bin/env bash
# ctest's check of the newer onnx's node tests (scripts/fetch-onnx-node-tests.sh):
# every test in test/conformance/onnx-<version>/<backend>.expected must pass.
# Exits 77 (ctest: skipped) when the tests were not fetched.
#   scripts/conformance-newer.sh INFER_CONFORMANCE BACKEND [version]
set -euo pipefail
tool=$1 backend=$2 version=${3:-1.19.1}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/.cache/onnx-node-tests/$version/node
if [[ ! -f $root/.cache/onnx-node-tests/$version/.complete ]]; then
  echo "onnx $version's node tests are not fetched (scripts/fetch-onnx-node-tests.sh): skipped"
  exit 77
fi
exec "$tool" "$dir" --backend="$backend" --expected="$root/test/conformance/onnx-$version"
