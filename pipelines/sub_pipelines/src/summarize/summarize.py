"""Summarise the merged series.

Reads <merged>/merged.csv (day,station_a,station_b,index) and writes
<summary>/summary.json: the number of days, each column's mean, the
correlation between the stations and the day with the highest index.
"""

import argparse
import csv
import json
import math
import os
import sys

COLUMNS = ["day", "station_a", "station_b", "index"]


def fail(message):
    sys.exit(f"summarize: error: {message}")


def load(folder):
    path = os.path.join(folder, "merged.csv")
    if not os.path.isfile(path):
        fail(f"{path} not found (expected the output of merge)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        if next(reader, None) != COLUMNS:
            fail(f"{path}: header must be {','.join(COLUMNS)}")
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                rows.append((row[0], float(row[1]), float(row[2]), float(row[3])))
            except (ValueError, IndexError):
                fail(f"{path}:{number}: malformed row {','.join(row)!r}")
    if len(rows) < 2:
        fail(f"{path}: need at least two days, got {len(rows)}")
    return rows


def mean(values):
    return sum(values) / len(values)


def correlation(xs, ys):
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merged", required=True)
    parser.add_argument("--summary", required=True)
    args = parser.parse_args()

    rows = load(args.merged)
    a, b, index = ([r[i] for r in rows] for i in (1, 2, 3))
    peak = max(rows, key=lambda r: (r[3], r[0]))
    summary = {
        "days": len(rows),
        "mean_station_a": round(mean(a), 4),
        "mean_station_b": round(mean(b), 4),
        "mean_index": round(mean(index), 4),
        "correlation": round(correlation(a, b), 4),
        "peak_day": peak[0],
        "peak_index": peak[3],
    }
    os.makedirs(args.summary, exist_ok=True)
    with open(os.path.join(args.summary, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"summarize: {summary['days']} days, correlation {summary['correlation']}, "
          f"peak {summary['peak_day']}")


if __name__ == "__main__":
    main()
