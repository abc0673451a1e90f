"""``run.json``: the record of one run, rewritten each time a step changes status.

It holds the run's status and timings, the options it ran with, the pipeline
inputs it used, and for every step its decision, command, timings, exit code,
logs, and the paths of its inputs and outputs (enough to trace lineage).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from azpipe import __version__
from azpipe.expr.ast import RefKind
from azpipe.localrun.executor import StepResult, log_paths
from azpipe.localrun.inputs import InputValue
from azpipe.localrun.options import RunOptions
from azpipe.localrun.planner import Plan, PlannedStep
from azpipe.localrun.store import FORMAT, write_json
from azpipe.records import record


@record
class RunRecord:
    """The state of a run as ``run.json`` shows it."""

    plan: Plan
    options: RunOptions
    keep_going: bool
    status: str = "running"
    started: float = field(default_factory=time.time)
    ended: float | None = None

    @property
    def path(self) -> str:
        """Where ``run.json`` lives."""
        return os.path.join(self.plan.run_dir, "run.json")

    def save(self, results: Mapping[str, StepResult]) -> None:
        """Write ``run.json`` atomically."""
        write_json(self.path, self.to_json(results))

    def to_json(self, results: Mapping[str, StepResult]) -> dict[str, Any]:
        """The record as JSON-ready data."""
        plan = self.plan
        return {
            "format": FORMAT,
            "run_id": plan.run_id,
            "pipeline": plan.pipeline.name,
            "file": os.path.abspath(plan.pipeline.path),
            "status": self.status,
            "started": self.started,
            "ended": self.ended,
            "duration": None if self.ended is None else self.ended - self.started,
            "pid": os.getpid(),
            "azpipe": __version__,
            "python": sys.executable,
            "options": self._options(),
            "inputs": {name: _input(value) for name, value in plan.inputs.items()},
            "steps": {name: _step(plan, step, results[name]) for name, step in plan.steps.items()},
            "outputs": pipeline_outputs(plan),
        }

    def _options(self) -> dict[str, Any]:
        options = self.options
        return {
            "jobs": options.jobs,
            "continue_on_step_failure": self.keep_going,
            "force": options.force,
            "force_steps": list(options.force_steps),
            "set": options.sets,
            "input": options.inputs,
            "pass_env": [name.partition("=")[0] for name in options.pass_env],
            "allow_outside": options.allow_outside,
        }


def _input(value: InputValue) -> dict[str, Any]:
    found: dict[str, Any] = {"from": value.origin}
    if value.path is not None:
        found["path"] = value.path
    else:
        found["value"] = value.text
    return found


def _step(plan: Plan, step: PlannedStep, result: StepResult) -> dict[str, Any]:
    step_dir = os.path.join(plan.run_dir, step.name)
    stdout, stderr = log_paths(step_dir)
    ran = result.started is not None
    return {
        "status": result.status,
        "action": step.action,
        "reason": step.reason,
        "reused_from": step.reused_from,
        "key": step.key,
        "command": step.command,
        "code": step.code,
        "cwd": os.path.join(step_dir, "code") if ran else None,
        "deps": list(step.deps),
        "started": result.started,
        "ended": result.ended,
        "duration": result.duration,
        "exit_code": result.exit_code,
        "message": result.message,
        "logs": {"stdout": stdout, "stderr": stderr} if ran else None,
        "inputs": {name: _input(value) for name, value in step.inputs.items()},
        "outputs": {name: slot.final for name, slot in step.outputs.items()},
    }


def pipeline_outputs(plan: Plan) -> dict[str, str]:
    """Pipeline output → the local path of the step output it exposes."""
    found: dict[str, str] = {}
    for name, output in plan.pipeline.outputs.items():
        ref = output.binding.ref if output.binding else None
        step = plan.steps.get(ref.step or "") if ref and ref.kind is RefKind.STEP_OUTPUT else None
        slot = step.outputs.get(ref.name) if step and ref else None
        if slot is not None:
            found[name] = slot.final
    return found
