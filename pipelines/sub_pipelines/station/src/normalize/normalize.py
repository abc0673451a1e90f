"""Min-max normalise a series of readings to [0, scale].

Reads <readings>/readings.csv (day,value) and writes <out>/readings.csv with the
same days and values rescaled so the smallest is 0 and the largest is `scale`.
"""

import argparse
import csv
import math
import os
import sys


def fail(message):
    sys.exit(f"normalize: error: {message}")


def load_readings(folder):
    path = os.path.join(folder, "readings.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (--readings must be a folder holding readings.csv)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        if next(reader, None) != ["day", "value"]:
            fail(f"{path}: header must be day,value")
        readings = {}
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != 2:
                fail(f"{path}:{number}: expected day,value, got {','.join(row)!r}")
            try:
                value = float(row[1])
            except ValueError:
                fail(f"{path}:{number}: value {row[1]!r} is not a number")
            if row[0] in readings:
                fail(f"{path}:{number}: day {row[0]} appears twice")
            readings[row[0]] = value
    if len(readings) < 2:
        fail(f"{path}: need at least two readings, got {len(readings)}")
    return readings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if not (math.isfinite(args.scale) and args.scale > 0):
        fail(f"--scale must be a positive number, got {args.scale}")

    readings = load_readings(args.readings)
    low, high = min(readings.values()), max(readings.values())
    if high == low:
        fail("all readings are equal; cannot normalise")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "readings.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["day", "value"])
        for day in sorted(readings):
            writer.writerow([day, round((readings[day] - low) / (high - low) * args.scale, 4)])
    print(f"normalize: {len(readings)} readings from [{low}, {high}] to [0, {args.scale}]")


if __name__ == "__main__":
    main()
