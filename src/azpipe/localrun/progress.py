"""Progress while a run goes: a live view on a terminal, plain lines otherwise (CI, pipes).

Both write to a stream (stderr); the final table is ``report.summary``'s job.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import TextIO

from azpipe.localrun.executor import StepResult
from azpipe.localrun.planner import Plan

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
MARKS = {"pending": "·", "succeeded": "✓", "reused": "↺", "failed": "✗", "skipped": "-", "interrupted": "!"}
ASCII_SPINNER = "|/-\\"
ASCII_MARKS = {
    "pending": ".",
    "succeeded": "+",
    "reused": "=",
    "failed": "x",
    "skipped": "-",
    "interrupted": "!",
}
REDRAW_SECONDS = 0.1


def seconds(value: float | None) -> str:
    """``0.4 s``, ``12 s``, ``3 min 5 s``; ``-`` for nothing."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value:.2f} s"
    if value < 10:
        return f"{value:.1f} s"
    if value < 60:
        return f"{value:.0f} s"
    return f"{int(value // 60)} min {int(value % 60)} s"


class PlainProgress:
    """One line per status change, with the time since the run started."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.start = time.monotonic()

    def changed(self, name: str, result: StepResult) -> None:
        """Print the change."""
        elapsed = time.monotonic() - self.start
        print(f"[{elapsed:7.1f} s] {name}: {describe(result)}", file=self.stream, flush=True)

    def tick(self) -> None:
        """Nothing to do between changes."""

    def close(self) -> None:
        """Nothing to clean up."""


def describe(result: StepResult) -> str:
    """A step's status in a few words."""
    if result.status == "running":
        return "started"
    if result.status == "succeeded":
        return f"succeeded in {seconds(result.duration)}"
    return f"{result.status}" + (f" ({result.message})" if result.message else "")


class LiveProgress:
    """A block of one line per step, redrawn in place a few times a second."""

    def __init__(self, stream: TextIO, plan: Plan) -> None:
        self.stream = stream
        self.names = list(plan.steps)
        self.results: dict[str, StepResult] = {name: StepResult() for name in self.names}
        self.width = max(len(name) for name in self.names) if self.names else 0
        self.drawn = 0
        self.last = 0.0
        fancy = _can_encode(stream, SPINNER + "".join(MARKS.values()))
        self.spinner, self.marks = (SPINNER, MARKS) if fancy else (ASCII_SPINNER, ASCII_MARKS)

    def changed(self, name: str, result: StepResult) -> None:
        """Remember the change and redraw."""
        self.results[name] = result
        self._draw()

    def tick(self) -> None:
        """Redraw (for spinners and clocks), at most every ``REDRAW_SECONDS``."""
        if time.monotonic() - self.last >= REDRAW_SECONDS:
            self._draw()

    def close(self) -> None:
        """Erase the block: the summary table takes its place."""
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F\x1b[J")
            self.stream.flush()
        self.drawn = 0

    def _draw(self) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns - 1
        lines = [self._row(name)[:columns] for name in self.names]
        up = f"\x1b[{self.drawn}F" if self.drawn else ""
        self.stream.write(up + "".join(f"\x1b[2K{line}\n" for line in lines))
        self.stream.flush()
        self.drawn = len(lines)
        self.last = time.monotonic()

    def _row(self, name: str) -> str:
        result = self.results[name]
        if result.status == "running":
            frame = self.spinner[int(time.monotonic() * 10) % len(self.spinner)]
            running = time.time() - (result.started or time.time())
            return f" {frame} {name:<{self.width}}  running  {seconds(running)}"
        mark = self.marks.get(result.status, "?")
        status = "waiting" if result.status == "pending" else describe(result)
        return f" {mark} {name:<{self.width}}  {status}"


def make_progress(stream: TextIO, plan: Plan) -> PlainProgress | LiveProgress:
    """The live view on a terminal tall enough for it, plain lines otherwise."""
    rows = shutil.get_terminal_size((80, 24)).lines
    live = stream.isatty() and os.environ.get("TERM") != "dumb" and len(plan.steps) < rows - 1
    return LiveProgress(stream, plan) if live else PlainProgress(stream)


def _can_encode(stream: TextIO, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
