"""Apply the linear model to the test features.

Writes <predictions>/predictions.csv with columns actual,predicted.
"""

import argparse
import csv
import json
import os
import sys


def fail(message):
    sys.exit(f"predict: error: {message}")


def load_model(folder):
    path = os.path.join(folder, "model.json")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of train)")
    try:
        with open(path, encoding="utf-8") as f:
            model = json.load(f)
        intercept = float(model["intercept"])
        coefficients = {str(k): float(v) for k, v in model["coefficients"].items()}
        target = str(model["target"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        fail(f"{path}: not a linear_regression model ({exc})")
    return target, intercept, coefficients


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--test_features", required=True)
    parser.add_argument("--predictions", required=True)
    args = parser.parse_args()

    target, intercept, coefficients = load_model(args.model)
    path = os.path.join(args.test_features, "features.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of transform)")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in [*coefficients, target] if rows and c not in rows[0]]
    if not rows or missing:
        fail(f"{path}: no rows or missing columns {missing}")

    out = []
    for number, row in enumerate(rows, start=2):
        try:
            predicted = intercept + sum(b * float(row[n]) for n, b in coefficients.items())
            out.append([float(row[target]), round(predicted, 4)])
        except (TypeError, ValueError):
            fail(f"{path}:{number}: values must be numbers")
    os.makedirs(args.predictions, exist_ok=True)
    with open(os.path.join(args.predictions, "predictions.csv"), "w", newline="",
              encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["actual", "predicted"])
        writer.writerows(out)
    print(f"predict: {len(out)} predictions")


if __name__ == "__main__":
    main()
