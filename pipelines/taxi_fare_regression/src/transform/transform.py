"""Turn trips into model features.

Reads <train_data>/trips.csv and <test_data>/trips.csv and writes
<train_features>/features.csv and <test_features>/features.csv with columns
distance_km,passengers,rush_hour,night,fare (rush_hour: 7-9h and 16-19h,
night: 22h-5h, both 0 or 1).
"""

import argparse
import csv
import os
import sys

TRIP_COLUMNS = ["distance_km", "passengers", "hour", "fare"]
FEATURE_COLUMNS = ["distance_km", "passengers", "rush_hour", "night", "fare"]
RUSH_HOURS = {7, 8, 9, 16, 17, 18, 19}


def fail(message):
    sys.exit(f"transform: error: {message}")


def features(path, number, row):
    try:
        distance, passengers, hour, fare = float(row[0]), int(row[1]), int(row[2]), float(row[3])
    except (ValueError, IndexError):
        fail(f"{path}:{number}: malformed trip {','.join(row)!r}")
    rush = int(hour in RUSH_HOURS)
    night = int(hour >= 22 or hour < 6)
    return [distance, passengers, rush, night, fare]


def convert(in_folder, out_folder):
    path = os.path.join(in_folder, "trips.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of prep)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        if next(reader, None) != TRIP_COLUMNS:
            fail(f"{path}: header must be {','.join(TRIP_COLUMNS)}")
        rows = [features(path, n, row) for n, row in enumerate(reader, start=2) if row]
    if not rows:
        fail(f"{path}: no trips")
    os.makedirs(out_folder, exist_ok=True)
    with open(os.path.join(out_folder, "features.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(FEATURE_COLUMNS)
        writer.writerows(rows)
    return len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train_data", required=True)
    parser.add_argument("--test_data", required=True)
    parser.add_argument("--train_features", required=True)
    parser.add_argument("--test_features", required=True)
    args = parser.parse_args()
    n_train = convert(args.train_data, args.train_features)
    n_test = convert(args.test_data, args.test_features)
    print(f"transform: {n_train} training rows, {n_test} test rows, "
          f"features {','.join(FEATURE_COLUMNS[:-1])}")


if __name__ == "__main__":
    main()
