#!/usr/bin/env python3
"""Writes a copy of a CUDA artifact (flatc JSON form) whose first 2:4 sparse
kernel's metadata word holds code 0 (no two positions), with the constants'
checksum recomputed, so that only the loader's metadata check can refuse it.

  corrupt_sparse_meta.py MODEL.json OUT.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts"))
from importlib import import_module

seal = import_module("artifact-seal")

m = json.load(open(sys.argv[1]))
kernels = m["kernels"]
for launch in m["launches"]:
    k = kernels[launch.get("kernel", 0)]
    if launch.get("kind", "Kernel") != "Kernel" or k.get("kind") != "gemm_sm90_sparse":
        continue
    arg = next(t["arg"] for t in k["tensor_maps"] if t.get("dtype") == "I16")
    buf = m["buffers"][launch["args"][arg]]
    at = buf.get("offset", 0)
    m["constants"][at] = 0
    m["constants"][at + 1] = 0
    break
else:
    sys.exit("corrupt_sparse_meta.py: no 2:4 sparse kernel")
m["constants_checksum"] = seal.checksum(bytes(m["constants"]))
json.dump(m, open(sys.argv[2], "w"))
