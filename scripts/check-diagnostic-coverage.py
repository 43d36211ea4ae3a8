#!/usr/bin/env python3
"""Checks that every diagnostic the infer verifiers can emit is exercised.

Scans C++ sources for diagnostic chains (`emitOpError() << "..." << ...` and
`fail(emitError, "...", ...)`), keeps each chain's fixed string pieces and
looks for an `expected-error {{...}}` in the given .mlir files whose message
holds those pieces in order. Pieces chosen by a ternary (`c ? "a" : "b"`)
are optional. Prints the uncovered diagnostics and exits 1 if there are any.

  check-diagnostic-coverage.py --sources ir/*.cpp --tests lit/ir/invalid.mlir
"""
import argparse
import re
import sys

STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
START = re.compile(r'emitOpError\(\)|emitError\(\)|fail\(emitError,')


def chains(text):
    """Yields (line, [required pieces]) for each diagnostic chain."""
    for m in START.finditer(text):
        end = text.find(';', m.end())
        chain = text[m.end():end]
        pieces = []
        for s in STRING.finditer(chain):
            before = chain[:s.start()].rstrip()
            if before.endswith('?') or before.endswith(':'):
                continue  # one branch of a ternary
            piece = s.group(1).replace('\\"', '"').strip()
            if piece:
                pieces.append(piece)
        if pieces:
            yield text.count('\n', 0, m.start()) + 1, pieces


def covered(pieces, messages):
    for msg in messages:
        pos = 0
        for p in pieces:
            pos = msg.find(p, pos)
            if pos < 0:
                break
            pos += len(p)
        else:
            return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--sources', nargs='+', required=True)
    ap.add_argument('--tests', nargs='+', required=True)
    args = ap.parse_args()
    messages = []
    for t in args.tests:
        messages += re.findall(r'expected-error[^{]*\{\{(.*?)\}\}', open(t).read())
    total, missing = 0, []
    for src in args.sources:
        for line, pieces in chains(open(src).read()):
            total += 1
            if not covered(pieces, messages):
                missing.append(f'{src}:{line}: {" ... ".join(pieces)}')
    for m in missing:
        print('uncovered:', m)
    print(f'diagnostic coverage: {total - len(missing)}/{total} covered')
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
