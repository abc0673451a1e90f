"""Runs a sweep step's trials and keeps the best one's outputs (standard library only).

Started by the step's shell as ``python -I -S sweep_driver.py`` with the trials in
``$AZPIPE_SWEEP_SPEC`` (JSON, written by :mod:`azpipe.localrun.sweep`). Each trial
runs ``/bin/sh -c SCRIPT`` in the current folder, in a session of its own (so it
can be stopped whole), with its own values, its own outputs, ``MLFLOW_TRACKING_URI``
pointing at ``TRIAL/mlruns`` and ``AZPIPE_SWEEP_METRICS`` naming
``TRIAL/metrics.json``; its output goes to ``TRIAL/stdout.log`` and
``TRIAL/stderr.log``. Up to ``concurrency`` trials run at once (the sweep's
``max_concurrent_trials`` and ``azpipe run -j``, whichever is smaller).

While trials run, the driver reads each one's primary metric history from its
MLflow file store (``mlruns/EXPERIMENT/RUN/metrics/NAME``, lines of ``TIMESTAMP
VALUE STEP``, one line per ``log_metric``) and applies the sweep's
``early_termination`` policy (:class:`Policy`) at each evaluation interval: a
trial the policy cancels is stopped (SIGTERM to its session, SIGKILL after a grace
period) and left out. The primary metric of a trial that completes is the last
value it logged with MLflow, else the value under its name in ``metrics.json``.
The best trial's outputs are copied into the step's outputs; the driver prints one
line per trial and a summary (which trials were cancelled and why) and writes it
to ``trials/summary.json``. The exit code is 0 when a trial gave the metric, else 1.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

POLL = 0.05  # seconds between two looks at the running trials
GRACE = 5.0  # seconds a cancelled trial has to end after SIGTERM


def python() -> str:
    """The interpreter that runs this driver (the one running azpipe)."""
    return sys.executable


@dataclass
class Policy:
    """An early termination policy as Azure ML applies it, on metric histories.

    An *interval* is one value logged of the primary metric: a trial's interval k
    is the k-th value it logged (1-based). The policy is applied at each interval k
    with ``k >= max(delay_evaluation, 1)`` and ``k % evaluation_interval == 0``
    (an interval of 0 means 1), comparing the trial with every trial that has
    reached interval k (running, completed or cancelled):

    - ``bandit``: cancelled when its value at k is worse than the best value at k
      by more than ``slack_factor`` (ratio: below ``best / (1 + f)`` when maximizing,
      above ``best * (1 + f)`` when minimizing) or ``slack_amount`` (difference);
    - ``median_stopping``: cancelled when its best value up to k is worse than the
      median of the other trials' running averages up to k;
    - ``truncation_selection``: cancelled when its value at k is among the worst
      ``truncation_percentage`` percent of the values at k (rounded down; none
      below two trials).
    """

    type: str
    maximize: bool
    slack_factor: float = 0.0
    slack_amount: float = 0.0
    evaluation_interval: int = 1
    delay_evaluation: int = 0
    truncation_percentage: int = 0

    @classmethod
    def of(cls, spec: dict[str, Any], goal: str) -> Policy | None:
        """The policy of a sweep's ``early_termination`` mapping (None without one)."""
        kind = spec.get("type")
        if kind not in ("bandit", "median_stopping", "truncation_selection"):
            return None

        def number(key: str) -> float:
            value = spec.get(key, 0)
            return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0

        return cls(
            kind,
            goal == "maximize",
            slack_factor=number("slack_factor"),
            slack_amount=number("slack_amount"),
            evaluation_interval=int(number("evaluation_interval")) or 1,
            delay_evaluation=int(number("delay_evaluation")),
            truncation_percentage=int(number("truncation_percentage")),
        )

    def due(self, interval: int) -> bool:
        """Whether the policy is applied at ``interval``."""
        every = max(1, int(self.evaluation_interval))
        return interval >= max(1, int(self.delay_evaluation)) and interval % every == 0

    def worse(self, a: float, b: float) -> bool:
        """Whether ``a`` is strictly worse than ``b`` for the sweep's goal."""
        return a < b if self.maximize else a > b

    def verdict(self, number: int, histories: dict[int, list[float]], interval: int) -> str | None:
        """Why trial ``number`` is cancelled at ``interval``, or None to let it run."""
        mine = histories[number][:interval]
        reached = {n: h[:interval] for n, h in histories.items() if len(h) >= interval}
        value = mine[-1]
        if self.type == "bandit":
            pick = max if self.maximize else min
            best = pick(h[-1] for h in reached.values())
            if self.slack_factor:
                bound = best / (1 + self.slack_factor) if self.maximize else best * (1 + self.slack_factor)
                slack = f"slack_factor {self.slack_factor:g}"
            else:
                bound = best - self.slack_amount if self.maximize else best + self.slack_amount
                slack = f"slack_amount {self.slack_amount:g}"
            if self.worse(value, bound):
                return f"{value:g} is outside the {slack} of the best value at that interval, {best:g}"
            return None
        if self.type == "median_stopping":
            others = [statistics.fmean(h) for n, h in reached.items() if n != number]
            if not others:
                return None
            median = statistics.median(others)
            own_best = (max if self.maximize else min)(mine)
            if self.worse(own_best, median):
                return f"its best value {own_best:g} is worse than the median of the others' running averages, {median:g}"
            return None
        count = len(reached) * int(self.truncation_percentage) // 100
        # The worst first; among equal values the later trial goes first, so earlier trials are kept.
        ranked = sorted(reached, key=lambda n: (reached[n][-1] if self.maximize else -reached[n][-1], -n))
        if number in ranked[:count]:
            return (
                f"{value:g} is among the worst {self.truncation_percentage}% of the {len(reached)} "
                f"values at that interval"
            )
        return None


@dataclass
class Trial:
    """One trial: its spec, its process while it runs, and how it ended."""

    number: int
    spec: dict[str, Any]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    logs: list[IO[bytes]] = field(default_factory=list)
    history: list[float] = field(default_factory=list)
    evaluated: int = 0  # the intervals the policy has looked at
    state: str = "pending"  # running, completed, failed, timeout, cancelled
    reason: str = ""
    metric: float | None = None

    @property
    def folder(self) -> Path:
        """The trial's own folder (``STEP/trials/N``)."""
        return Path(self.spec["folder"])

    @property
    def sampled(self) -> str:
        """The trial's sampled values, as the report shows them."""
        return ", ".join(f"{k}={v}" for k, v in self.spec["sampled"].items())


def main() -> int:
    """Run the trials (a few at once, the policy watching), report each, copy the best one's
    outputs; the exit code."""
    spec = json.loads(os.environ.pop("AZPIPE_SWEEP_SPEC"))
    for name in ("AZPIPE_SWEEP_PYTHON", "AZPIPE_SWEEP_DRIVER"):
        os.environ.pop(name, None)
    trials = [Trial(number, trial) for number, trial in enumerate(spec["trials"], start=1)]
    policy = Policy.of(spec.get("early_termination") or {}, spec["goal"])
    with _stopping_on_signal(trials):
        _run_all(trials, spec, policy, max(1, int(spec.get("concurrency") or 1)))
    results = [(trial.number, trial.metric) for trial in trials if trial.metric is not None]
    pick = max if spec["goal"] == "maximize" else min
    best = pick(results, key=lambda item: item[1]) if results else None
    _summary(trials, spec, best[0] if best else None)
    if best is None:
        print(
            f"no trial logged `{spec['metric']}`: log it with mlflow.log_metric (each trial's "
            "MLFLOW_TRACKING_URI is a file store in its folder), or write "
            f'{{"{spec["metric"]}": VALUE}} to the file $AZPIPE_SWEEP_METRICS names',
            file=sys.stderr,
        )
        return 1
    print(f"best: trial {best[0]} ({spec['metric']} = {best[1]:g}); its outputs are the step's")
    _keep(spec["trials"][best[0] - 1], spec["outputs"])
    return 0


def _run_all(trials: list[Trial], spec: dict[str, Any], policy: Policy | None, concurrency: int) -> None:
    pending = list(trials)
    running: list[Trial] = []
    while pending or running:
        while pending and len(running) < concurrency:
            trial = pending.pop(0)
            _start(trial, spec)
            running.append(trial)
        time.sleep(POLL)
        for trial in list(running):
            if _finished(trial, spec):
                running.remove(trial)
        if policy is not None and running:
            for trial in running:
                trial.history = metric_history(trial.folder, spec["metric"])
            histories = {trial.number: trial.history for trial in trials if trial.history}
            for trial in list(running):
                if _apply(policy, trial, histories, spec["metric"]):
                    running.remove(trial)


def _start(trial: Trial, spec: dict[str, Any]) -> None:
    folder = trial.folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in trial.spec["outputs"].items():
        file_output = spec["outputs"][name]["type"] == "uri_file"
        (Path(path).parent if file_output else Path(path)).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **trial.spec["values"]}
    env["MLFLOW_TRACKING_URI"] = (folder / "mlruns").resolve().as_uri()
    env["AZPIPE_SWEEP_METRICS"] = str(folder / "metrics.json")
    trial.logs = [open(folder / "stdout.log", "wb"), open(folder / "stderr.log", "wb")]  # noqa: SIM115
    trial.process = subprocess.Popen(
        ["/bin/sh", "-c", trial.spec["script"]], env=env, stdout=trial.logs[0], stderr=trial.logs[1],
        stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    trial.started = time.monotonic()
    trial.state = "running"


def _finished(trial: Trial, spec: dict[str, Any]) -> bool:
    """Whether the trial has ended (completed, failed, or stopped by its ``trial_timeout``)."""
    assert trial.process is not None
    timeout = spec.get("trial_timeout")
    code = trial.process.poll()
    if code is None:
        if timeout is None or time.monotonic() - trial.started < timeout:
            return False
        _stop(trial, "timeout", f"stopped after its trial_timeout of {timeout} s")
        print(f"trial {trial.number} ({trial.sampled}): {trial.reason}")
        return True
    _close(trial)
    metric = read_metric(trial.folder, spec["metric"])
    if code != 0:
        trial.state, trial.reason = "failed", f"failed with exit code {code}"
        print(f"trial {trial.number} ({trial.sampled}): {trial.reason}; see {trial.folder / 'stderr.log'}")
    elif metric is None:
        trial.state, trial.reason = "failed", f"logged no `{spec['metric']}`"
        print(f"trial {trial.number} ({trial.sampled}): {trial.reason}")
    else:
        trial.state, trial.metric = "completed", metric
        print(f"trial {trial.number} ({trial.sampled}): {spec['metric']} = {metric:g}")
    trial.history = metric_history(trial.folder, spec["metric"])
    return True


def _apply(policy: Policy, trial: Trial, histories: dict[int, list[float]], metric: str) -> bool:
    """Apply ``policy`` to the intervals ``trial`` logged since the last look (``histories``: every
    trial's values so far, by number); True when it cancelled the trial."""
    while trial.evaluated < len(trial.history):
        trial.evaluated += 1
        interval = trial.evaluated
        if not policy.due(interval):
            continue
        why = policy.verdict(trial.number, histories, interval)
        if why is not None:
            _stop(
                trial,
                "cancelled",
                f"cancelled by the {policy.type} policy at interval {interval}: {metric} {why}",
            )
            print(f"trial {trial.number} ({trial.sampled}): {trial.reason}")
            return True
    return False


def _stop(trial: Trial, state: str, reason: str) -> None:
    """Stop the trial's whole session: SIGTERM, then SIGKILL after the grace period."""
    assert trial.process is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(trial.process.pid, signal.SIGTERM)
    try:
        trial.process.wait(GRACE)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(trial.process.pid, signal.SIGKILL)
        trial.process.wait()
    _close(trial)
    trial.state, trial.reason = state, reason


def _close(trial: Trial) -> None:
    for stream in trial.logs:
        stream.close()
    trial.logs = []


@contextlib.contextmanager
def _stopping_on_signal(trials: list[Trial]) -> Any:
    """On SIGTERM/SIGINT/SIGHUP, stop the running trials before the driver ends."""

    def stop(signum: int, _frame: object) -> None:
        for trial in trials:
            if trial.state == "running" and trial.process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(trial.process.pid, signal.SIGKILL)
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _summary(trials: list[Trial], spec: dict[str, Any], best: int | None) -> None:
    """Print which trials completed, failed or were cancelled, and write ``trials/summary.json``."""
    counts: dict[str, int] = {}
    for trial in trials:
        counts[trial.state] = counts.get(trial.state, 0) + 1
    print("trials: " + ", ".join(f"{count} {state}" for state, count in counts.items()))
    for trial in trials:
        if trial.state == "cancelled":
            print(f"  trial {trial.number} {trial.reason}")
    rows = [
        {"trial": t.number, "sampled": t.spec["sampled"], "state": t.state, "reason": t.reason,
         "metric": t.metric, "history": t.history}
        for t in trials
    ]  # fmt: skip
    if trials:
        with contextlib.suppress(OSError):
            summary = trials[0].folder.parent / "summary.json"
            data = {"metric": spec["metric"], "goal": spec["goal"], "best": best, "trials": rows}
            summary.write_text(json.dumps(data, indent=2), encoding="utf-8")


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


def metric_history(folder: Path, name: str) -> list[float]:
    """Every value of metric ``name`` the trial has logged with MLflow so far, in logging order
    (by timestamp; lines of one file keep their order)."""
    found: list[tuple[int, int, float]] = []
    store = folder / "mlruns"
    if store.is_dir():
        for path in sorted(store.glob(f"*/*/metrics/{name}")):
            if path.is_file():
                found += [
                    (stamp, len(found) + index, value)
                    for index, (stamp, value) in enumerate(_mlflow_values(path))
                ]
    return [value for _, _, value in sorted(found)]


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
