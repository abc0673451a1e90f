"""What ``azpipe run`` tells a new user (issue 13 item 9): the warnings ``check`` shows, an
unused pipeline input, an experiment name Azure ML refuses, and tracebacks that name
the files the user edits rather than the run's copy of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from azpipe.checks.experiment import EXPERIMENT_NAME, suggest
from azpipe.localrun.report import to_source
from tests.fixtures.localrun.support import azpipe as run_azpipe
from tests.fixtures.localrun.support import make_pipeline

UNUSED = """
inputs:
  epochs: 10
  seed: 42
steps:
  train:
    code: src
    command: python tool.py --name ${{parent.inputs.epochs}}
"""

FAILING = """
steps:
  train:
    code: src
    command: python boom.py
"""


def codes(path: Path) -> list[str]:
    return [d.code for d in azpipe.load(path).diagnostics]


def test_an_unused_pipeline_input_is_a_warning(tmp_path: Path) -> None:
    path = make_pipeline(tmp_path, UNUSED, {"src": "tool.py"})
    [diagnostic] = azpipe.load(path).diagnostics
    assert (diagnostic.code, str(diagnostic.severity)) == ("G504", "warning")
    assert diagnostic.span.line == 9 and "`seed`" in diagnostic.message


def test_run_and_plan_show_the_warnings_check_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_pipeline(tmp_path, UNUSED, {"src": "tool.py"})
    _, checked, _ = run_azpipe(capsys, "check", path)
    for command in ("plan", "run"):
        code, _, err = run_azpipe(capsys, command, path)
        assert code == 0, err
        assert "warning[G504]: pipeline input `seed` is not used by any step" in err
        assert checked.strip() in err  # the same text as `azpipe check`


def test_an_input_used_only_by_compute_is_used(tmp_path: Path) -> None:
    """In an Azure ML job file, ``compute: ${{parent.inputs.target}}`` uses the input."""
    (tmp_path / "pipeline.yml").write_text(
        "type: pipeline\n"
        "inputs:\n  target: cpu-cluster\n"
        "jobs:\n  train:\n    type: command\n    command: echo hi\n"
        "    environment: azureml:env:1\n    compute: ${{parent.inputs.target}}\n",
        encoding="utf-8",
    )
    assert "G504" not in codes(tmp_path / "pipeline.yml")


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("image-classification", True),
        ("Exp_1", True),
        ("1st", True),
        ("a" * 255, True),
        ("a" * 256, False),
        ("my experiment", False),
        ("-leading-dash", False),
        ("_leading_underscore", False),
        ("dots.are.out", False),
        ("", False),
    ],
)
def test_experiment_names_follow_azure_ml(tmp_path: Path, name: str, valid: bool) -> None:
    path = make_pipeline(tmp_path, "steps:\n  a:\n    command: echo hi\n", name="t")
    text = path.read_text(encoding="utf-8").replace("defaults:", f"experiment: {name!r}\ndefaults:", 1)
    path.write_text(text, encoding="utf-8")
    found = [d for d in azpipe.load(path).diagnostics if d.code == "N701"]
    if valid:
        assert found == []
    else:
        [diagnostic] = found
        assert "experiment name" in diagnostic.message
        assert (diagnostic.span.line, diagnostic.span.column) == (3, 13)  # on the value


def test_experiment_name_in_an_azure_ml_job_file(tmp_path: Path) -> None:
    (tmp_path / "pipeline.yml").write_text(
        "type: pipeline\nexperiment_name: my experiment\n"
        "jobs:\n  a:\n    type: command\n    command: echo hi\n    environment: azureml:env:1\n"
        "    compute: cpu\n",
        encoding="utf-8",
    )
    [diagnostic] = [d for d in azpipe.load(tmp_path / "pipeline.yml").diagnostics if d.code == "N701"]
    assert diagnostic.span.line == 2 and diagnostic.hint and "`my-experiment`" in diagnostic.hint


@given(st.text(max_size=40))
def test_the_suggested_experiment_name_is_valid(name: str) -> None:
    assert EXPERIMENT_NAME.fullmatch(suggest(name))


def test_a_failed_steps_traceback_names_the_source_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_pipeline(tmp_path / "p", FAILING)
    (tmp_path / "p" / "src").mkdir()
    (tmp_path / "p" / "src" / "helper.py").write_text("def boom():\n    raise ValueError('no images')\n")
    (tmp_path / "p" / "src" / "boom.py").write_text("import helper\nhelper.boom()\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_azpipe(capsys, "run", path)
    assert code == 1
    assert 'File "p/src/boom.py", line 2' in out
    assert 'File "p/src/helper.py", line 2' in out
    assert "/code/" not in out.split("log:", 1)[1]


def test_to_source_rewrites_only_the_snapshot_prefix() -> None:
    snapshot, source = "/r/.azpipe/runs/1/train/code", "/r/src/train"
    line = f'  File "{snapshot}/train.py", line 3; also {snapshot}x/other.py'
    assert to_source(line, snapshot, source) == (
        '  File "/r/src/train/train.py", line 3; also /r/.azpipe/runs/1/train/codex/other.py'
    )
    assert to_source(line, snapshot, None) == line
