"""Text and JSON for people and tools: the plan, the final table, the list of runs."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import Any

from azpipe.localrun.executor import StepResult, log_paths
from azpipe.localrun.planner import Plan
from azpipe.localrun.progress import seconds
from azpipe.localrun.record import pipeline_outputs
from azpipe.localrun.sweep import report_lines

TAIL_LINES = 10
TAIL_BYTES = 64 * 1024


def shown(path: str) -> str:
    """A path as people read it: relative to the current folder when it is below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def plan_text(plan: Plan, color: bool = False) -> str:
    """The plan: order, action with its reason, and the exact command of each step."""
    pipeline = plan.pipeline
    lines = [
        f"Plan for `{pipeline.name}` ({shown(pipeline.path)}): {len(plan.steps)} steps, "
        f"{plan.count('run')} to run, {plan.count('reuse')} to reuse",
        "",
    ]
    for number, step in enumerate(plan.steps.values(), start=1):
        action = _paint(step.action, "33" if step.action == "run" else "32", color)
        lines.append(f"{number}. {_paint(step.name, '1', color)}  {action}: {step.reason}")
        lines.extend(
            f"   {'$' if index == 0 else ' '} {line}"
            for index, line in enumerate(step.command.splitlines() or [""])
        )
    return "\n".join(lines)


def plan_json(plan: Plan) -> str:
    """The plan as JSON (``{"pipeline", "file", "steps": [...]}``)."""
    steps = [
        {
            "name": s.name,
            "action": s.action,
            "reason": s.reason,
            "command": s.command,
            "deps": list(s.deps),
            "key": s.key,
            "reused_from": s.reused_from,
            "inputs": {n: v.text for n, v in s.inputs.items()},
            "outputs": {n: slot.final for n, slot in s.outputs.items()},
        }
        for s in plan.steps.values()
    ]
    data = {"pipeline": plan.pipeline.name, "file": plan.pipeline.path, "steps": steps}
    return json.dumps(data, indent=2)


def summary(plan: Plan, results: Mapping[str, StepResult], status: str, elapsed: float) -> str:
    """The final table, what went wrong, where the outputs are, and one closing line."""
    lines = _table(plan, results)
    trials = [  # what the sweep steps' trials did (cancelled by the policy, failed...)
        line
        for name, r in results.items()
        if r.status != "reused"
        for line in report_lines(name, os.path.join(plan.run_dir, name))
    ]
    lines += ["", *trials] if trials else []
    for name, result in results.items():
        if result.status == "failed":
            lines += ["", *_failure(plan, name, result)]
    outputs = pipeline_outputs(plan) if status == "succeeded" else {}
    if outputs:
        lines += ["", "outputs:"] + [f"  {name}: {shown(path)}" for name, path in outputs.items()]
    lines += ["", _closing(plan, results, status, elapsed)]
    return "\n".join(lines)


def _table(plan: Plan, results: Mapping[str, StepResult]) -> list[str]:
    rows = [("step", "status", "duration", "cached")]
    for name, result in results.items():
        cached = f"yes (run {plan.steps[name].reused_from})" if result.status == "reused" else "no"
        rows.append((name, result.status, seconds(result.duration), cached))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}".rstrip() for a, b, c, d in rows]


def _failure(plan: Plan, name: str, result: StepResult) -> list[str]:
    step_dir = os.path.join(plan.run_dir, name)
    stderr = log_paths(step_dir)[1]
    lines = [f"step `{name}` failed ({result.message}); log: {shown(stderr)}"]
    source = plan.steps[name].code
    snapshot = os.path.join(step_dir, "code")
    return lines + [f"  | {to_source(line, snapshot, source)}" for line in tail(stderr)]


def to_source(line: str, snapshot: str, source: str | None) -> str:
    """``line`` with paths into the step's code snapshot shown as the source files people edit.

    A traceback names ``.azpipe/runs/<run>/<step>/code/train.py``; the file to fix
    is ``train.py`` in the step's ``code`` folder, of which the snapshot is a copy.
    """
    if source is None:
        return line
    target = shown(source)
    for prefix in dict.fromkeys((snapshot, os.path.realpath(snapshot))):
        line = line.replace(prefix + os.sep, target + os.sep)
    return line


def tail(path: str, count: int = TAIL_LINES) -> list[str]:
    """The last ``count`` lines of a log file (nothing if it cannot be read)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(max(0, os.path.getsize(path) - TAIL_BYTES))
            text = stream.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return text.rstrip("\n").splitlines()[-count:] if text.strip() else []


def _closing(plan: Plan, results: Mapping[str, StepResult], status: str, elapsed: float) -> str:
    counts: dict[str, int] = {}
    for result in results.values():
        counts[result.status] = counts.get(result.status, 0) + 1
    tally = ", ".join(f"{count} {state}" for state, count in counts.items())
    record = shown(os.path.join(plan.run_dir, "run.json"))
    return f"run {plan.run_id} {status} in {seconds(elapsed)} ({tally}); record: {record}"


STATUS_COLORS = {"succeeded": "32", "reused": "32", "failed": "31", "interrupted": "33", "abandoned": "33"}


def runs_text(records: list[dict[str, Any]], color: bool = False) -> str:
    """A table of runs, oldest first; with ``color``, each run's status coloured."""
    rows = [("run", "pipeline", "status", "started", "duration", "steps")]
    rows += [_run_row(record) for record in records]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)]
        if number and color:  # padded first, so colour codes do not count as width
            cells[2] = _paint(cells[2], STATUS_COLORS.get(row[2], "36"), True)
        lines.append("  ".join(cells) + "  " + row[5])
    return "\n".join(lines)


def _run_row(record: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    started = record.get("started")
    when = "-"
    if isinstance(started, (int, float)):
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started))
    steps = record.get("steps")
    if not isinstance(steps, dict):
        steps = {}
    counts: dict[str, int] = {}
    for step in steps.values():
        status = step.get("status", "?") if isinstance(step, dict) else "?"
        counts[status] = counts.get(status, 0) + 1
    duration = record.get("duration")
    return (
        str(record.get("run_id", "?")),
        str(record.get("pipeline", "?")),
        run_status(record),
        when,
        seconds(duration if isinstance(duration, (int, float)) else None),
        ", ".join(f"{count} {status}" for status, count in sorted(counts.items())),
    )


def run_status(record: dict[str, Any]) -> str:
    """A run's status; a ``running`` run whose azpipe process is gone is ``abandoned``."""
    status = str(record.get("status", "?"))
    pid = record.get("pid")
    if status == "running" and isinstance(pid, int) and not _alive(pid):
        return "abandoned"
    return status


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
