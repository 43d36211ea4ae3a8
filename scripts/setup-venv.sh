#!/usr/bin/env bash
# Creates .venv: Debian's python3 with its packages (numpy, onnx, torch)
# plus PyPI's onnxruntime, the CPU peer of the benchmarks. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x .venv/bin/python3 ]]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
if ! .venv/bin/python3 -c 'import onnxruntime, ml_dtypes, onnx.reference' 2>/dev/null; then
  .venv/bin/pip install --quiet 'onnxruntime>=1.20' ml_dtypes 'onnx>=1.16'
fi
.venv/bin/python3 -c 'import onnxruntime, torch, numpy; print("venv: onnxruntime", onnxruntime.__version__, "torch", torch.__version__)'
