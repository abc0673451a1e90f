"""Count the labels the batch scoring appended (Azure ML's parallel_run_step.txt)."""

import argparse
import json
from collections import Counter
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--scores", required=True)
parser.add_argument("--report", required=True)
args = parser.parse_args()

rows = [line.split(",") for line in (Path(args.scores) / "parallel_run_step.txt").read_text().splitlines()]
labels = Counter(label for _, _, label in rows)
report = {"reviews": len(rows), **dict(sorted(labels.items())), "most_positive": max(rows, key=lambda r: float(r[1]))[0]}
Path(args.report).mkdir(parents=True, exist_ok=True)
(Path(args.report) / "report.json").write_text(json.dumps(report, indent=1))
print(json.dumps(report))
