#!/usr/bin/env python3
"""Re-seals an edited .infer artifact: (re)writes its trailing checksum.

An artifact is a FlatBuffer followed by 8 bytes, the checksum of every byte
before them (runtime/schema/Checksum.h: FNV-1a 64 over little-endian 8-byte
words, then the remaining bytes). The runtime refuses a file whose checksum
does not match, so a deliberate edit (a test that changes the format
version or a tensor map through flatc's JSON) must be sealed again:

  artifact-seal.py EDITED.infer            # flatc output: append the checksum
  artifact-seal.py --replace OLD.infer     # replace an existing checksum
"""
import argparse
import struct
import sys

MASK = (1 << 64) - 1


def checksum(data):
    h = 0xcbf29ce484222325
    n = len(data) // 8 * 8
    for (word,) in struct.iter_unpack("<Q", data[:n]):
        h = ((h ^ word) * 0x100000001b3) & MASK
    for byte in data[n:]:
        h = ((h ^ byte) * 0x100000001b3) & MASK
    return h


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("artifact")
    ap.add_argument("--replace", action="store_true",
                    help="the file already ends with a checksum: replace it")
    args = ap.parse_args()
    data = open(args.artifact, "rb").read()
    if args.replace:
        if len(data) < 8:
            sys.exit(f"artifact-seal.py: {args.artifact} is too short")
        data = data[:-8]
    open(args.artifact, "wb").write(data + struct.pack("<Q", checksum(data)))


if __name__ == "__main__":
    main()
