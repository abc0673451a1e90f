"""Score the nearest-centroid model on the test images.

Writes <result>/predictions.csv (image,label,predicted) and
<result>/metrics.json (accuracy, counts).
"""

import argparse
import csv
import json
import os
import sys

PIXELS = 16


def fail(message):
    sys.exit(f"score: error: {message}")


def load_model(folder):
    path = os.path.join(folder, "model.json")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of train)")
    try:
        with open(path, encoding="utf-8") as f:
            model = json.load(f)
    except json.JSONDecodeError as exc:
        fail(f"{path}: not valid JSON ({exc})")
    centroids = model.get("centroids") if isinstance(model, dict) else None
    if not isinstance(centroids, dict) or not centroids:
        fail(f"{path}: no centroids")
    for label, c in centroids.items():
        if not isinstance(c, list) or len(c) != PIXELS:
            fail(f"{path}: centroid {label!r} must have {PIXELS} values")
    return centroids


def load_rows(folder):
    path = os.path.join(folder, "data.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of prep_data)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader, None)
        rows = []
        for number, row in enumerate(reader, start=2):
            if len(row) != 2 + PIXELS:
                fail(f"{path}:{number}: expected {2 + PIXELS} columns, got {len(row)}")
            try:
                rows.append((row[0], row[1], [float(v) for v in row[2:]]))
            except ValueError:
                fail(f"{path}:{number}: pixel values must be numbers")
    if not rows:
        fail(f"{path}: no test rows")
    return rows


def predict(centroids, pixels):
    def distance(label):
        return sum((a - b) ** 2 for a, b in zip(centroids[label], pixels))

    return min(sorted(centroids), key=distance)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test_data", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--result", required=True)
    args = parser.parse_args()

    centroids = load_model(args.model)
    rows = load_rows(args.test_data)
    predictions = [(image, label, predict(centroids, pixels)) for label, image, pixels in rows]
    correct = sum(1 for _, label, predicted in predictions if label == predicted)
    metrics = {"accuracy": round(correct / len(predictions), 4),
               "correct": correct, "total": len(predictions)}

    os.makedirs(args.result, exist_ok=True)
    with open(os.path.join(args.result, "predictions.csv"), "w", newline="",
              encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["image", "label", "predicted"])
        writer.writerows(predictions)
    with open(os.path.join(args.result, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"score: accuracy {metrics['accuracy']} ({correct}/{len(predictions)})")


if __name__ == "__main__":
    main()
