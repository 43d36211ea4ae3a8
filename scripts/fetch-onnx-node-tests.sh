#!/usr/bin/env bash
# Fetches the ONNX backend node tests of an onnx release newer than Debian's
# 1.12 (only onnx's source distribution on PyPI ships them) into
# .cache/onnx-node-tests/<version>/node and prints that directory.
# Idempotent: a complete earlier download is reused. Without network it
# says so, prints nothing and exits 0: `make test` then runs Debian's set
# and reports the newer one as skipped.
#   scripts/fetch-onnx-node-tests.sh [version]     (default 1.19.1)
set -euo pipefail
VERSION=${1:-${ONNX_NODE_TESTS_VERSION:-1.19.1}}
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/.cache/onnx-node-tests/$VERSION
if [[ -f $dest/.complete ]]; then
  echo "$dest/node"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pip from the project's venv, or from a throwaway one (Debian's python3
# has no pip of its own; python3-venv brings ensurepip).
pip=$root/.venv/bin/pip
if [[ ! -x $pip ]]; then
  /usr/bin/python3 -m venv "$tmp/venv" >&2
  pip=$tmp/venv/bin/pip
fi
if ! "$pip" download --quiet --no-binary :all: --no-deps "onnx==$VERSION" -d "$tmp" >&2; then
  echo "fetch-onnx-node-tests: cannot download onnx $VERSION's source from PyPI; its node tests are skipped" >&2
  exit 0
fi
tar -xzf "$tmp/onnx-$VERSION.tar.gz" -C "$tmp" "onnx-$VERSION/onnx/backend/test/data/node"
mkdir -p "$dest"
rm -rf "$dest/node"
mv "$tmp/onnx-$VERSION/onnx/backend/test/data/node" "$dest/node"
touch "$dest/.complete"
echo "fetch-onnx-node-tests: onnx $VERSION's $(ls "$dest/node" | wc -l) node tests in $dest/node" >&2
echo "$dest/node"
