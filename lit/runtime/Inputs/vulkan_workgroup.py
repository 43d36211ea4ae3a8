#!/usr/bin/env python3
"""Writes a copy of a Vulkan artifact (flatc JSON form) whose SPIR-V
declares its first workgroup-memory array with ELEMENTS elements, the
binary's checksum recomputed, so that only the loader's workgroup-memory
check can refuse it (lit/runtime/vulkan.test).

  vulkan_workgroup.py MODEL.json OUT.json ELEMENTS
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts"))
from importlib import import_module

seal = import_module("artifact-seal")

OP_TYPE_ARRAY, OP_TYPE_STRUCT, OP_TYPE_POINTER, OP_CONSTANT, OP_VARIABLE = 28, 30, 32, 43, 59
WORKGROUP = 4

m = json.load(open(sys.argv[1]))
binary = m["binaries"][0]
words = list(struct.unpack("<%dI" % (len(binary["data"]) // 4), bytes(binary["data"])))
insts, i = [], 5
while i < len(words):
    length = words[i] >> 16
    insts.append((i, words[i] & 0xFFFF, words[i:i + length]))
    i += length
pointers = {w[1]: w[3] for _, op, w in insts if op == OP_TYPE_POINTER}
structs = {w[1]: w[2] for _, op, w in insts if op == OP_TYPE_STRUCT}
arrays = {w[1]: w[3] for _, op, w in insts if op == OP_TYPE_ARRAY}
constants = {w[2]: at for at, op, w in insts if op == OP_CONSTANT}
var = next((w for _, op, w in insts if op == OP_VARIABLE and w[3] == WORKGROUP), None)
if var is None:
    sys.exit("vulkan_workgroup.py: no workgroup variable")
pointee = pointers[var[1]]
length_id = arrays[structs.get(pointee, pointee)]
# The array's length constant (other uses of that constant change too: the
# loader refuses the module before any of its code runs).
words[constants[length_id] + 3] = int(sys.argv[3])
data = struct.pack("<%dI" % len(words), *words)
binary["data"] = list(data)
binary["checksum"] = seal.checksum(data)
json.dump(m, open(sys.argv[2], "w"))
