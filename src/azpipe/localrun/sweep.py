"""Sweep steps run locally: a few trials, sampled as the algorithm would, and the best one's outputs.

``azpipe run`` runs ``--trials N`` trials (default 3, at most ``max_total_trials``)
of a sweep step, up to ``max_concurrent_trials`` (and ``-j``) at once, in the step's folder: each with its sampled
search-space values in the command and outputs of its own
(``STEP/trials/N/OUTPUT``), and ``MLFLOW_TRACKING_URI`` set to a file store in its
folder (``trials/N/mlruns``), where ``mlflow.log_metric`` writes. The primary
metric each trial logged last is read back from that store (or, without MLflow,
from the JSON file ``$AZPIPE_SWEEP_METRICS`` the trial may write), and the best
trial's outputs become the step's, as Azure ML passes the best trial's outputs
downstream. The trials are run by :mod:`azpipe.localrun.sweep_driver`, a
standard-library script the step's shell starts with this Python.

Sampling: ``random`` draws from each distribution with the algorithm's ``seed``
(0 when unset, so a plan is the run it describes); ``grid`` enumerates the
choices in order (the first N combinations); ``bayesian`` needs the service's
model, so locally its trials are random draws (the plan says so). The
``early_termination`` policy is applied to the metric values each trial logs
while it runs (:class:`azpipe.localrun.sweep_driver.Policy`), and cancels trials
as Azure ML would; the plan names the policy.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
from dataclasses import replace
from typing import Any

from azpipe.localrun import sweep_driver
from azpipe.localrun.fingerprint import Fingerprint
from azpipe.localrun.render_command import RenderedCommand, UnsafeCommand, render
from azpipe.localrun.values import command_text
from azpipe.model import Distribution, Step, Sweep

DEFAULT_TRIALS = 3
DEFAULT_SEED = 0
TRIALS = "trials"


def trial_values(sweep: Sweep, types: dict[str, str | None], count: int) -> list[dict[str, Any]]:
    """The search-space values of the first ``count`` trials (fewer when a grid has fewer)."""
    count = min(count, sweep.limits.get("max_total_trials", count))
    if sweep.sampling_algorithm == "grid":
        names = list(sweep.search_space)
        grid = itertools.product(*(sweep.search_space[name].params.get("values", []) for name in names))
        return [dict(zip(names, values, strict=True)) for values in itertools.islice(grid, count)]
    seed = sweep.sampling.get("seed", DEFAULT_SEED)
    rng = random.Random(seed)
    return [
        {name: _typed(_draw(item, rng), types.get(name)) for name, item in sweep.search_space.items()}
        for _ in range(count)
    ]


def _draw(item: Distribution, rng: random.Random) -> Any:
    """One sample, as Azure ML defines each distribution (log ones are ``exp`` of their base)."""
    p = item.params
    kind = item.type
    if kind == "choice":
        return rng.choice(p["values"])
    if kind == "randint":
        return rng.randrange(p["upper"])
    if kind in ("uniform", "loguniform", "quniform", "qloguniform"):
        value = rng.uniform(p["min_value"], p["max_value"])
    else:
        value = rng.gauss(p["mu"], p["sigma"])
    if "log" in kind:
        value = math.exp(value)
    if kind.startswith("q"):
        value = round(value / p["q"]) * p["q"]
    return value


def _typed(value: Any, kind: str | None) -> Any:
    """An integer input gets an integer; floats are rounded to 10 significant digits for reading."""
    if kind == "integer" and isinstance(value, float):
        return round(value)
    if isinstance(value, float):
        return float(f"{value:.10g}")
    return value


def algorithm_note(sweep: Sweep, count: int) -> str:
    """The plan's first line for a sweep step: how its trials are chosen and judged."""
    algorithm = sweep.sampling_algorithm or "random"
    how = {
        "grid": "grid, in order",
        "bayesian": f"bayesian, sampled locally as random with seed {sweep.sampling.get('seed', DEFAULT_SEED)}",
    }.get(algorithm, f"random with seed {sweep.sampling.get('seed', DEFAULT_SEED)}")
    goal = "highest" if sweep.goal == "maximize" else "lowest"
    return f"sweep: {count} trial{'s' if count != 1 else ''} ({how}); best: {goal} `{sweep.primary_metric}`"


def concurrency(sweep: Sweep, jobs: int, count: int) -> int:
    """How many trials run at once: ``max_concurrent_trials`` and ``-j``, whichever is smaller."""
    limit = sweep.limits.get("max_concurrent_trials")
    found = min(jobs, limit) if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else jobs
    return max(1, min(found, count))


def policy_note(sweep: Sweep, at_once: int) -> str:
    """The plan's second line for a sweep step: how many trials run at once, and the policy."""
    line = f"{at_once} at once" if at_once > 1 else "one at a time"
    policy = dict(sweep.early_termination)
    kind = policy.pop("type", None)
    if not kind:
        return f"trials run {line}; no early termination"
    settings = ", ".join(f"{key} {value}" for key, value in policy.items())
    return f"trials run {line}; early termination: {kind}" + (f" ({settings})" if settings else "")


def sweep_command(
    step: Step,
    step_dir: str,
    inputs: dict[str, str | None],
    outputs: dict[str, tuple[str, str]],
    count: int,
    jobs: int = 1,
) -> RenderedCommand:
    """The script that runs the trials and keeps the best one's outputs.

    ``inputs`` are the step's input texts (the swept ones are replaced per trial);
    ``outputs`` map each output to its (type, path); up to ``jobs`` trials run at once
    (fewer when the sweep's ``max_concurrent_trials`` says so). Raises ``UnsafeCommand``
    as :func:`~azpipe.localrun.render_command.render` does.
    """
    assert step.sweep is not None and step.command is not None
    sweep = step.sweep
    types = {name: port.type for name, port in step.inputs.items()}
    trials = []
    sampled = trial_values(sweep, types, count)
    at_once = concurrency(sweep, jobs, len(sampled))
    display = [algorithm_note(sweep, count), policy_note(sweep, at_once)]
    for number, values in enumerate(sampled, start=1):
        folder = os.path.join(step_dir, TRIALS, str(number))
        texts = {**inputs, **{name: command_text(value) for name, value in values.items()}}
        paths = {name: _trial_path(folder, name, path, kind) for name, (kind, path) in outputs.items()}
        rendered = render(step.command, texts, paths)
        trials.append({"folder": folder, "script": rendered.script, "values": rendered.values,
                       "outputs": paths, "sampled": {k: command_text(v) for k, v in values.items()}})  # fmt: skip
        shown = ", ".join(f"{name}={command_text(value)}" for name, value in values.items())
        display += [f"trial {number}: {shown}", *("  " + line for line in rendered.display.splitlines())]
    spec = {
        "trials": trials,
        "metric": sweep.primary_metric,
        "goal": sweep.goal,
        "outputs": {name: {"type": kind, "path": path} for name, (kind, path) in outputs.items()},
        "trial_timeout": sweep.limits.get("trial_timeout"),
        "concurrency": at_once,
        "early_termination": sweep.early_termination,
    }
    values = {"AZPIPE_SWEEP_PYTHON": sweep_driver.python(), "AZPIPE_SWEEP_DRIVER": sweep_driver.__file__,
              "AZPIPE_SWEEP_SPEC": json.dumps(spec)}  # fmt: skip
    script = '"$AZPIPE_SWEEP_PYTHON" -I -S "$AZPIPE_SWEEP_DRIVER"'
    return RenderedCommand(script, values, "\n".join(display))


def plan_trials(
    planner: Any, step: Step, inputs: dict[str, Any], outputs: dict[str, Any], fingerprint: Fingerprint
) -> tuple[RenderedCommand, Fingerprint]:
    """The sweep step's command (its trials) and a fingerprint that also holds what they sample
    (``planner`` is the run's :class:`~azpipe.localrun.planner.Planner`; a problem goes to its list)."""
    assert step.sweep is not None
    step_dir = os.path.join(planner.plan.run_dir, step.name)
    texts = {name: value.text for name, value in inputs.items()}
    slots = {name: (slot.type, slot.path) for name, slot in outputs.items()}
    try:
        rendered = sweep_command(step, step_dir, texts, slots, planner.trials, planner.jobs)
    except UnsafeCommand as error:
        planner.problems.append(f"step `{step.name}`: {error}")
        return RenderedCommand("", {}, ""), fingerprint
    types = {name: port.type for name, port in step.inputs.items()}
    sampled = trial_values(step.sweep, types, planner.trials)
    what: dict[str, Any] = {"trials": sampled, "metric": step.sweep.primary_metric, "goal": step.sweep.goal}
    if step.sweep.early_termination:  # the policy decides which trials complete
        what["early_termination"] = step.sweep.early_termination
    key = fingerprint.command + "\nsweep:" + json.dumps(what, sort_keys=True, default=str)
    return rendered, replace(fingerprint, command=key)


def _trial_path(folder: str, name: str, final: str, kind: str) -> str:
    """A trial's own path for output ``name`` (a file output keeps its file name)."""
    if kind == "uri_file":
        return os.path.join(folder, name, os.path.basename(final))
    return os.path.join(folder, name)


def report_lines(step: str, step_dir: str) -> list[str]:
    """What the run's final report says of sweep step ``step``: its trials' fates (which were
    cancelled by the early termination policy and why, which failed) and the best one; nothing
    for a step that is not a sweep or did not run here (read from ``trials/summary.json``)."""
    try:
        with open(os.path.join(step_dir, TRIALS, "summary.json"), encoding="utf-8") as stream:
            data = json.load(stream)
        trials = list(data["trials"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    counts: dict[str, int] = {}
    for trial in trials:
        counts[trial["state"]] = counts.get(trial["state"], 0) + 1
    tally = ", ".join(f"{count} {state}" for state, count in counts.items())
    best = f"; best: trial {data['best']}" if data.get("best") else ""
    lines = [f"sweep `{step}`: {len(trials)} trial{'s' if len(trials) != 1 else ''}, {tally}{best}"]
    for trial in trials:
        if trial["state"] in ("cancelled", "failed", "timeout"):
            sampled = ", ".join(f"{k}={v}" for k, v in trial["sampled"].items())
            lines.append(f"  trial {trial['trial']} ({sampled}): {trial['reason']}")
    return lines
