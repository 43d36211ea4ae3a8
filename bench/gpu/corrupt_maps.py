#!/usr/bin/env python3
"""Writes CUDA artifacts whose tensor maps are wrong, for check_errors.sh.

The runtime checks every TensorMap of an artifact against the signature the
kernel's code records and against the buffer it describes before it encodes
it; these paths need a GPU, so they are exercised on the GPU machine.
Run here (flatc edits the artifact through its JSON form):

  corrupt_maps.py GOOD.infer OUT_DIR

writes OUT_DIR/bad_box.infer (a box the code was not built for),
OUT_DIR/bad_dims.infer (a map larger than its buffer) and
OUT_DIR/bad_im2col.infer (a tiled map claiming TMA's im2col mode).
"""
import json
import os
import subprocess
import sys
import tempfile

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "runtime", "schema",
                      "Artifact.fbs")
SEAL = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "artifact-seal.py")


def main():
    good, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["flatc", "--json", "--raw-binary", "--strict-json", "-o", tmp,
                        SCHEMA, "--", good], check=True)
        name = os.path.splitext(os.path.basename(good))[0]
        artifact = json.load(open(os.path.join(tmp, name + ".json")))
        maps = artifact["kernels"][0]["tensor_maps"]
        if not maps:
            sys.exit(f"corrupt_maps.py: {good} has no tensor maps")
        edits = {"bad_box": ("box", [maps[0]["box"][0], maps[0]["box"][1] // 2]),
                 "bad_dims": ("dims", [maps[0]["dims"][0], maps[0]["dims"][1] * 100]),
                 # A tiled map turned into an im2col one the code was not
                 # built for (and whose rank is not an image's).
                 "bad_im2col": ("im2col", [-1, -1, -1, -1, 1, 1])}
        for bad, (field, value) in edits.items():
            copy = json.loads(json.dumps(artifact))
            copy["kernels"][0]["tensor_maps"][0][field] = value
            path = os.path.join(tmp, bad + ".json")
            json.dump(copy, open(path, "w"))
            subprocess.run(["flatc", "--binary", "-o", out, SCHEMA, path], check=True)
            # The edit is deliberate: seal it, so that the loader's own
            # checks (not the checksum) refuse it.
            subprocess.run([sys.executable, SEAL, os.path.join(out, bad + ".infer")],
                           check=True)


if __name__ == "__main__":
    main()
