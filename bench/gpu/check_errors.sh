#!/usr/bin/env bash
# Runs on the GPU machine after run.sh --build-only: CUDA-only error paths
# must fail with their message and exit code 1, never crash: a tensor map
# with a box the code was not built for, and one reaching past its buffer.
# The artifacts come from corrupt_maps.py (prepare.sh).
#   bench/gpu/check_errors.sh DIR   (DIR holds bad_box.infer, bad_dims.infer,
#   bad_im2col.infer)
set -u
DIR=${1:?directory of corrupted artifacts}
status=0
expect() { # ARTIFACT MESSAGE
  out=$(build-gpu/bin/infer-run "$DIR/$1" 2>&1); rc=$?
  if [ $rc -eq 1 ] && grep -q -- "$2" <<<"$out"; then
    echo "ok: $1: $(tail -n1 <<<"$out")"
  else
    echo "FAILED: $1 (exit $rc): $out"; status=1
  fi
}
expect bad_box.infer "does not match the signature of its code"
expect bad_dims.infer "does not match the signature of its code"
expect bad_im2col.infer "does not match the signature of its code"
exit $status
