"""Compute RMSE and R^2 of the predictions.

Reads <predictions>/predictions.csv (actual,predicted) and writes
<metrics>/metrics.json.
"""

import argparse
import csv
import json
import math
import os
import sys


def fail(message):
    sys.exit(f"score: error: {message}")


def load_pairs(folder):
    path = os.path.join(folder, "predictions.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of predict)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        if next(reader, None) != ["actual", "predicted"]:
            fail(f"{path}: header must be actual,predicted")
        pairs = []
        for number, row in enumerate(reader, start=2):
            try:
                actual, predicted = (float(v) for v in row)
            except ValueError:
                fail(f"{path}:{number}: expected two numbers, got {','.join(row)!r}")
            pairs.append((actual, predicted))
    if len(pairs) < 2:
        fail(f"{path}: need at least two predictions, got {len(pairs)}")
    return pairs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", required=True)
    parser.add_argument("--metrics", required=True)
    args = parser.parse_args()

    pairs = load_pairs(args.predictions)
    mean = sum(a for a, _ in pairs) / len(pairs)
    ss_res = sum((a - p) ** 2 for a, p in pairs)
    ss_tot = sum((a - mean) ** 2 for a, _ in pairs)
    if ss_tot == 0:
        fail("all actual fares are equal; R^2 is undefined")
    metrics = {
        "rmse": round(math.sqrt(ss_res / len(pairs)), 4),
        "r2": round(1 - ss_res / ss_tot, 4),
        "n": len(pairs),
    }
    os.makedirs(args.metrics, exist_ok=True)
    with open(os.path.join(args.metrics, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"score: RMSE {metrics['rmse']}, R^2 {metrics['r2']} on {metrics['n']} trips")


if __name__ == "__main__":
    main()
