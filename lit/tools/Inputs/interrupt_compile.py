#!/usr/bin/env python3
"""Interrupts infer-compile while its work folder exists and reports what it
left behind (for lit/tools/hostile-input.test).

  interrupt_compile.py INFER_COMPILE MODEL FOLDER

Runs INFER_COMPILE MODEL -o FOLDER/out.infer with TMPDIR=FOLDER/tmp, waits
until the compiler has made its work folder there, sends SIGINT and waits
for it to end. Prints what is left in FOLDER (besides the empty tmp).
"""
import os
import signal
import subprocess
import sys
import time


def main():
    compiler, model, folder = sys.argv[1:4]
    tmp = os.path.join(folder, "tmp")
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, TMPDIR=tmp)
    out = os.path.join(folder, "out.infer")
    proc = subprocess.Popen([compiler, model, "-o", out], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = False
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline:
        if os.listdir(tmp):
            proc.send_signal(signal.SIGINT)
            seen = True
            break
        time.sleep(0.0005)
    proc.wait()
    if not seen:
        print("the compiler ended before its work folder appeared")
        return
    left = [os.path.join(r, f) for r, dirs, files in os.walk(folder)
            for f in files + dirs if os.path.join(r, f) != tmp]
    print("interrupted while the work folder existed; left behind: " +
          (", ".join(sorted(left)) if left else "nothing"))


if __name__ == "__main__":
    main()
