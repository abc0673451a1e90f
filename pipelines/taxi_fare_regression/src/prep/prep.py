"""Validate the raw taxi trips and split them into a training and a test set.

Reads <raw_data>/taxi.csv (distance_km,passengers,hour,fare), shuffles the
rows with the given seed and writes <train_data>/trips.csv and
<test_data>/trips.csv with the same columns.
"""

import argparse
import csv
import os
import random
import sys

COLUMNS = ["distance_km", "passengers", "hour", "fare"]
MIN_TRAIN_ROWS = 8  # the model has 5 coefficients; keep a margin


def fail(message):
    sys.exit(f"prep: error: {message}")


def parse_row(path, number, row):
    if len(row) != len(COLUMNS):
        fail(f"{path}:{number}: expected {len(COLUMNS)} columns, got {len(row)}")
    try:
        distance, passengers, hour, fare = float(row[0]), int(row[1]), int(row[2]), float(row[3])
    except ValueError:
        fail(f"{path}:{number}: expected numbers, got {','.join(row)!r}")
    if distance <= 0 or not 1 <= passengers <= 8 or not 0 <= hour <= 23 or fare < 0:
        fail(f"{path}:{number}: value out of range in {','.join(row)!r}")
    return row


def load_trips(folder):
    path = os.path.join(folder, "taxi.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (raw_data must be a folder holding taxi.csv)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != COLUMNS:
            fail(f"{path}: header must be {','.join(COLUMNS)}, got {header}")
        return [parse_row(path, n, row) for n, row in enumerate(reader, start=2) if row]


def write_trips(folder, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "trips.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw_data", required=True)
    parser.add_argument("--test_fraction", type=float, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--train_data", required=True)
    parser.add_argument("--test_data", required=True)
    args = parser.parse_args()
    if not 0.0 < args.test_fraction < 1.0:
        fail(f"--test_fraction must be between 0 and 1, got {args.test_fraction}")

    rows = load_trips(args.raw_data)
    random.Random(args.seed).shuffle(rows)
    n_test = max(1, round(len(rows) * args.test_fraction))
    test, train = rows[:n_test], rows[n_test:]
    if len(train) < MIN_TRAIN_ROWS:
        fail(f"only {len(train)} training rows left (need {MIN_TRAIN_ROWS}); "
             "add data or lower --test_fraction")
    write_trips(args.train_data, train)
    write_trips(args.test_data, test)
    print(f"prep: {len(train)} training trips, {len(test)} test trips (seed {args.seed})")


if __name__ == "__main__":
    main()
