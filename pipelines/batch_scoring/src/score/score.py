"""Batch scoring entry script: Azure ML's parallel run calls init() once per worker, then run() per mini-batch."""

import argparse
import json
import os
from pathlib import Path

weights: dict[str, int] = {}
threshold = 0.0


def init():
    """Load the model once per worker process (program_arguments arrive in sys.argv)."""
    global weights, threshold
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--threshold", type=float, default=0.0)
    args, _ = parser.parse_known_args()
    weights = json.loads((Path(args.model) / "weights.json").read_text())
    threshold = args.threshold
    print(f"worker {os.getpid()}: {len(weights)} weights loaded")


def run(mini_batch):
    """One row per review file: file name, score, label."""
    rows = []
    for path in mini_batch:
        words = Path(path).read_text(encoding="utf-8").lower().split()
        score = sum(weights.get(word, 0) for word in words) / max(len(words), 1)
        label = "positive" if score > threshold else "negative"
        rows.append(f"{os.path.basename(path)},{score:.3f},{label}")
    return rows
