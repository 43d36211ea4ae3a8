#!/usr/bin/env python3
"""Prints the top-1 accuracy of classifier logits against labels.

  example_accuracy.py LOGITS.npy LABELS.npy [--baseline BASE.npy --max-drop P]

With --baseline, also prints the accuracy of BASE.npy (e.g. the fp32
engine's logits for the same images) and the change in points; exits 1 when
LOGITS.npy is more than P points below it.
"""
import argparse
import sys

import numpy as np

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
           "Shirt", "Sneaker", "Bag", "Ankle boot"]

parser = argparse.ArgumentParser()
parser.add_argument("logits")
parser.add_argument("labels")
parser.add_argument("--baseline", help="logits to compare the accuracy with")
parser.add_argument("--max-drop", type=float, default=0.5,
                    help="points LOGITS may lose against --baseline (0.5)")
parser.add_argument("--name", default="", help="what LOGITS are, for the output")
args = parser.parse_args()

labels = np.load(args.labels)


def accuracy(path):
    logits = np.load(path)
    if logits.shape != (len(labels), len(CLASSES)):
        sys.exit(f"{path}: expected logits of shape ({len(labels)}, {len(CLASSES)}), "
                 f"got {logits.shape}")
    pred = logits.argmax(axis=1)
    return pred, int((pred == labels).sum())


pred, correct = accuracy(args.logits)
name = f"{args.name} " if args.name else ""
print(f"{name}accuracy: {correct}/{len(labels)} = {correct / len(labels):.2%} (top-1)")
if args.baseline:
    _, base = accuracy(args.baseline)
    change = 100.0 * (correct - base) / len(labels)
    print(f"  baseline {base}/{len(labels)} = {base / len(labels):.2%}: "
          f"{change:+.2f} points (at most -{args.max_drop} allowed)")
    if change < -args.max_drop:
        sys.exit(1)
else:
    for i in range(4):
        print(f"  image {i}: predicted {CLASSES[pred[i]]}, labelled {CLASSES[labels[i]]}")
