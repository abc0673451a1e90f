"""Sweeps run locally: ``--trials N`` sampled as the algorithm would, the metric read back, the best
trial's outputs passed downstream; ``plan`` lists the trials."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe as azpipe_api
from azpipe.diagnostics import Span
from azpipe.localrun.sweep import trial_values
from azpipe.localrun.sweep_driver import read_metric
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
