"""Join two normalised series on day and add them into one index.

Reads <station_a>/readings.csv and <station_b>/readings.csv (day,value) and
writes <merged>/merged.csv (day,station_a,station_b,index) for the days both
stations report; index = station_a + station_b (each station's weight was
applied upstream by normalize's `scale`).
"""

import argparse
import csv
import os
import sys


def fail(message):
    sys.exit(f"merge: error: {message}")


def load(folder):
    path = os.path.join(folder, "readings.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of normalize)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        if next(reader, None) != ["day", "value"]:
            fail(f"{path}: header must be day,value")
        try:
            return {row[0]: float(row[1]) for row in reader if row}
        except (ValueError, IndexError):
            fail(f"{path}: every row must be day,value with a numeric value")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--station_a", required=True)
    parser.add_argument("--station_b", required=True)
    parser.add_argument("--merged", required=True)
    args = parser.parse_args()

    a, b = load(args.station_a), load(args.station_b)
    days = sorted(set(a) & set(b))
    if not days:
        fail("the two stations share no day")
    os.makedirs(args.merged, exist_ok=True)
    with open(os.path.join(args.merged, "merged.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["day", "station_a", "station_b", "index"])
        for day in days:
            writer.writerow([day, a[day], b[day], round(a[day] + b[day], 4)])
    dropped = len(set(a) | set(b)) - len(days)
    print(f"merge: {len(days)} common days ({dropped} dropped)")


if __name__ == "__main__":
    main()
