"""The launcher between azpipe and a step's shell (Linux): it owns every process the step starts.

azpipe runs ``python -I -S launcher.py AZPIPE_PID -- /bin/sh -c COMMAND`` in a new
session, with the step's environment as the launcher's own (so ``/proc/$PPID/environ``
seen from the step holds nothing the step was not given). The launcher:

- is a *child subreaper* (``PR_SET_CHILD_SUBREAPER``): a process the step puts in
  another session (``setsid``) or orphans (a double fork) is re-parented to the
  launcher instead of init, so every process the step started stays below it and
  can be found and killed;
- gets ``SIGTERM`` when azpipe dies (``PR_SET_PDEATHSIG``), even from ``kill -9``;
- on ``SIGTERM`` sends ``SIGTERM`` to every process below it and ``SIGKILL`` after
  the grace period; on ``SIGUSR1`` sends ``SIGKILL`` at once;
- when the shell exits, kills whatever the step left running, waits for all of it,
  and then ends the way the shell ended (same exit code, or killed by the same signal).

It runs with ``-I -S`` and imports only the standard library, so nothing in the
step's environment (``PYTHONPATH``...) or the working directory changes its code.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import sys
from types import FrameType

PR_SET_PDEATHSIG = 1
PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 3.0
STOP = signal.SIGTERM  # stop the step: SIGTERM to all of it, SIGKILL after the grace period
KILL = signal.SIGUSR1  # kill the step at once
# What the launcher ignores: none of these should end it before the step's processes are gone.
IGNORED = (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR2, signal.SIGPIPE, signal.SIGTSTP)


def prctl(option: int, value: int = 0) -> int:
    """Call Linux ``prctl(option, value)``; -1 where it fails or does not exist."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0))
    except (OSError, AttributeError):
        return -1


def available() -> bool:
    """Whether this system can run steps under the launcher (Linux with ``prctl``)."""
    return sys.platform.startswith("linux") and prctl(PR_GET_DUMPABLE) >= 0


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (children, their children...), read from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent_of(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _parent_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return None  # gone meanwhile
    # The command name is in parentheses and may hold anything: read after the last one.
    fields = text[text.rfind(b")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def signal_all(sig: int) -> None:
    """Send ``sig`` to every process below the launcher."""
    for pid in descendants(os.getpid()):
        with contextlib.suppress(OSError):  # already gone, or not ours to signal
            os.kill(pid, sig)


class Launcher:
    """Runs one command and owns its whole process tree."""

    def __init__(self, parent: int, argv: list[str]) -> None:
        self.parent = parent
        self.argv = argv
        self.stopping = False

    def on_stop(self, signum: int, frame: FrameType | None) -> None:
        """SIGTERM: ask every process of the step to end; kill them after the grace period."""
        if not self.stopping:
            self.stopping = True
            signal.setitimer(signal.ITIMER_REAL, GRACE_SECONDS)
        signal_all(signal.SIGTERM)

    def on_kill(self, signum: int, frame: FrameType | None) -> None:
        """SIGUSR1 or the end of the grace period: kill every process of the step."""
        self.stopping = True
        signal_all(signal.SIGKILL)

    def run(self) -> int:
        """Run the command; its wait status as an exit code (negative: killed by that signal)."""
        for sig in IGNORED:
            signal.signal(sig, signal.SIG_IGN)
        signal.signal(STOP, self.on_stop)
        signal.signal(KILL, self.on_kill)
        signal.signal(signal.SIGALRM, self.on_kill)
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        prctl(PR_SET_PDEATHSIG, STOP)
        if os.getppid() != self.parent or self.stopping:
            return -STOP  # azpipe died (or stopped the step) before the step could start
        shell = _spawn(self.argv)
        code = self._wait_for(shell)
        _reap_everything()
        return code

    def _wait_for(self, shell: int) -> int:
        # Reaps adopted orphans as they end, so they never linger as zombies.
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == shell:
                return os.waitstatus_to_exitcode(status)


def _spawn(argv: list[str]) -> int:
    """Start ``argv`` as the launcher's child with every signal at its default and none blocked.

    A plain fork (the launcher has one thread): ``posix_spawn`` would leave the C
    library's internal signals ignored in the step.
    """
    pid = os.fork()
    if pid:
        return pid
    try:
        for sig in signal.valid_signals():
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.execv(argv[0], argv)
    except OSError as error:
        print(f"azpipe: could not start the step: {error}", file=sys.stderr, flush=True)
    os._exit(127)


def _reap_everything() -> None:
    """Kill what the step left running and wait for all of it (orphans come to the launcher)."""
    while True:
        signal_all(signal.SIGKILL)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def end_like(code: int) -> None:
    """Exit with ``code``, or die of the signal ``-code`` as the shell did."""
    if code >= 0:
        sys.stdout.flush()
        os._exit(code)
    sig = -code
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the step already dumped core if it wanted to
    if sig not in (signal.SIGKILL, signal.SIGSTOP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)  # a signal that does not end a process by default


def main(argv: list[str]) -> None:
    """``launcher.py AZPIPE_PID -- COMMAND...``."""
    if len(argv) < 3 or argv[1] != "--" or not argv[0].isdigit():
        print("usage: launcher.py AZPIPE_PID -- COMMAND...", file=sys.stderr)
        os._exit(2)
    try:
        code = Launcher(int(argv[0]), argv[2:]).run()
    except OSError as error:
        print(f"azpipe: could not start the step: {error}", file=sys.stderr)
        code = 127
    end_like(code)


if __name__ == "__main__":
    main(sys.argv[1:])
