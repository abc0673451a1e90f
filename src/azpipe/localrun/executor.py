"""Running a plan: independent steps in parallel, failures, timeouts and Ctrl-C.

A step starts when every step before it (data or ``after``) has succeeded or
was reused. A failed step's downstream steps are skipped; other steps go on
unless ``keep_going`` is off, in which case nothing new starts. Ctrl-C (or
SIGTERM, SIGHUP) stops every running step's process group and ends the run as
``interrupted``. Outputs are moved from ``outputs.partial`` to ``outputs`` with
``os.replace`` only when a step succeeds, and only then is it entered in the
cache, so a failed or interrupted step never leaves anything to reuse.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Protocol

from azpipe.localrun.planner import FINAL, PARTIAL, Plan, PlannedStep
from azpipe.localrun.process import StepProcess, describe_exit, private_environment, spawn
from azpipe.localrun.snapshot import copy_code
from azpipe.localrun.tree import make_read_only
from azpipe.records import record

POLL_SECONDS = 0.02
DONE_OK = ("succeeded", "reused")


@record
class StepResult:
    """What happened to one step."""

    status: str = "pending"  # pending running succeeded reused failed skipped interrupted
    started: float | None = None  # epoch seconds
    ended: float | None = None
    exit_code: int | None = None
    message: str = ""

    @property
    def duration(self) -> float | None:
        """Seconds the step ran."""
        return self.ended - self.started if self.started is not None and self.ended is not None else None


class Observer(Protocol):
    """Who hears about progress (the live view or plain lines)."""

    def changed(self, name: str, result: StepResult) -> None:
        """A step changed status."""

    def tick(self) -> None:
        """Called a few times a second while steps run."""


@record
class Settings:
    """How to run: parallelism, failure policy, and the environment of each step."""

    jobs: int
    keep_going: bool
    environment: Callable[[PlannedStep], dict[str, str]]


class Executor:
    """Runs the steps of a plan that are not reused."""

    def __init__(
        self, plan: Plan, settings: Settings, observer: Observer, on_change: Callable[[], None]
    ) -> None:
        self.plan = plan
        self.settings = settings
        self.observer = observer
        self.on_change = on_change
        self.results = {name: StepResult() for name in plan.steps}
        self.running: dict[str, StepProcess] = {}
        self.interrupts = 0
        self.failed_once = False

    def run(self) -> str:
        """Run to the end; returns the run's status (succeeded, failed or interrupted)."""
        for name, step in self.plan.steps.items():
            if step.action == "reuse":
                self._set(name, status="reused", message=f"from run {step.reused_from}")
        with _catch_signals(self._interrupt), private_environment():
            try:
                return self._loop()
            finally:
                for process in self.running.values():  # only after an internal error
                    process.kill()

    def _loop(self) -> str:
        while not self.interrupts and (self._schedule() or self.running):
            self._reap()
            self.observer.tick()
            time.sleep(POLL_SECONDS)
        if self.interrupts:
            self._stop_everything()
            return "interrupted"
        return "failed" if self.failed_once else "succeeded"

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        self.interrupts += 1

    def _set(self, name: str, **changes: object) -> None:
        result = self.results[name]
        for field_name, value in changes.items():
            setattr(result, field_name, value)
        self.observer.changed(name, result)
        self.on_change()

    def _schedule(self) -> bool:
        """Start what can start, skip what never will; True while steps are still pending."""
        for name, step in self.plan.steps.items():
            if self.results[name].status == "pending":
                self._consider(name, step)
        return any(result.status == "pending" for result in self.results.values())

    def _consider(self, name: str, step: PlannedStep) -> None:
        blocked = [d for d in step.deps if self.results[d].status not in (*DONE_OK, "pending", "running")]
        if blocked:
            self._set(name, status="skipped", message=f"upstream step `{blocked[0]}` did not succeed")
        elif self.failed_once and not self.settings.keep_going:
            self._set(name, status="skipped", message="not started: an earlier step failed")
        elif len(self.running) < self.settings.jobs and all(
            self.results[d].status in DONE_OK for d in step.deps
        ):
            self._start(name, step)

    def _start(self, name: str, step: PlannedStep) -> None:
        step_dir = os.path.join(self.plan.run_dir, name)
        self._set(name, status="running", started=time.time())
        try:
            popen = self._launch(step, step_dir)
        except OSError as error:
            self._fail(name, f"could not start: {error}")
            return
        deadline = time.monotonic() + step.timeout if step.timeout else None
        self.running[name] = StepProcess(name, popen, deadline)

    def _launch(self, step: PlannedStep, step_dir: str) -> subprocess.Popen[bytes]:
        os.makedirs(step_dir, exist_ok=True)
        code_dir = os.path.join(step_dir, "code")
        copy_code(step.code, code_dir)
        for slot in step.outputs.values():
            folder = slot.path if slot.type != "uri_file" else os.path.dirname(slot.path)
            os.makedirs(folder)
        os.makedirs(os.path.join(step_dir, PARTIAL), exist_ok=True)
        # The placeholder values come last: nothing the step declares can replace them.
        env = {**self.settings.environment(step), **step.values}
        return spawn(step.script, code_dir, env, *log_paths(step_dir))

    def _reap(self) -> None:
        now = time.monotonic()
        for name, process in list(self.running.items()):
            code = process.poll()
            if code is None:
                self._watch(process, now)
                continue
            del self.running[name]
            self._finished(name, code, process.stopped_because)

    def _watch(self, process: StepProcess, now: float) -> None:
        if process.deadline is not None and now >= process.deadline:
            process.stop(f"timed out after {self.plan.steps[process.name].timeout:g} s", now)
        process.escalate(now)

    def _finished(self, name: str, code: int, stopped_because: str | None) -> None:
        if code != 0 or stopped_because:
            self._fail(name, stopped_because or describe_exit(code), exit_code=code)
            return
        problem = self._publish(self.plan.steps[name])
        if problem:
            self._fail(name, problem, exit_code=code)
        else:
            self._set(name, status="succeeded", ended=time.time(), exit_code=0)

    def _fail(self, name: str, message: str, exit_code: int | None = None) -> None:
        self.failed_once = True
        self._set(name, status="failed", ended=time.time(), exit_code=exit_code, message=message)

    def _publish(self, step: PlannedStep) -> str | None:
        """Check the outputs, move them into place and enter the step in the cache."""
        problem = _output_problem(step)
        if problem:
            return problem
        step_dir = os.path.join(self.plan.run_dir, step.name)
        try:
            os.replace(os.path.join(step_dir, PARTIAL), os.path.join(step_dir, FINAL))
            make_read_only(os.path.join(step_dir, FINAL))  # later steps must not edit cached outputs
            _remember(self.plan, step)
        except OSError as error:
            return f"could not store its outputs: {error}"
        return None

    def _stop_everything(self) -> None:
        """Stop every running step (SIGTERM, then SIGKILL after the grace period or a second Ctrl-C)."""
        for process in self.running.values():
            process.stop("interrupted")
        while self.running:
            self._reap_stopped(time.monotonic())
            time.sleep(POLL_SECONDS)
        for name, result in self.results.items():
            if result.status == "pending":
                self._set(name, status="skipped", message="not started: the run was interrupted")

    def _reap_stopped(self, now: float) -> None:
        for name, process in list(self.running.items()):
            process.escalate(now, force=self.interrupts > 1)
            if process.poll() is not None:
                del self.running[name]
                self._set(
                    name, status="interrupted", ended=time.time(), message="stopped by the interruption"
                )


def log_paths(step_dir: str) -> tuple[str, str]:
    """A step's ``stdout.log`` and ``stderr.log``."""
    return os.path.join(step_dir, "stdout.log"), os.path.join(step_dir, "stderr.log")


def _output_problem(step: PlannedStep) -> str | None:
    for slot in step.outputs.values():
        folder = slot.path if slot.type != "uri_file" else os.path.dirname(slot.path)
        if os.path.islink(folder) or os.path.islink(slot.path):
            return f"output `{slot.name}` was replaced by a symbolic link"
        if slot.type == "uri_file" and not os.path.isfile(slot.path):
            return f"did not write its uri_file output `{slot.name}` ({os.path.basename(slot.path)})"
    return None


def _remember(plan: Plan, step: PlannedStep) -> None:
    store = plan.store
    outputs = {name: store.relative(slot.final) for name, slot in step.outputs.items()}
    store.save_entry(
        step.key,
        {
            "run_id": plan.run_id,
            "step": step.name,
            "pipeline": plan.pipeline.name,
            "command": step.command,
            "outputs": outputs,
            "created": time.time(),
        },
    )
    store.save_latest(
        plan.pipeline.name,
        step.name,
        {"key": step.key, "run_id": plan.run_id, "fingerprint": step.fingerprint.to_json()},
    )


@contextmanager
def _catch_signals(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """Route SIGINT, SIGTERM and SIGHUP to ``handler`` (only possible in the main thread).

    SIGINT and SIGTERM are caught even when azpipe started with them ignored (a
    shell script's ``azpipe run &`` ignores SIGINT): an explicit ``kill -INT``
    must still stop the steps cleanly. SIGHUP ignored by ``nohup`` stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        wanted.append(signal.SIGHUP)
    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
