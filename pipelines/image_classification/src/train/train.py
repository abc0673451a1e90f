"""Train a nearest-centroid classifier on 4x4 images.

Each class centroid starts at the class's first image and is moved towards
every image of the class, `epochs` times, by `learning_rate` of the distance.
The model is written as a folder: an `MLmodel` descriptor and `model.json`.
"""

import argparse
import csv
import json
import os
import sys

PIXELS = 16
MLMODEL = """\
# Written by the azpipe image_classification example (pure Python, no mlflow).
artifact_path: model
flavors:
  nearest_centroid:
    data: model.json
    pixels: {pixels}
    classes: [{classes}]
"""


def fail(message):
    sys.exit(f"train: error: {message}")


def load_rows(folder):
    path = os.path.join(folder, "data.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of prep_data)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or len(header) != 2 + PIXELS:
            fail(f"{path}: expected a header label,image,p0..p{PIXELS - 1}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if len(row) != 2 + PIXELS:
                fail(f"{path}:{number}: expected {2 + PIXELS} columns, got {len(row)}")
            try:
                rows.append((row[0], [float(v) for v in row[2:]]))
            except ValueError:
                fail(f"{path}:{number}: pixel values must be numbers")
    if not rows:
        fail(f"{path}: no training rows")
    return rows


def fit(rows, epochs, learning_rate):
    centroids = {}
    for label, pixels in rows:
        centroids.setdefault(label, list(pixels))
    for _ in range(epochs):
        for label, pixels in rows:
            c = centroids[label]
            for i, x in enumerate(pixels):
                c[i] += learning_rate * (x - c[i])
    return {label: [round(v, 4) for v in c] for label, c in sorted(centroids.items())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--learning_rate", type=float, default=0.1)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    if args.epochs < 1:
        fail(f"--epochs must be at least 1, got {args.epochs}")
    if not 0.0 < args.learning_rate <= 1.0:
        fail(f"--learning_rate must be in (0, 1], got {args.learning_rate}")

    centroids = fit(load_rows(args.training_data), args.epochs, args.learning_rate)
    model = {
        "kind": "nearest_centroid",
        "pixels": PIXELS,
        "epochs": args.epochs,
        "learning_rate": args.learning_rate,
        "centroids": centroids,
    }
    os.makedirs(args.model, exist_ok=True)
    with open(os.path.join(args.model, "model.json"), "w", encoding="utf-8") as f:
        json.dump(model, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(args.model, "MLmodel"), "w", encoding="utf-8") as f:
        f.write(MLMODEL.format(pixels=PIXELS, classes=", ".join(centroids)))
    print(f"train: {len(centroids)} centroids, {args.epochs} epochs, "
          f"learning rate {args.learning_rate}")


if __name__ == "__main__":
    main()
