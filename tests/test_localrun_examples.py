"""Every example pipeline runs end to end (in a copy), then reuses everything; ``azpipe runs`` lists them."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from azpipe.localrun.executor import StepResult
from azpipe.localrun.planner import Plan
from azpipe.localrun.progress import LiveProgress
from tests.fixtures.localrun.support import azpipe, last_run, statuses

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(path.parent.name for path in (ROOT / "pipelines").glob("*/pipeline.yaml"))


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(ROOT / "pipelines" / name, target, ignore=shutil.ignore_patterns(".azpipe"))
    return target / "pipeline.yaml"


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_end_to_end(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_example(name, tmp_path)
    code, out, err = azpipe(capsys, "run", path)
    assert code == 0, out + err
    record = last_run(path)
    assert set(statuses(record).values()) == {"succeeded"}
    for output in record["outputs"].values():
        assert Path(output).exists() and any(Path(output).iterdir())
    assert azpipe(capsys, "run", path)[0] == 0
    assert set(statuses(last_run(path)).values()) == {"reused"}


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 3


def test_runs_lists_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_example(EXAMPLES[0], tmp_path)
    assert azpipe(capsys, "run", path)[0] == 0
    assert azpipe(capsys, "run", path)[0] == 0
    code, out, _ = azpipe(capsys, "runs", path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["run", "pipeline", "status", "started", "duration", "steps"]
    assert len(lines) == 3 and "succeeded" in lines[1] and "reused" in lines[2]
    code, out, _ = azpipe(capsys, "runs", tmp_path, "--format", "json")
    records = json.loads(out)
    assert [r["status"] for r in records] == ["succeeded", "succeeded"]
    assert records[0]["started"] <= records[1]["started"]


def test_runs_of_a_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = azpipe(capsys, "runs", tmp_path / "nope")
    assert code == 2 and "no such file or folder" in err


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_live_view_redraws_in_place_and_clears(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = cast(Plan, SimpleNamespace(steps={"prep": None, "train": None}))
    stream = FakeTerminal()
    live = LiveProgress(stream, plan)
    live.changed("prep", StepResult(status="running", started=0.0))
    live.changed("prep", StepResult(status="succeeded", started=0.0, ended=1.5))
    live.close()
    text = stream.getvalue()
    assert "\x1b[2F" in text and "✓ prep" in text and "· train  waiting" in text
    assert text.endswith("\x1b[2F\x1b[J")
