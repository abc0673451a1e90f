"""Time ``azpipe graph`` on a generated 1,000-step pipeline, once per format.

Run: ``.venv/bin/python benchmarks/graph_1000.py [--steps N]``. Each format runs
in a fresh ``azpipe`` process (the time a user waits, imports included); the
budget is 2 s per format. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("mermaid", "dot", "svg", "html", "text")
LANES = 10
BUDGET_SECONDS = 2.0


def generate(steps: int) -> str:
    """A pipeline of ``steps`` steps in ``LANES`` lanes, with cross-lane merges and shared inputs."""
    depth = max(1, steps // LANES)
    lines = [
        "azpipe: 1",
        "name: generated",
        "defaults: {compute: serverless, environment: 'sklearn:1'}",
        "data:",
        "  raw: {type: uri_folder, path: data}",
        "inputs:",
        "  dataset: ${{data.raw}}",
        "  epochs: 10",
        "outputs:",
    ]
    lines += [f"  result_{lane}: ${{{{s{lane}_{depth - 1}.outputs.out}}}}" for lane in range(LANES)]
    lines.append("steps:")
    for index in range(steps):
        lines += _step(index % LANES, index // LANES)
    return "\n".join(lines) + "\n"


def _step(lane: int, level: int) -> list[str]:
    name = f"s{lane}_{level}"
    upstream = f"${{{{s{lane}_{level - 1}.outputs.out}}}}"
    source = "${{parent.inputs.dataset}}" if level == 0 else upstream
    command = f"python step.py --data {source} --out ${{{{outputs.out}}}}"
    if level % 10 == 5:
        command += f" --other ${{{{s{(lane + 1) % LANES}_{level - 1}.outputs.out}}}}"
    if level % 25 == 0:
        command += " --epochs ${{parent.inputs.epochs}}"
    return [f"  {name}:", f"    command: {command}"]


def time_format(path: str, fmt: str) -> float:
    """Seconds one ``azpipe graph`` process takes for ``fmt`` (writing a file beside ``path``)."""
    target = os.path.join(os.path.dirname(path), f"graph.{fmt}")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "azpipe", "graph", path, "--format", fmt, "-o", target],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"azpipe graph --format {fmt} failed ({result.returncode}): {result.stderr}")
    return elapsed


def main() -> int:
    """Generate the pipeline, time every format, print a table; exit 1 over budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "pipeline.yaml")
        (Path(folder) / "data").mkdir()
        Path(path).write_text(generate(args.steps), encoding="utf-8")
        slow = False
        for fmt in FORMATS:
            seconds = time_format(path, fmt)
            slow |= seconds >= BUDGET_SECONDS
            print(f"{fmt:8} {seconds:6.2f} s")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
