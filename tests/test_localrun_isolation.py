"""What a step can reach: no secret of azpipe's, and no process that outlives the step.

Secrets: a canary (``AZURE_CLIENT_SECRET=canary-...``) is in azpipe's environment;
the step reads ``/proc/$PPID/environ``, walks up all its ancestors and scans every
``/proc/*/environ``. Its parent is the launcher, whose environment is the step's;
azpipe above it is not dumpable, so a step of the same (non-root) user cannot read
it. Root reads every process's environment whatever azpipe does, so when the tests
run as root, the same-user case runs azpipe as ``nobody`` through ``setpriv``, with a
dumpable decoy process holding the canary to show the step could read it otherwise.

Processes: a step that starts ``setsid sleep`` (a new session), double forks,
ignores SIGTERM or uses ``nohup`` leaves nothing behind when it ends, on Ctrl-C, and
when azpipe is killed with SIGKILL. ``AZPIPE_LONG=1`` runs the property test longer.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azpipe.localrun import launcher, process
from azpipe.localrun.process import StepProcess, describe_exit, private_environment, spawn
from tests.fixtures.localrun.support import azpipe, last_run, make_pipeline

ROOT = Path(__file__).resolve().parent.parent
LONG = os.environ.get("AZPIPE_LONG") == "1"
NOBODY = 65534
linux_only = pytest.mark.skipif(not launcher.available(), reason="the launcher needs Linux prctl")

LOOK = r"""
import json, os, sys

CANARY = open("canary.txt").read()


def environ(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError as error:
        return type(error).__name__


def parent(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        text = f.read()
    return int(text[text.rfind(b")") + 2 :].split()[1])


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode("utf-8", "replace")


ancestors, pid = [], os.getppid()
while pid > 1:
    seen = environ(pid)
    ancestors.append({"pid": pid, "cmdline": cmdline(pid), "environ": seen,
                      "uid": os.stat(f"/proc/{pid}/environ").st_uid, "canary": CANARY in seen})
    pid = parent(pid)
everywhere = [int(p) for p in os.listdir("/proc") if p.isdigit() and CANARY in environ(p)]
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "seen.json"), "w") as f:
    json.dump({"self": CANARY in environ("self"), "ancestors": ancestors, "everywhere": everywhere}, f)
"""
LOOK_BODY = """
steps:
  look:
    code: src
    command: python3 look.py ${{outputs.out}}
"""


def canary() -> str:
    return f"canary-{uuid.uuid4().hex}"


def look_pipeline(folder: Path, secret: str) -> Path:
    """A step that looks for ``secret`` in every environment it can read (told through a file)."""
    path = make_pipeline(folder, LOOK_BODY)
    (folder / "src").mkdir()
    (folder / "src" / "look.py").write_text(LOOK)
    (folder / "src" / "canary.txt").write_text(secret)
    return path


def seen_by_step(path: Path) -> dict[str, object]:
    out = Path(last_run(path)["steps"]["look"]["outputs"]["out"])
    result: dict[str, object] = json.loads((out / "seen.json").read_text())
    return result


def run_azpipe(path: Path, secret: str, prefix: list[str], python: str, extra_env: dict[str, str]) -> None:
    env = {**os.environ, **extra_env, "AZURE_CLIENT_SECRET": secret}
    command = [*prefix, python, "-m", "azpipe", "run", str(path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@linux_only
def test_the_step_parent_is_the_launcher_and_holds_no_secret(tmp_path: Path) -> None:
    secret = canary()
    path = look_pipeline(tmp_path / "p", secret)
    run_azpipe(path, secret, [], sys.executable, {"PYTHONPATH": str(ROOT / "src")})
    seen = seen_by_step(path)
    assert seen["self"] is False
    ancestors = seen["ancestors"]
    assert isinstance(ancestors, list)
    # The script's parent is the shell, the shell's is the launcher, the launcher's is azpipe.
    commands = [entry["cmdline"] for entry in ancestors]
    assert commands[0].startswith("/bin/sh -c python3 look.py")
    assert "launcher.py" in commands[1] and "azpipe run" in commands[2], commands
    for below_azpipe in ancestors[:2]:
        assert "PATH=" in below_azpipe["environ"], "the step could not read it: the test proves nothing"
        assert "AZURE_CLIENT_SECRET" not in below_azpipe["environ"]
        assert below_azpipe["canary"] is False


def unprivileged() -> tuple[list[str], str, dict[str, str]]:
    """How to run azpipe as a user without special rights: (prefix, interpreter, extra environment)."""
    if os.geteuid() != 0:
        return [], sys.executable, {"PYTHONPATH": str(ROOT / "src")}
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot try a same-user step")
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    paths = os.pathsep.join([str(ROOT / "src"), sysconfig.get_paths()["purelib"]])
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, shutil.which(version), "/usr/bin/python3"):
        if python and _works(prefix, python, paths):
            # Only folders nobody can read, so that `python3` in the step is found.
            return prefix, python, {"PYTHONPATH": paths, "PATH": os.defpath}
    pytest.skip("no interpreter that user nobody can run with azpipe's dependencies")


def _works(prefix: list[str], python: str, paths: str) -> bool:
    # The interpreter must also be able to start itself again (the launcher).
    code = "import azpipe.cli.main, subprocess, sys; subprocess.run([sys.executable, '-c', '0'], check=True)"
    probe = [*prefix, python, "-c", code]
    env = {**os.environ, "PYTHONPATH": paths}
    return subprocess.run(probe, env=env, capture_output=True, cwd="/", check=False).returncode == 0


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder outside root's private temporary folder, owned by the user the test runs azpipe as."""
    folder = Path(tempfile.mkdtemp(prefix="azpipe-isolation-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def give_to_nobody(folder: Path) -> None:
    if os.geteuid() == 0:
        for place, dirs, files in os.walk(folder):
            for name in [".", *dirs, *files]:
                os.chown(os.path.join(place, name), NOBODY, NOBODY)


@linux_only
def test_a_step_of_the_same_user_cannot_read_azpipe_s_environment(shared_folder: Path) -> None:
    prefix, python, extra = unprivileged()
    secret = canary()
    path = look_pipeline(shared_folder / "p", secret)
    give_to_nobody(shared_folder)
    # A dumpable process of the same user holding the canary: the step must be able to read it.
    decoy = subprocess.Popen(
        [*prefix, python, "-c", "import time; time.sleep(120)"],
        env={**os.environ, "AZURE_CLIENT_SECRET": secret},
        cwd="/",
    )
    try:
        run_azpipe(path, secret, prefix, python, extra)
    finally:
        decoy.kill()
        decoy.wait()
    seen = seen_by_step(path)
    assert seen["everywhere"] == [decoy.pid], "the canary was readable outside the decoy"
    ancestors = seen["ancestors"]
    assert isinstance(ancestors, list)
    assert not any(entry["canary"] for entry in ancestors)
    azpipe_process = next(entry for entry in ancestors if "azpipe run" in entry["cmdline"])
    assert azpipe_process["environ"] == "PermissionError"
    assert azpipe_process["uid"] == 0  # a non-dumpable process's /proc entries belong to root


@linux_only
def test_azpipe_is_not_dumpable_while_steps_run_and_is_afterwards() -> None:
    assert launcher.prctl(launcher.PR_GET_DUMPABLE) == 1
    with private_environment():
        assert launcher.prctl(launcher.PR_GET_DUMPABLE) == 0
    assert launcher.prctl(launcher.PR_GET_DUMPABLE) == 1


# --- processes -------------------------------------------------------------------------------


def sleeper() -> str:
    """A ``sleep`` argument no other process uses, to find every copy of it in ``/proc``."""
    return f"{1000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**9:09d}"


def holding(token: str) -> list[int]:
    """Live processes whose command line names ``token``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if token.encode() in f.read().split(b"\0"):
                    found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


def gone(token: str, seconds: float = 10.0) -> list[int]:
    """Wait up to ``seconds`` for every process naming ``token`` to end; the survivors."""
    deadline = time.monotonic() + seconds
    while holding(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    return holding(token)


ESCAPES = 5


def escapes(token: str) -> str:
    """Shell lines that start ``sleep TOKEN`` every way a process can leave its step.

    Each one writes its pid to ``$1/started`` before it becomes ``sleep TOKEN``.
    """
    inner = 'echo $$ >> "$0/started"; exec sleep ' + token
    sleep = f'sh -c {shlex.quote(inner)} "$1"'
    return "\n".join(
        [
            f"setsid {sleep} &",
            f"setsid -f {sleep}",
            f"(setsid {sleep} &)",
            f"nohup setsid {sleep} >/dev/null 2>&1 &",
            f"(trap '' TERM HUP INT; exec setsid {sleep}) &",
        ]
    )


def escaping_pipeline(folder: Path, token: str, then: str) -> Path:
    """A step that starts the escapes, waits until they all run, then does ``then``."""
    wait = f'while [ "$(cat "$1/started" 2>/dev/null | wc -l)" -lt {ESCAPES} ]; do sleep 0.02; done'
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "escape.sh").write_text(f'{escapes(token)}\n{wait}\n: > "$1/ready"\n{then}\n')
    body = "steps:\n  escape:\n    code: src\n    command: sh escape.sh ${{outputs.out}}\n"
    return make_pipeline(folder, body)


def start_azpipe(path: Path, ignore_sigint: bool = False) -> subprocess.Popen[str]:
    def dispositions() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_sigint else signal.SIG_DFL)

    return subprocess.Popen(
        [sys.executable, "-m", "azpipe", "run", str(path)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=dispositions,
    )


def wait_until_ready(folder: Path, token: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not list(folder.glob(".azpipe/runs/*/escape/outputs.partial/out/ready")):
        assert time.monotonic() < deadline, "the step never got ready"
        time.sleep(0.05)
    while len(holding(token)) < ESCAPES + 1:  # and the step's own sleep
        assert time.monotonic() < deadline, f"only {holding(token)} started"
        time.sleep(0.05)


@linux_only
def test_processes_that_left_the_session_die_on_ctrl_c(tmp_path: Path) -> None:
    token = sleeper()
    path = escaping_pipeline(tmp_path / "p", token, f"sleep {token}")
    run = start_azpipe(path)
    try:
        wait_until_ready(path.parent, token)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode == 130, err
    assert gone(token) == [], "a step's process survived Ctrl-C"


@linux_only
def test_processes_that_left_the_session_die_when_the_step_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = sleeper()
    path = escaping_pipeline(tmp_path / "p", token, "exit 0")
    code, _, err = azpipe(capsys, "run", path)
    assert code == 0, err
    assert holding(token) == [], "a step's process outlived the step"


@linux_only
def test_steps_die_when_azpipe_is_killed(tmp_path: Path) -> None:
    token = sleeper()
    path = escaping_pipeline(tmp_path / "p", token, f"sleep {token}")
    run = start_azpipe(path)
    try:
        wait_until_ready(path.parent, token)
        run.kill()
        run.communicate(timeout=30)
    finally:
        run.kill()
    # SIGTERM at once, SIGKILL after the grace period for the one that ignores SIGTERM.
    assert gone(token, seconds=launcher.GRACE_SECONDS + 10) == [], "a step outlived a killed azpipe"


@linux_only
def test_steps_get_default_signal_handling_whatever_azpipe_inherited(tmp_path: Path) -> None:
    logs = tmp_path / "out.log", tmp_path / "err.log"
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        popen = spawn("grep SigIgn /proc/$$/status", str(tmp_path), {"PATH": os.defpath}, *map(str, logs))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert popen.wait(timeout=30) == 0
    assert logs[0].read_text().split() == ["SigIgn:", "0" * 16]


@linux_only
@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("true", "exit code 0"),
        ("exit 3", "exit code 3"),
        ("exit 255", "exit code 255"),
        ("kill -KILL $$", "killed by SIGKILL"),
        ("kill -USR2 $$", "killed by SIGUSR2"),
        ("kill -TERM $$", "killed by SIGTERM"),
    ],
)
def test_the_launcher_ends_as_the_shell_ended(tmp_path: Path, command: str, expected: str) -> None:
    logs = str(tmp_path / "out.log"), str(tmp_path / "err.log")
    popen = spawn(command, str(tmp_path), {"PATH": os.defpath}, *logs)
    assert describe_exit(popen.wait(timeout=30)) == expected
    assert Path(logs[1]).read_text() == ""


def test_without_the_launcher_the_shell_runs_in_its_own_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(process, "USE_LAUNCHER", False)
    body = "steps:\n  a:\n    command: echo $PPID > ${{outputs.out}}/parent\n"
    path = make_pipeline(tmp_path / "p", body)
    code, _, err = azpipe(capsys, "run", path)
    assert code == 0, err
    out = Path(last_run(path)["steps"]["a"]["outputs"]["out"])
    assert int((out / "parent").read_text()) == os.getpid()


# --- property: nothing a step starts outlives it ---------------------------------------------

WRAPPERS = [
    lambda x: "{ " + x + " & }",
    lambda x: f"({x} &)",
    lambda x: f"setsid sh -c {shlex.quote(x)}",
    lambda x: f"setsid -f sh -c {shlex.quote(x)}",
    lambda x: f"nohup sh -c {shlex.quote(x)} >/dev/null 2>&1",
    lambda x: f"(trap '' TERM HUP INT; {x})",
    lambda x: f"sh -c {shlex.quote(x)}",
]
shapes = st.lists(st.sampled_from(range(len(WRAPPERS))), min_size=1, max_size=4)


@linux_only
@settings(
    max_examples=300 if LONG else 12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(layers=shapes, interrupt=st.booleans())
def test_nothing_a_step_starts_outlives_it(tmp_path: Path, layers: list[int], interrupt: bool) -> None:
    token = sleeper()
    started = tmp_path / f"{token}.pids"
    command = "sh -c " + shlex.quote(f"echo $$ >> {started}; exec sleep {token}")
    for layer in layers:
        command = WRAPPERS[layer](command)
    script = f"({command}) &\nfor _ in $(seq 1000); do [ -s {started} ] && break; sleep 0.01; done\n"
    if interrupt:
        script += f"sleep {token}\n"
    logs = str(tmp_path / "out.log"), str(tmp_path / "err.log")
    step = StepProcess("s", spawn(script, str(tmp_path), {"PATH": os.defpath}, *logs))
    if interrupt:
        deadline = time.monotonic() + 30
        while len(holding(token)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        step.stop("interrupted")
        time.sleep(0.1)
        step.escalate(time.monotonic(), force=True)
    step.popen.wait(timeout=30)
    assert holding(token) == [], f"survived: {command!r}"
    assert started.exists() and started.read_text().split(), f"never started: {command!r}"
