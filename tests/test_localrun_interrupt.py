"""Ctrl-C: running steps' process groups die, the run is recorded as interrupted, nothing is reusable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.localrun.support import last_run, make_pipeline, plan

ROOT = Path(__file__).resolve().parent.parent
BODY = """
steps:
  done_first:
    code: src
    command: python tool.py --name done_first --out ${{outputs.out}}
  hang:
    code: hang
    command: python hang.py ${{outputs.out}}
    after: [done_first]
"""


def wait_for(path: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def first_run(runs: Path, seconds: float = 60.0) -> Path:
    deadline = time.monotonic() + seconds
    while not (runs.is_dir() and any(runs.iterdir())):
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)
    return next(runs.iterdir())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def starting_with(disposition: signal.Handlers) -> Callable[[], None]:
    """Set SIGINT's disposition in the child before azpipe starts, whatever the test process has."""

    def set_it() -> None:
        signal.signal(signal.SIGINT, disposition)

    return set_it


# SIG_IGN: what `azpipe run &` (or `pytest &`) in a non-interactive shell script inherits.
@pytest.mark.parametrize("sigint", [signal.SIG_DFL, signal.SIG_IGN], ids=["default", "ignored"])
def test_ctrl_c_kills_steps_and_leaves_nothing_reusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sigint: signal.Handlers
) -> None:
    path = make_pipeline(tmp_path / "p", BODY, {"src": "tool.py", "hang": "hang.py"})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    azpipe = subprocess.Popen(
        [sys.executable, "-m", "azpipe", "run", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=starting_with(sigint),
    )
    try:
        run_dir = first_run(path.parent / ".azpipe" / "runs")
        pids_file = run_dir / "hang" / "outputs.partial" / "out" / "pids.txt"
        wait_for(pids_file)
        azpipe.send_signal(signal.SIGINT)
        out, err = azpipe.communicate(timeout=20)
    finally:
        azpipe.kill()
    assert azpipe.returncode == 130, err
    for pid in map(int, pids_file.read_text().split()):
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid), "a step's process survived Ctrl-C"
    record = json.loads((run_dir / "run.json").read_text())
    assert record["status"] == "interrupted"
    assert record["steps"]["hang"]["status"] == "interrupted"
    assert record["steps"]["done_first"]["status"] == "succeeded"
    assert "hang" in out and "interrupted" in out
    assert not (run_dir / "hang" / "outputs").exists()
    assert (run_dir / "done_first" / "outputs" / "out" / "trace.txt").exists()
    steps = plan(capsys, path)
    assert steps["done_first"]["action"] == "reuse"
    assert steps["hang"]["action"] == "run" and steps["hang"]["reason"] == "never run"
    assert last_run(path)["run_id"] == record["run_id"]
