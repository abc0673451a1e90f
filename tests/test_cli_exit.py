"""`azpipe check` ends without tearing the interpreter down (cli.main.entry): what it
printed still arrives whole, a closed or vanished stream gives no traceback, and a
report lost to a full disk is a failure that says so (exit code 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROKEN = "azpipe: 1\nname: x\nsteps:\n" + "".join(
    f"  s{i}:\n    environment: python:3.11\n    command: echo ${{{{inputs.missing{i}}}}}\n"
    for i in range(300)
)
# One step whose output nobody uses: a single warning (G502).
SMALL = "azpipe: 1\nname: x\ndefaults: {compute: cpu}\nsteps:\n  s:\n    environment: python:3.11\n    command: echo ${{outputs.o}}\n"


def _azpipe(arguments: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pipeline.yaml").write_text(BROKEN, encoding="utf-8")
    command = f"{sys.executable} -m azpipe check {arguments}"
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_everything_printed_arrives(tmp_path: Path) -> None:
    done = _azpipe("--format json pipeline.yaml", tmp_path)
    assert done.returncode == 1, done.stderr
    found = json.loads(done.stdout)  # the whole document, flushed before the process ended
    assert sum(1 for d in found["diagnostics"] if d["code"] == "P405") == 300


@pytest.mark.parametrize("redirect", [">&-", "2>&- >&-", "> /dev/full", "| head -c 10"])
def test_a_closed_or_full_stream_gives_no_traceback(redirect: str, tmp_path: Path) -> None:
    done = _azpipe(f"pipeline.yaml {redirect}", tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1, 2)


def test_a_closed_stdout_still_gives_the_exit_code(tmp_path: Path) -> None:
    done = _azpipe("pipeline.yaml >&-", tmp_path)
    assert done.returncode == 1 and "internal error" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        "pipeline.yaml",  # 300 diagnostics: written while checking
        "--format json pipeline.yaml",
        "small.yaml",  # one warning: still in the buffer when the check ends
        "--format sarif small.yaml",
    ],
)
def test_a_report_lost_to_a_full_disk_is_exit_code_2(arguments: str, tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    done = _azpipe(f"{arguments} > /dev/full", tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "azpipe: cannot write the output: No space left on device"


def test_other_commands_say_so_too(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    command = f"{sys.executable} -m azpipe graph --format mermaid small.yaml > /dev/full"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "azpipe: cannot write the output: No space left on device"
