"""Every command, on every bad input we have: an exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
BAD = sorted(ROOT.glob("tests/rules/*/bad.yaml"))
GARBAGE = {
    "binary.yaml": b"\x00\x01\x02\xff\xfe",
    "list.yaml": b"- 1\n- 2\n",
    "empty.yaml": b"",
    "deep.yaml": b"[" * 5000,
    "tabs.yaml": b"azpipe: 1\n\tname: x\n",
    "native-garbage.yml": b"type: pipeline\njobs: [1, 2]\n",
    "native-bad-job.yml": b"type: pipeline\njobs:\n  a: 5\n  b: {type: command, component: {inputs: 3}}\n",
}
COMMANDS = (
    ["check"],
    ["graph", "--format", "mermaid"],
    ["graph", "--format", "dot"],
    ["graph", "--format", "svg"],
    ["graph", "--format", "html"],
    ["graph", "--format", "text"],
    ["plan"],
    ["compile"],
    ["compile", "--target", "yaml"],
    ["import"],
)


def inputs(tmp_path: Path) -> list[Path]:
    for name, data in GARBAGE.items():
        (tmp_path / name).write_bytes(data)
    return [*BAD, *(tmp_path / name for name in GARBAGE)]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_no_traceback(command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in inputs(tmp_path):
        code = main([*command, str(path)])
        _, err = capsys.readouterr()
        assert code in (0, 1, 2), (path, code)
        assert "Traceback" not in err and "internal error" not in err, (path, err)


def test_run_refuses_files_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in inputs(tmp_path):
        if azpipe.load(path).ok:
            continue
        code = main(["run", str(path)])
        _, err = capsys.readouterr()
        assert code == 1 and "Traceback" not in err and "internal error" not in err, (path, err)


def test_folders_and_missing_files_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (*COMMANDS[1:], ["run"]):
        for target in (tmp_path, tmp_path / "missing.yaml"):
            code = main([*command, str(target)])
            _, err = capsys.readouterr()
            assert code == 2 and "Traceback" not in err, (command, target, err)
