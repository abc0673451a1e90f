"""Read 4x4 grayscale "images" (one CSV file each, one folder per class) and
split them into a training set and a test set.

Input layout:   <input_data>/<class>/<image>.csv   (4 rows of 4 integers, 0-255)
Output layout:  <training_data>/data.csv and <test_data>/data.csv, with columns
                label,image,p0..p15

The split is deterministic: within each class, sorted by file name, every third
image goes to the test set.
"""

import argparse
import csv
import os
import sys

SIDE = 4


def fail(message):
    sys.exit(f"prep_data: error: {message}")


def read_image(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row]
    if len(rows) != SIDE or any(len(row) != SIDE for row in rows):
        fail(f"{path}: expected {SIDE} rows of {SIDE} values")
    pixels = []
    for row in rows:
        for cell in row:
            try:
                value = int(cell)
            except ValueError:
                fail(f"{path}: pixel {cell.strip()!r} is not an integer")
            if not 0 <= value <= 255:
                fail(f"{path}: pixel {value} is outside 0..255")
            pixels.append(value)
    return pixels


def visible(names):
    return sorted(n for n in names if not n.startswith("."))


def load_dataset(folder):
    if not os.path.isdir(folder):
        fail(f"input folder {folder!r} does not exist")
    classes = [c for c in visible(os.listdir(folder)) if os.path.isdir(os.path.join(folder, c))]
    if len(classes) < 2:
        fail(f"{folder}: need at least two class folders, found {len(classes)}")
    dataset = {}
    for label in classes:
        class_dir = os.path.join(folder, label)
        files = [f for f in visible(os.listdir(class_dir)) if f.endswith(".csv")]
        if len(files) < 2:
            fail(f"{class_dir}: need at least two images, found {len(files)}")
        dataset[label] = [(f"{label}/{f}", read_image(os.path.join(class_dir, f))) for f in files]
    return dataset


def write_rows(folder, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "data.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "image"] + [f"p{i}" for i in range(SIDE * SIDE)])
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input_data", required=True)
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--test_data", required=True)
    args = parser.parse_args()

    train, test = [], []
    for label, images in load_dataset(args.input_data).items():
        for index, (name, pixels) in enumerate(images):
            (test if index % 3 == 2 else train).append([label, name] + pixels)
    write_rows(args.training_data, train)
    write_rows(args.test_data, test)
    print(f"prep_data: {len(train)} training images, {len(test)} test images")


if __name__ == "__main__":
    main()
