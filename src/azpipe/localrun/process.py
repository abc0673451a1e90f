"""One step's process: ``/bin/sh -c COMMAND`` in its own process group.

Each step starts a new session, so Ctrl-C in the terminal reaches azpipe only,
and azpipe stops a step by signalling its whole process group (the shell, the
script and anything they started). When the shell exits, whatever it left
running in the group is killed too, as a container would be.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass

SHELL = "/bin/sh"
GRACE_SECONDS = 3.0


@dataclass
class StepProcess:
    """A running step."""

    name: str
    popen: subprocess.Popen[bytes]
    deadline: float | None = None  # monotonic time the step must end by
    kill_at: float | None = None  # monotonic time to escalate to SIGKILL
    stopped_because: str | None = None  # why azpipe stopped it (timeout, interrupt)

    def poll(self) -> int | None:
        """The exit code once the shell has exited (negative: killed by that signal)."""
        code = self.popen.poll()
        if code is not None:
            signal_group(self.popen.pid, signal.SIGKILL)  # leftovers of a finished step
        return code

    def stop(self, why: str, now: float | None = None) -> None:
        """Ask the process group to end (SIGTERM); it is killed after a grace period."""
        if self.stopped_because is None:
            self.stopped_because = why
            self.kill_at = (time.monotonic() if now is None else now) + GRACE_SECONDS
            signal_group(self.popen.pid, signal.SIGTERM)

    def escalate(self, now: float, force: bool = False) -> None:
        """SIGKILL the group once its grace period is over (or at once with ``force``)."""
        if self.kill_at is not None and (force or now >= self.kill_at):
            signal_group(self.popen.pid, signal.SIGKILL)
            self.kill_at = None


def spawn(
    command: str, cwd: str, env: dict[str, str], stdout_path: str, stderr_path: str
) -> subprocess.Popen[bytes]:
    """Start ``command`` with its output going to two log files."""
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        return subprocess.Popen(
            [SHELL, "-c", command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            close_fds=True,
        )


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to the process group led by ``pid``, if it still exists."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def describe_exit(code: int) -> str:
    """``exit code 1`` or ``killed by SIGKILL``."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
