#!/usr/bin/env python3
"""Moves a GPU benchmark set larger than one device call can carry.

The device tool carries at most 64 MiB per call (ResNet-50's fp32 artifact
alone is 106 MB), but a warm GPU machine keeps ignored folders between
calls. So prepare.sh builds the whole set in build/gpu-stage/, `pack`
fills gpu-carry/ with batch K of it (whole files, or parts of a large one),
and `unpack`, run on the GPU machine in each call, appends what came into
gpu-stash/. The last call runs run.sh with CARRY=gpu-stash.

  stage.py pack   --stage build/gpu-stage --out gpu-carry --batch K
        (prints the number of batches; batch K past the end is an error)
  stage.py unpack --carry gpu-carry --stash gpu-stash
"""
import argparse
import os
import shutil
import sys

LIMIT = 48 << 20  # bytes per batch, leaving room for the source tree
# (--limit-mib raises it: the tree is about 4 MB, a call carries 64 MiB)


def plan(stage, limit=None):
    limit = limit or LIMIT
    """Batches of (relative path, offset, length), in a stable order."""
    files = []
    for root, _, names in os.walk(stage):
        for n in sorted(names):
            p = os.path.join(root, n)
            files.append((os.path.relpath(p, stage), os.path.getsize(p)))
    files.sort()
    batches, cur, used = [], [], 0
    for rel, size in files:
        offset = 0
        while True:
            room, rest = limit - used, size - offset
            if rest <= room:  # what is left fits
                cur.append((rel, offset, rest))
                used += rest
                break
            if (size <= limit and offset == 0) or room == 0:
                batches.append(cur)  # whole files are not split
                cur, used = [], 0
                continue
            cur.append((rel, offset, room))  # a large file: fill the batch
            offset += room
            batches.append(cur)
            cur, used = [], 0
    if cur:
        batches.append(cur)
    return batches


def pack(args):
    batches = plan(args.stage, args.limit_mib << 20)
    if not 1 <= args.batch <= len(batches):
        sys.exit(f"stage.py: batch {args.batch} of {len(batches)}")
    shutil.rmtree(args.out, ignore_errors=True)
    for rel, offset, n in batches[args.batch - 1]:
        dst = os.path.join(args.out, rel + f".part{offset}")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(os.path.join(args.stage, rel), "rb") as f, open(dst, "wb") as g:
            f.seek(offset)
            g.write(f.read(n))
    print(len(batches))


def unpack(args):
    count = 0
    for root, _, names in os.walk(args.carry):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), args.carry)
            base, _, offset = rel.rpartition(".part")
            dst = os.path.join(args.stash, base)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(os.path.join(root, n), "rb") as f:
                data = f.read()
            mode = "r+b" if os.path.exists(dst) and int(offset) > 0 else "wb"
            with open(dst, mode) as g:
                g.seek(int(offset))
                g.write(data)
            count += 1
    print(f"stage.py: {count} pieces into {args.stash}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--stage", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--limit-mib", type=int, default=48,
                   help="bytes per batch, in MiB (default 48)")
    u = sub.add_parser("unpack")
    u.add_argument("--carry", required=True)
    u.add_argument("--stash", required=True)
    args = ap.parse_args()
    pack(args) if args.cmd == "pack" else unpack(args)


if __name__ == "__main__":
    main()
