#!/usr/bin/env python3
"""Checks that the runtime library links no compiler library.

  check_deps.py libinfer_runtime.so

Reads the library's DT_NEEDED entries (readelf -d) and fails on any that is
not part of the C/C++ runtime: libinfer_runtime.so must load on a machine
without LLVM, MLIR, protobuf or ONNX.
"""
import re
import subprocess
import sys

ALLOWED = re.compile(r"^(libc|libm|libstdc\+\+|libgcc_s|ld-linux[-\w]*|libdl|libpthread|librt)\.so(\.\d+)*$")


def main():
    lib = sys.argv[1]
    out = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True,
                         check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out)
    bad = [n for n in needed if not ALLOWED.match(n)]
    print(f"{lib} needs: {', '.join(needed)}")
    if bad:
        print(f"FAIL: the runtime links {', '.join(bad)}")
        return 1
    print("PASS: only the C and C++ runtime")
    return 0


if __name__ == "__main__":
    sys.exit(main())
