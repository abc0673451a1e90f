"""Runs a sweep step's trials and keeps the best one's outputs (standard library only).

Started by the step's shell as ``python -I -S sweep_driver.py`` with the trials in
``$AZPIPE_SWEEP_SPEC`` (JSON, written by :mod:`azpipe.localrun.sweep`). Each trial
runs ``/bin/sh -c SCRIPT`` in the current folder with its own values, its own
outputs, ``MLFLOW_TRACKING_URI`` pointing at ``TRIAL/mlruns`` and
``AZPIPE_SWEEP_METRICS`` naming ``TRIAL/metrics.json``; its output goes to
``TRIAL/stdout.log`` and ``TRIAL/stderr.log``. The primary metric is the last
value the trial logged with MLflow (a file store:
``mlruns/EXPERIMENT/RUN/metrics/NAME``, lines of ``TIMESTAMP VALUE STEP``), else
the value under its name in ``metrics.json``. The best trial's outputs are copied
into the step's outputs; the exit code is 0 when a trial gave the metric, else 1.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any


def python() -> str:
    """The interpreter that runs this driver (the one running azpipe)."""
    return sys.executable


def main() -> int:
    """Run every trial, report each, copy the best one's outputs; the exit code."""
    spec = json.loads(os.environ.pop("AZPIPE_SWEEP_SPEC"))
    for name in ("AZPIPE_SWEEP_PYTHON", "AZPIPE_SWEEP_DRIVER"):
        os.environ.pop(name, None)
    results: list[tuple[int, float]] = []
    for number, trial in enumerate(spec["trials"], start=1):
        metric = _run(number, trial, spec)
        if metric is not None:
            results.append((number, metric))
    if not results:
        print(
            f"no trial logged `{spec['metric']}`: log it with mlflow.log_metric (each trial's "
            "MLFLOW_TRACKING_URI is a file store in its folder), or write "
            f'{{"{spec["metric"]}": VALUE}} to the file $AZPIPE_SWEEP_METRICS names',
            file=sys.stderr,
        )
        return 1
    pick = max if spec["goal"] == "maximize" else min
    best, value = pick(results, key=lambda item: item[1])
    print(f"best: trial {best} ({spec['metric']} = {value:g}); its outputs are the step's")
    _keep(spec["trials"][best - 1], spec["outputs"])
    return 0


def _run(number: int, trial: dict[str, Any], spec: dict[str, Any]) -> float | None:
    folder = Path(trial["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in trial["outputs"].items():
        file_output = spec["outputs"][name]["type"] == "uri_file"
        (Path(path).parent if file_output else Path(path)).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **trial["values"]}
    env["MLFLOW_TRACKING_URI"] = (folder / "mlruns").resolve().as_uri()
    env["AZPIPE_SWEEP_METRICS"] = str(folder / "metrics.json")
    sampled = ", ".join(f"{k}={v}" for k, v in trial["sampled"].items())
    timeout = spec.get("trial_timeout")
    with open(folder / "stdout.log", "wb") as out, open(folder / "stderr.log", "wb") as err:
        try:
            code = subprocess.run(["/bin/sh", "-c", trial["script"]], env=env, stdout=out, stderr=err,
                                  stdin=subprocess.DEVNULL, timeout=timeout, check=False).returncode  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"trial {number} ({sampled}): stopped after its trial_timeout of {timeout} s")
            return None
    if code != 0:
        print(f"trial {number} ({sampled}): failed with exit code {code}; see {folder / 'stderr.log'}")
        return None
    metric = read_metric(folder, spec["metric"])
    if metric is None:
        print(f"trial {number} ({sampled}): logged no `{spec['metric']}`")
        return None
    print(f"trial {number} ({sampled}): {spec['metric']} = {metric:g}")
    return metric


def read_metric(folder: Path, name: str) -> float | None:
    """The last value of metric ``name`` a trial logged (MLflow file store, else ``metrics.json``)."""
    found: list[tuple[int, float]] = []
    store = folder / "mlruns"
    if store.is_dir():
        for path in store.glob("*/*/metrics"):
            metric = path / name
            if metric.is_file():
                found += _mlflow_values(metric)
    if found:
        return max(found)[1]
    fallback = folder / "metrics.json"
    try:
        value = json.loads(fallback.read_text(encoding="utf-8")).get(name)
    except (OSError, ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _mlflow_values(path: Path) -> list[tuple[int, float]]:
    """``(timestamp, value)`` of each line of an MLflow metric file (``TIMESTAMP VALUE [STEP]``)."""
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        try:
            timestamp, value = int(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            continue
        if math.isfinite(value):
            found.append((timestamp, value))
    return found


def _keep(trial: dict[str, Any], outputs: dict[str, dict[str, str]]) -> None:
    """Copy the best trial's outputs to the step's own."""
    for name, slot in outputs.items():
        source, target = Path(trial["outputs"][name]), Path(slot["path"])
        if slot["type"] == "uri_file":
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        elif source.is_dir():
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)


if __name__ == "__main__":
    sys.exit(main())
