"""Sweeps run locally: ``--trials N`` sampled as the algorithm would, the metric read back, the best
trial's outputs passed downstream; ``plan`` lists the trials."""

from __future__ import annotations

import json
import math
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe as azpipe_api
from azpipe.diagnostics import Span
from azpipe.localrun.sweep import trial_values
from azpipe.localrun.sweep_driver import Policy, read_metric
from azpipe.model import Distribution, Sweep
from tests.fixtures.localrun.support import azpipe, last_run

TRAIN = """\
import argparse, json, os, pathlib
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float); p.add_argument("--depth", type=int); p.add_argument("--model")
a = p.parse_args()
score = -(a.lr - 0.05) ** 2 + a.depth / 100
pathlib.Path(a.model, "model.txt").write_text(f"lr={a.lr} depth={a.depth}")
LOG
"""
# What mlflow.log_metric writes to a file store (mlruns/EXPERIMENT/RUN/metrics/NAME), without mlflow.
MLFLOW = """\
from urllib.parse import urlparse
run = pathlib.Path(urlparse(os.environ["MLFLOW_TRACKING_URI"]).path, "0", "abc123", "metrics")
run.mkdir(parents=True)
(run / "accuracy").write_text(f"1700000000000 {score - 1} 0\\n1700000000500 {score} 1\\n")
"""
FALLBACK = 'json.dump({"accuracy": score}, open(os.environ["AZPIPE_SWEEP_METRICS"], "w"))\n'
USE = """\
import pathlib, sys
pathlib.Path(sys.argv[2], "report.txt").write_text(pathlib.Path(sys.argv[1], "model.txt").read_text())
"""
PIPELINE = """\
azpipe: 1
name: tuned
defaults: {compute: cpu, environment: azureml:sklearn:1}
outputs:
  report: ${{use.outputs.report}}
steps:
  train:
    code: ./src
    command: python train.py --lr ${{inputs.lr}} --depth ${{inputs.depth}} --model ${{outputs.model}}
    sweep:
      search_space:
        lr: {type: uniform, min_value: 0.01, max_value: 0.1}
        depth: {type: choice, values: [2, 4, 8]}
      objective: {goal: GOAL, primary_metric: accuracy}
      sampling_algorithm: {type: random, seed: 1}
      limits: {max_total_trials: 10}
  use:
    code: ./src
    command: python use.py ${{train.outputs.model}} ${{outputs.report}}
"""


def _write(tmp_path: Path, log: str, goal: str = "maximize") -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(TRAIN.replace("LOG\n", log), encoding="utf-8")
    (tmp_path / "src" / "use.py").write_text(USE, encoding="utf-8")
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE.replace("GOAL", goal), encoding="utf-8")
    return path


def _scores(path: Path, count: int) -> list[tuple[float, int]]:
    step = azpipe_api.load(path).steps["train"]
    assert step.sweep is not None
    types = {name: port.type for name, port in step.inputs.items()}
    return [(v["lr"], v["depth"]) for v in trial_values(step.sweep, types, count)]


@pytest.mark.parametrize(
    ("log", "goal"), [(MLFLOW, "maximize"), (FALLBACK, "maximize"), (FALLBACK, "minimize")]
)
def test_the_best_trial_s_outputs_go_downstream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], log: str, goal: str
) -> None:
    path = _write(tmp_path, log, goal)
    code, _out, err = azpipe(capsys, "run", path, "--trials", "4")
    assert code == 0, err
    trials = _scores(path, 4)
    score = [-((lr - 0.05) ** 2) + depth / 100 for lr, depth in trials]
    best = (max if goal == "maximize" else min)(range(4), key=lambda i: score[i])
    record = last_run(path)
    report = Path(record["outputs"]["report"]) / "report.txt"
    lr, depth = trials[best]
    assert report.read_text(encoding="utf-8") == f"lr={lr} depth={depth}"
    log_text = (Path(record["steps"]["train"]["outputs"]["model"]).parents[1] / "stdout.log").read_text()
    assert f"best: trial {best + 1} " in log_text and log_text.count("): accuracy = ") == 4


def test_plan_lists_the_trials_and_a_new_count_is_a_new_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, FALLBACK)
    code, out, _err = azpipe(capsys, "plan", path, "--trials", "2")
    assert code == 0
    assert "sweep: 2 trials (random with seed 1); best: highest `accuracy`" in out
    (lr, depth), _ = _scores(path, 2)
    assert f"trial 1: lr={lr}, depth={depth}" in out and "trial 2:" in out and "trial 3:" not in out
    assert azpipe(capsys, "run", path, "--trials", "2")[0] == 0
    _code, out, _err = azpipe(capsys, "plan", path, "--trials", "2", "-f", "json")
    assert json.loads(out)["steps"][0]["action"] == "reuse"
    _code, out, _err = azpipe(capsys, "plan", path, "--trials", "3", "-f", "json")
    assert json.loads(out)["steps"][0]["action"] == "run"


def test_no_metric_fails_the_step_and_says_how_to_log_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "")
    code, _out, _err = azpipe(capsys, "run", path, "--trials", "2")
    assert code == 1
    record = last_run(path)
    assert record["steps"]["train"]["status"] == "failed"
    logs = list((path.parent / ".azpipe" / "runs").glob("*/train/stderr.log"))
    text = logs[0].read_text(encoding="utf-8")
    assert "no trial logged `accuracy`" in text and "mlflow.log_metric" in text
    assert record["steps"]["use"]["status"] == "skipped"


def _sweep(
    kind: str, params: dict, algorithm: str = "random", seed: int | None = None, total: int = 50
) -> Sweep:
    span = Span.point("x")
    sweep = Sweep(span, search_space={"p": Distribution(kind, span, params)}, sampling_algorithm=algorithm)
    sweep.limits = {"max_total_trials": total}
    if seed is not None:
        sweep.sampling = {"seed": seed}
    return sweep


def test_grid_enumerates_choices_in_order_up_to_the_limits() -> None:
    span = Span.point("x")
    sweep = Sweep(
        span,
        search_space={
            "a": Distribution("choice", span, {"values": [1, 2]}),
            "b": Distribution("choice", span, {"values": ["x", "y", "z"]}),
        },
        sampling_algorithm="grid",
        limits={"max_total_trials": 4},
    )
    assert trial_values(sweep, {}, 10) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 1, "b": "z"},
        {"a": 2, "b": "x"},
    ]
    assert len(trial_values(sweep, {}, 2)) == 2


@given(
    kind=st.sampled_from(
        ["uniform", "loguniform", "quniform", "qloguniform", "randint", "normal", "qnormal"]
    ),
    low=st.integers(-5, 5),
    width=st.integers(1, 5),
    seed=st.integers(0, 2**31),
)
def test_random_samples_lie_where_azure_ml_draws_them(kind: str, low: int, width: int, seed: int) -> None:
    params: dict = {"upper": width} if kind == "randint" else {"min_value": low, "max_value": low + width}
    if "normal" in kind:
        params = {"mu": low, "sigma": width}
    if kind.startswith("q"):
        params["q"] = 2
    sweep = _sweep(kind, params, seed=seed)
    values = [trial["p"] for trial in trial_values(sweep, {"p": "number"}, 5)]
    assert values == [trial["p"] for trial in trial_values(sweep, {"p": "number"}, 5)]  # the seed decides
    for value in values:
        if kind == "randint":
            assert 0 <= value < width
        elif kind in ("uniform", "quniform"):
            assert low - 1 <= value <= low + width + 1
        elif kind == "loguniform":  # exp(uniform(low, high)), as Azure ML defines it
            assert math.exp(low) * 0.999 <= value <= math.exp(low + width) * 1.001
        if kind.startswith("q"):
            assert abs(value / 2 - round(value / 2)) < 1e-6


def test_an_integer_input_gets_integers() -> None:
    sweep = _sweep("quniform", {"min_value": 1, "max_value": 9, "q": 1}, seed=3)
    assert all(isinstance(t["p"], int) for t in trial_values(sweep, {"p": "integer"}, 10))


def test_read_metric_takes_the_last_logged_value(tmp_path: Path) -> None:
    metrics = tmp_path / "mlruns" / "0" / "r1" / "metrics"
    metrics.mkdir(parents=True)
    (metrics / "loss").write_text(textwrap.dedent("""\
        100 0.9 0
        300 0.2 2
        200 0.5 1
        garbage
        400 nan 3
    """))  # fmt: skip
    assert read_metric(tmp_path, "loss") == 0.2
    assert read_metric(tmp_path, "accuracy") is None
    (tmp_path / "metrics.json").write_text('{"accuracy": 0.75, "bad": true}')
    assert read_metric(tmp_path, "accuracy") == 0.75
    assert read_metric(tmp_path, "bad") is None


# Early termination and concurrent trials. The trial logs its metric as MLflow's file store
# does, one line per interval with a pause between, and leaves a mark when it ends by itself.
SERIES = """\
import os, pathlib, sys, time
from urllib.parse import urlparse
quality = float(sys.argv[1])
pathlib.Path(sys.argv[2], "quality.txt").write_text(str(quality))
run = pathlib.Path(urlparse(os.environ["MLFLOW_TRACKING_URI"]).path, "0", "r1", "metrics")
run.mkdir(parents=True)
stamps = pathlib.Path(STAMPS)
with open(stamps, "a") as f: f.write(f"start {quality} {time.time()}\\n")
for step in range(1, 6):
    with open(run / "accuracy", "a") as log:
        log.write(f"{1700000000000 + step} {quality * step / 5} {step}\\n")
    time.sleep(PAUSE)
pathlib.Path(sys.argv[2], "done").write_text("yes")
with open(stamps, "a") as f: f.write(f"end {quality} {time.time()}\\n")
"""
POLICY_PIPELINE = """\
azpipe: 1
name: stopped
defaults: {compute: cpu, environment: azureml:sklearn:1}
outputs:
  model: ${{train.outputs.model}}
steps:
  train:
    code: ./src
    command: python series.py ${{inputs.quality}} ${{outputs.model}}
    sweep:
      search_space:
        quality: {type: choice, values: QUALITIES}
      objective: {goal: maximize, primary_metric: accuracy}
      sampling_algorithm: grid
      limits: LIMITS
POLICY"""


def _policy_pipeline(
    tmp_path: Path, qualities: list[float], limits: str, policy: str = "", pause: float = 0.3
) -> Path:
    (tmp_path / "src").mkdir()
    script = SERIES.replace("PAUSE", str(pause)).replace("STAMPS", repr(str(tmp_path / "stamps.txt")))
    (tmp_path / "src" / "series.py").write_text(script, encoding="utf-8")
    text = POLICY_PIPELINE.replace("QUALITIES", json.dumps(qualities)).replace("LIMITS", limits)
    path = tmp_path / "pipeline.yaml"
    path.write_text(text.replace("POLICY", f"      early_termination: {policy}\n" if policy else ""), "utf-8")
    return path


def _summary(path: Path) -> list[dict]:
    record = last_run(path)
    folder = Path(record["steps"]["train"]["outputs"]["model"]).parents[1] / "trials"
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))["trials"]


def test_bandit_cancels_and_stops_a_trial_behind_the_best(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = "{type: bandit, slack_factor: 0.1, evaluation_interval: 1, delay_evaluation: 2}"
    path = _policy_pipeline(
        tmp_path, [1.0, 0.2, 0.95], "{max_total_trials: 3, max_concurrent_trials: 1}", policy
    )
    code, out, err = azpipe(capsys, "plan", path, "--trials", "3")
    assert code == 0, err
    assert (
        "trials run one at a time; early termination: bandit (slack_factor 0.1, evaluation_interval 1, delay_evaluation 2)"
        in out
    )
    code, out, err = azpipe(capsys, "run", path, "--trials", "3", "-j", "4")
    assert code == 0, err
    trials = _summary(path)
    assert [t["state"] for t in trials] == ["completed", "cancelled", "completed"]
    report = out + err  # the run's final report names the cancelled trial and why
    assert "sweep `train`: 3 trials, 1 completed, 1 cancelled, 1 completed" not in report
    assert "sweep `train`: 3 trials, 2 completed, 1 cancelled; best: trial 1" in report
    assert "  trial 2 (quality=0.2): cancelled by the bandit policy at interval 2" in report
    cancelled = trials[1]
    assert "bandit policy at interval 2" in cancelled["reason"] and "0.08" in cancelled["reason"]
    assert 2 <= len(cancelled["history"]) < 5  # stopped while it ran
    model = Path(last_run(path)["steps"]["train"]["outputs"]["model"])
    assert not (model.parents[1] / "trials" / "2" / "model" / "done").exists()  # its process was ended
    assert (model / "quality.txt").read_text() == "1.0"  # the best completed trial's outputs
    log = (model.parents[1] / "stdout.log").read_text(encoding="utf-8")
    assert "trials: 2 completed, 1 cancelled" in log.replace(
        "1 cancelled, 2 completed", "2 completed, 1 cancelled"
    )
    assert (
        "trial 2 cancelled by the bandit policy at interval 2: accuracy 0.08 is outside the slack_factor 0.1"
        in log
    )


def test_truncation_selection_cancels_the_worst_share(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = (
        "{type: truncation_selection, truncation_percentage: 50, evaluation_interval: 1, delay_evaluation: 3}"
    )
    path = _policy_pipeline(
        tmp_path, [0.5, 0.9, 0.1], "{max_total_trials: 3, max_concurrent_trials: 1}", policy
    )
    code, _out, err = azpipe(capsys, "run", path, "--trials", "3", "-j", "1")
    assert code == 0, err
    trials = _summary(path)
    # Trial 2 at interval 3 is not among the worst half of two (0.3, 0.54); trial 3 is.
    assert [t["state"] for t in trials] == ["completed", "completed", "cancelled"]
    assert "truncation_selection policy at interval 3" in trials[2]["reason"]
    assert len(trials[2]["history"]) < 5


def test_trials_run_concurrently_up_to_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stamps = tmp_path / "stamps.txt"
    path = _policy_pipeline(
        tmp_path, [0.1, 0.2, 0.3, 0.4], "{max_total_trials: 4, max_concurrent_trials: 2}", pause=0.2
    )
    code, out, _err = azpipe(capsys, "plan", path, "--trials", "4")  # plans what run does by default
    at_once = min(2, os.cpu_count() or 1)
    assert (
        "trials run 2 at once" if at_once == 2 else "trials run one at a time"
    ) + "; no early termination" in out
    code, _out, err = azpipe(capsys, "run", path, "--trials", "4", "-j", "3")
    assert code == 0, err
    assert _most_at_once(stamps) == 2
    stamps.unlink()
    code, _out, err = azpipe(capsys, "run", path, "--trials", "4", "-j", "1", "--force")
    assert code == 0, err
    assert _most_at_once(stamps) == 1  # -j 1: one after another
    assert [t["state"] for t in _summary(path)] == ["completed"] * 4


def _most_at_once(stamps: Path) -> int:
    """The largest number of trials running at one time, from their start and end stamps."""
    events = sorted(
        (float(stamp), 1 if kind == "start" else -1)
        for kind, _quality, stamp in (line.split() for line in stamps.read_text().splitlines())
    )
    running = most = 0
    for _, change in events:
        running += change
        most = max(most, running)
    return most


def test_policies_decide_as_azure_ml_describes() -> None:
    bandit = Policy.of({"type": "bandit", "slack_amount": 0.2}, "minimize")
    assert bandit is not None
    histories = {1: [1.0, 0.5], 2: [1.1, 0.8], 3: [1.3]}
    assert bandit.verdict(2, histories, 1) is None  # 1.1 is within 0.2 of 1.0
    assert "slack_amount 0.2" in str(bandit.verdict(3, histories, 1))  # 1.3 > 1.0 + 0.2
    assert bandit.verdict(2, histories, 2) is not None  # 0.8 > 0.5 + 0.2
    median = Policy.of({"type": "median_stopping"}, "maximize")
    assert median is not None
    runs = {1: [0.5, 0.7], 2: [0.1, 0.3], 3: [0.4, 0.9]}
    assert median.verdict(1, {1: [0.1]}, 1) is None  # nothing to compare with
    assert "median" in str(median.verdict(2, runs, 2))  # best 0.3 < median(0.6, 0.65)
    assert median.verdict(3, runs, 2) is None  # best 0.9
    truncation = Policy.of({"type": "truncation_selection", "truncation_percentage": 34}, "maximize")
    assert truncation is not None
    values = {1: [0.5], 2: [0.1], 3: [0.9]}
    assert [truncation.verdict(n, values, 1) is not None for n in (1, 2, 3)] == [False, True, False]
    assert truncation.verdict(1, {1: [0.1]}, 1) is None  # 34% of one trial is none
    delayed = Policy.of(
        {"type": "bandit", "slack_factor": 0.1, "evaluation_interval": 2, "delay_evaluation": 3}, "maximize"
    )
    assert delayed is not None
    assert [k for k in range(1, 9) if delayed.due(k)] == [4, 6, 8]
    assert Policy.of({}, "maximize") is None


@given(
    kind=st.sampled_from(["bandit", "median_stopping", "truncation_selection"]),
    goal=st.sampled_from(["maximize", "minimize"]),
    histories=st.lists(st.lists(st.floats(-100, 100), min_size=1, max_size=6), min_size=1, max_size=6),
    slack=st.floats(0, 2),
    percentage=st.integers(1, 99),
)
def test_a_policy_never_cancels_the_best_trial(
    kind: str, goal: str, histories: list[list[float]], slack: float, percentage: int
) -> None:
    """At any interval, the trial with the best value there (or the best values so far) runs on."""
    settings = {"slack_amount": slack} if kind == "bandit" else {"truncation_percentage": percentage}
    policy = Policy.of({"type": kind, **settings}, goal)
    assert policy is not None
    numbered = dict(enumerate(histories, start=1))
    pick = max if goal == "maximize" else min
    for interval in range(1, 7):
        reached = {n: h for n, h in numbered.items() if len(h) >= interval}
        if not reached:
            continue
        cut = interval
        scores = {n: pick(h[:cut]) if kind == "median_stopping" else h[cut - 1] for n, h in reached.items()}
        best = pick(reached, key=lambda n: (scores[n], -n if goal == "maximize" else n))
        assert policy.verdict(best, numbered, interval) is None
