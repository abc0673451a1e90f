"""``azpipe plan`` and ``azpipe run`` end to end: load, plan, run, record, report."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from typing import TextIO

from azpipe.loading import load
from azpipe.localrun.env import step_environment
from azpipe.localrun.errors import RunRefused
from azpipe.localrun.executor import Executor, Settings
from azpipe.localrun.options import RunOptions
from azpipe.localrun.planner import Plan, PlannedStep, make_plan
from azpipe.localrun.progress import make_progress
from azpipe.localrun.record import RunRecord
from azpipe.localrun.report import plan_json, plan_text, summary
from azpipe.localrun.store import Store, folder_for
from azpipe.model import Pipeline
from azpipe.records import record
from azpipe.report.text import print_diagnostics

PLACEHOLDER_RUN = "<run-id>"
EXIT_CODES = {"succeeded": 0, "failed": 1, "interrupted": 130}


@record
class Console:
    """Where output goes, and whether it may be coloured."""

    out: TextIO
    err: TextIO
    color: bool = False  # for what goes to `out`
    err_color: bool = False  # for what goes to `err` (diagnostics): decided for that stream

    def refuse(self, command: str, problems: list[str]) -> int:
        """Print problems that stop a run before it starts; exit code 2."""
        for problem in problems:
            print(f"azpipe {command}: {problem}", file=self.err)
        return 2

    def warn(self, command: str, warnings: list[str]) -> None:
        """Print what was ignored (unreadable files in ``.azpipe``, untrusted cache entries)."""
        for warning in warnings:
            print(f"azpipe {command}: warning: {warning}", file=self.err)


def load_checked(path: str, command: str, console: Console) -> Pipeline | int:
    """The pipeline at ``path``, or an exit code after printing why it cannot be used."""
    if not os.path.isfile(path):
        what = "not a pipeline file" if os.path.exists(path) else "no such file"
        return console.refuse(command, [f"{what}: {path}"])
    pipeline = load(path)
    diagnostics = pipeline.check()
    if diagnostics:  # warnings too, as `azpipe check` shows them: a run must not hide them
        print_diagnostics(diagnostics, pipeline.sources, console.err_color)
    if not pipeline.ok:
        print(f"azpipe {command}: fix the errors above first", file=console.err)
        return 1
    return pipeline


def plan_command(path: str, options: RunOptions, console: Console, as_json: bool = False) -> int:
    """``azpipe plan``: print what a run would do; exit 0 (1 for a broken file, 2 if refused)."""
    pipeline = load_checked(path, "plan", console)
    if isinstance(pipeline, int):
        return pipeline
    store = Store(folder_for(path))
    try:
        run_dir = os.path.join(store.runs_dir, PLACEHOLDER_RUN)
        plan = make_plan(pipeline, options, store, PLACEHOLDER_RUN, run_dir)
    except RunRefused as refused:
        return console.refuse("plan", refused.problems)
    console.warn("plan", plan.warnings)
    print(plan_json(plan) if as_json else plan_text(plan, console.color), file=console.out)
    return 0


def run_command(path: str, options: RunOptions, console: Console, as_json: bool = False) -> int:
    """``azpipe run``: run the pipeline; exit 0, 1 (a step failed), 2 (refused) or 130 (interrupted)."""
    pipeline = load_checked(path, "run", console)
    if isinstance(pipeline, int):
        return pipeline
    store = Store(folder_for(path))
    run_id, run_dir = store.new_run_id()
    try:
        plan = make_plan(pipeline, options, store, run_id, run_dir)
    except RunRefused as refused:
        return console.refuse("run", refused.problems)
    console.warn("run", plan.warnings)
    store.create_run(run_id)
    print(environment_notice(), file=console.err)
    for name in options.pass_env:
        if "=" not in name and name not in os.environ:
            print(f"note: --pass-env {name}: not set in your environment, not passed", file=console.err)
    return _execute(plan, options, console, as_json)


def environment_notice() -> str:
    """The one line that says environments are not rebuilt."""
    return (
        f"note: `environment:` is not rebuilt locally; steps run with {sys.executable} "
        f"(Python {platform.python_version()}) and your PATH"
    )


def keep_going(pipeline: Pipeline, options: RunOptions) -> bool:
    """Whether steps that do not depend on a failed one still start."""
    if options.continue_on_failure is not None:
        return options.continue_on_failure
    return pipeline.continue_on_step_failure is not False


def _execute(plan: Plan, options: RunOptions, console: Console, as_json: bool) -> int:
    record = RunRecord(plan, options, keep_going(plan.pipeline, options))
    started = time.monotonic()
    progress = make_progress(console.err, plan)

    def environment(step: PlannedStep) -> dict[str, str]:
        return step_environment(step.variables, plan.run_dir, options.pass_env)

    settings = Settings(options.jobs, record.keep_going, environment)
    executor = Executor(plan, settings, progress, lambda: record.save(executor.results))
    record.save(executor.results)
    try:
        status = executor.run()
    finally:
        progress.close()
    record.status, record.ended = status, time.time()
    record.save(executor.results)
    if as_json:
        print(json.dumps(record.to_json(executor.results), indent=2), file=console.out)
    else:
        print(summary(plan, executor.results, status, time.monotonic() - started), file=console.out)
    return EXIT_CODES[status]
