#!/usr/bin/env bash
# Prints the node test directory of a pip-installed onnx newer than Debian's,
# or nothing. Looks at the venv of scripts/setup-venv.sh, then at python3.
for py in .venv/bin/python3 python3; do
  command -v "$py" >/dev/null 2>&1 || continue
  dir=$("$py" -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "backend/test/data/node"))' 2>/dev/null) || continue
  [[ -d "$dir" && "$dir" != /usr/* ]] && { echo "$dir"; exit 0; }
done
exit 0
