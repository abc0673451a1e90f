"""What ``azpipe submit``, ``status`` and ``cancel`` tell the user while they work.

Progress goes to standard error (results to standard output). On a terminal a
long wait shows a spinner with the elapsed time; elsewhere (CI logs) it prints
a start line, a "still …" line every 30 seconds and an end line. Every line is
passed through :func:`azpipe.submit.errors.redact`, and its control characters
are escaped (names from ``config.json``, the pipeline file or the service could
otherwise move the cursor, rewrite earlier lines or colour the terminal).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

from azpipe.report.text import printable
from azpipe.submit.errors import redact

SPINNER = "|/-\\"
TICK = 0.2  # seconds between spinner frames
QUIET_NOTE_EVERY = 30.0  # seconds between "still ..." lines when not on a terminal
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
STATE_COLORS = {"Completed": "32", "Failed": "31", "Canceled": "31", "NotResponding": "31"}


class Console:
    """Standard output for results, standard error for progress."""

    def __init__(self, out: TextIO, err: TextIO, tty: bool | None = None, color: bool = False) -> None:
        self.out = out
        self.err = err
        self.tty = err.isatty() if tty is None else tty
        self.color = color  # for diagnostics (standard error), or a job's state (standard output)

    def result(self, line: str, state: str | None = None) -> None:
        """A line of the command's result (standard output); ``state``, a job's status, ends it,
        coloured when colour is on (green: completed, red: failed or canceled, yellow: on its way)."""
        text = shown(line)
        if state is not None:
            code = STATE_COLORS.get(state, "33")
            text += f"\x1b[{code}m{shown(state)}\x1b[0m" if self.color else shown(state)
        print(text, file=self.out, flush=True)

    def note(self, line: str) -> None:
        """A progress line (standard error)."""
        print(shown(line), file=self.err, flush=True)

    def wait(self, poller: Any, doing: str, done: str) -> Any:
        """Wait for a long-running operation, showing progress; returns its result.

        ``doing`` is shown while waiting (``creating compute `x```), ``done`` after
        it (``created compute `x```), with the time it took.
        """
        start = time.monotonic()
        if self.tty:
            self._spin(poller, doing, start)
        else:
            self._quiet(poller, doing, start)
        result = poller.result()
        self.note(f"{done} in {elapsed(time.monotonic() - start)}")
        return result

    def _spin(self, poller: Any, doing: str, start: float) -> None:
        frame = 0
        try:
            while not poller.done():
                seconds = elapsed(time.monotonic() - start)
                self.err.write(f"\r{SPINNER[frame % len(SPINNER)]} {shown(doing)}… {seconds}  ")
                self.err.flush()
                frame += 1
                poller.wait(TICK)
        finally:
            self.err.write("\r\x1b[2K")
            self.err.flush()

    def _quiet(self, poller: Any, doing: str, start: float) -> None:
        self.note(f"{doing}…")
        next_note = start + QUIET_NOTE_EVERY
        while not poller.done():
            poller.wait(TICK * 5)
            if time.monotonic() >= next_note and not poller.done():
                self.note(f"still {doing} ({elapsed(time.monotonic() - start)})")
                next_note += QUIET_NOTE_EVERY


def shown(text: str) -> str:
    """``text`` redacted, with every control character but the line break escaped."""
    return "\n".join(printable(line) for line in redact(text).split("\n"))


def elapsed(seconds: float) -> str:
    """``42s`` or ``3m 05s``."""
    whole = round(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m {whole % 60:02d}s"


class _DropBlankLines(io.TextIOBase):
    """A stream that forwards only writes with visible text (colour codes and newlines dropped)."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        if _ANSI.sub("", text).strip():
            self.target.write(text)
        return len(text)

    def flush(self) -> None:
        self.target.flush()


@contextlib.contextmanager
def sdk_output(console: Console) -> Iterator[None]:
    """Around azure-ai-ml calls: off a terminal, drop the blank colour-reset lines it prints to stderr.

    (Its upload helper ends every upload with ``print(Fore.RESET + "\\n", file=sys.stderr)``.)
    """
    if console.tty:
        yield
        return
    with contextlib.redirect_stderr(_DropBlankLines(sys.stderr)):  # type: ignore[type-var]
        yield
