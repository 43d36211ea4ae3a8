#!/usr/bin/env python3
"""Prints the top-1 accuracy of classifier logits against labels.

  example_accuracy.py LOGITS.npy LABELS.npy
"""
import sys

import numpy as np

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
           "Shirt", "Sneaker", "Bag", "Ankle boot"]

logits = np.load(sys.argv[1])
labels = np.load(sys.argv[2])
pred = logits.argmax(axis=1)
correct = int((pred == labels).sum())
print(f"accuracy: {correct}/{len(labels)} = {correct / len(labels):.2%} (top-1)")
for i in range(4):
    print(f"  image {i}: predicted {CLASSES[pred[i]]}, labelled {CLASSES[labels[i]]}")
