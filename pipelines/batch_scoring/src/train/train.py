"""Learn a weight per word from labelled reviews: +1 for each positive use, -1 for each negative."""

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--labelled", required=True)
parser.add_argument("--model", required=True)
args = parser.parse_args()

weights: Counter[str] = Counter()
with open(args.labelled, newline="", encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        sign = 1 if row["label"] == "1" else -1
        for word in row["text"].lower().split():
            weights[word] += sign

Path(args.model).mkdir(parents=True, exist_ok=True)
(Path(args.model) / "weights.json").write_text(json.dumps(dict(sorted(weights.items())), indent=1))
print(f"learnt {len(weights)} word weights")
