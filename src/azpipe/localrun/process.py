"""One step's process tree, and how azpipe stops it.

On Linux a step runs under the launcher (``launcher.py``): azpipe starts
``python -I -S launcher.py AZPIPE_PID -- /bin/sh -c COMMAND`` in a new session,
and the launcher owns every process the step starts, even one that leaves the
session (``setsid``) or is orphaned; it kills them all when the shell exits, when
azpipe stops the step, and when azpipe itself dies (``kill -9`` too). azpipe talks
to the launcher only: SIGTERM to stop, SIGUSR1 to kill at once; the launcher's
process group gets SIGKILL only if the launcher does not answer.

Elsewhere (no ``prctl``) the shell itself starts a new session, and azpipe
signals its process group: what leaves the group is out of reach there.

While steps run, azpipe is not dumpable (``PR_SET_DUMPABLE``), so a step running
as the same user cannot read azpipe's environment (``/proc/PID/environ``) or memory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import field

from azpipe.localrun import launcher
from azpipe.records import record

SHELL = "/bin/sh"
GRACE_SECONDS = launcher.GRACE_SECONDS
ANSWER_SECONDS = 2.0  # how long the launcher may take to kill its tree before azpipe kills the group
USE_LAUNCHER = launcher.available()


@record
class StepProcess:
    """A running step: the launcher (Linux) or the shell (elsewhere), leader of its process group."""

    name: str
    popen: subprocess.Popen[bytes]
    deadline: float | None = None  # monotonic time the step must end by
    kill_at: float | None = None  # monotonic time to escalate to SIGKILL
    stopped_because: str | None = None  # why azpipe stopped it (timeout, interrupt)
    backstop_at: float | None = None  # monotonic time to SIGKILL the group if the launcher is still there
    launched: bool = field(default_factory=lambda: USE_LAUNCHER)  # how it was spawned

    def poll(self) -> int | None:
        """The exit code once the step has ended (negative: killed by that signal)."""
        code = self.popen.poll()
        if code is not None:
            signal_group(self.popen.pid, signal.SIGKILL)  # leftovers in the group
        return code

    def stop(self, why: str, now: float | None = None) -> None:
        """Ask every process of the step to end (SIGTERM); they are killed after a grace period."""
        if self.stopped_because is None:
            self.stopped_because = why
            self.kill_at = (time.monotonic() if now is None else now) + GRACE_SECONDS
            self._send(launcher.STOP, signal.SIGTERM)

    def escalate(self, now: float, force: bool = False) -> None:
        """SIGKILL the step once its grace period is over (or at once with ``force``)."""
        if self.kill_at is not None and (force or now >= self.kill_at):
            self.kill(now)
        elif self.backstop_at is not None and now >= self.backstop_at:
            signal_group(self.popen.pid, signal.SIGKILL)  # the launcher did not answer
            self.backstop_at = None

    def kill(self, now: float | None = None) -> None:
        """Kill every process of the step at once."""
        self.kill_at = None
        self._send(launcher.KILL, signal.SIGKILL)
        if self.launched:
            self.backstop_at = (time.monotonic() if now is None else now) + ANSWER_SECONDS

    def _send(self, to_launcher: signal.Signals, to_group: signal.Signals) -> None:
        if self.launched:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(to_launcher)
        else:
            signal_group(self.popen.pid, to_group)


def spawn(
    command: str, cwd: str, env: dict[str, str], stdout_path: str, stderr_path: str
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a new session with its output going to two log files.

    ``env`` is the whole environment of the launcher and the shell: nothing of
    azpipe's own environment reaches them.
    """
    argv = [SHELL, "-c", command]
    if USE_LAUNCHER:
        argv = [sys.executable, "-I", "-S", launcher.__file__, str(os.getpid()), "--", *argv]
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        return subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            close_fds=True,
        )


@contextlib.contextmanager
def private_environment() -> Iterator[None]:
    """Keep azpipe's environment and memory from steps of the same user while the block runs.

    A non-dumpable process's ``/proc/PID`` files belong to root, and reading its
    ``environ`` or ``mem`` needs ``CAP_SYS_PTRACE``. The previous setting comes back
    afterwards (it matters only to a caller that runs azpipe in-process).
    """
    # 2 (root-only core dumps) is already protected and could not be set back.
    dumpable = launcher.prctl(launcher.PR_GET_DUMPABLE) == 1
    if dumpable:
        launcher.prctl(launcher.PR_SET_DUMPABLE, 0)
    try:
        yield
    finally:
        if dumpable:
            launcher.prctl(launcher.PR_SET_DUMPABLE, 1)


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
