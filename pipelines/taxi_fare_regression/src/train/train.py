"""Fit fare ~ intercept + features by ordinary least squares.

Solves the normal equations (X^T X) b = X^T y with Gaussian elimination
(partial pivoting) and writes the coefficients to <model>/model.json.
"""

import argparse
import csv
import json
import math
import os
import sys

TARGET = "fare"


def fail(message):
    sys.exit(f"train: error: {message}")


def load_features(folder):
    path = os.path.join(folder, "features.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of transform)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header or header[-1] != TARGET:
            fail(f"{path}: the last column must be {TARGET!r}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                fail(f"{path}:{number}: expected {len(header)} columns, got {len(row)}")
            try:
                rows.append([float(v) for v in row])
            except ValueError:
                fail(f"{path}:{number}: values must be numbers")
    if len(rows) <= len(header):
        fail(f"{path}: {len(rows)} rows is too few to fit {len(header)} coefficients")
    return header[:-1], rows


def solve(a, b):
    """Solve a x = b for a square matrix a (lists), or fail if it is singular."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-9:
            fail("the features are linearly dependent (a feature may be constant "
                 "in the training split); try another seed")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                factor = m[r][col] / m[col][col]
                m[r] = [x - factor * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(rows):
    xs = [[1.0] + row[:-1] for row in rows]
    ys = [row[-1] for row in rows]
    k = len(xs[0])
    xtx = [[sum(x[i] * x[j] for x in xs) for j in range(k)] for i in range(k)]
    xty = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(k)]
    beta = solve(xtx, xty)
    residuals = [y - sum(b * v for b, v in zip(beta, x)) for x, y in zip(xs, ys)]
    return beta, math.sqrt(sum(r * r for r in residuals) / len(residuals))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train_features", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()

    names, rows = load_features(args.train_features)
    beta, train_rmse = fit(rows)
    model = {
        "kind": "linear_regression",
        "target": TARGET,
        "intercept": round(beta[0], 6),
        "coefficients": {name: round(b, 6) for name, b in zip(names, beta[1:])},
        "train_rmse": round(train_rmse, 6),
        "train_rows": len(rows),
    }
    os.makedirs(args.model, exist_ok=True)
    with open(os.path.join(args.model, "model.json"), "w", encoding="utf-8") as f:
        json.dump(model, f, indent=2)
        f.write("\n")
    terms = " ".join(f"{b:+.2f}*{n}" for n, b in model["coefficients"].items())
    print(f"train: fare = {beta[0]:.2f} {terms} (train RMSE {train_rmse:.3f})")


if __name__ == "__main__":
    main()
