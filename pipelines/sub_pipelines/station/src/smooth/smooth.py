"""Smooth a series of readings with a centred moving average.

Reads <readings>/readings.csv (day,value) and writes <out>/readings.csv with the
same days, each value replaced by the mean of the `window` readings around it
(fewer at the ends).
"""

import argparse
import csv
import os
import sys


def fail(message):
    sys.exit(f"smooth: error: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", required=True)
    parser.add_argument("--window", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.window < 1:
        fail("--window must be at least 1")
    path = os.path.join(args.readings, "readings.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found")
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row][1:]
    days = [day for day, _ in rows]
    values = [float(value) for _, value in rows]
    half = args.window // 2
    smoothed = []
    for i in range(len(values)):
        around = values[max(0, i - half) : i + half + 1]
        smoothed.append(sum(around) / len(around))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "readings.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["day", "value"])
        writer.writerows((day, f"{value:.4f}") for day, value in zip(days, smoothed))
    print(f"smoothed {len(values)} readings over {args.window} days")


if __name__ == "__main__":
    main()
