"""``--set`` means the same in ``run``, ``plan`` and ``submit`` (issue 13 item 11), and a
``uri_file`` given a folder (or the reverse) is an error in ``check`` and ``run`` (item 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.localrun.inputs import Resolver
from azpipe.localrun.options import RunOptions
from azpipe.submit.overrides import OverrideError, read_overrides
from tests.fixtures.localrun.support import azpipe as run_azpipe
from tests.fixtures.localrun.support import make_pipeline

RAW = """
inputs:
  raw: {type: uri_folder}
  epochs: 3
  rate: {type: number, default: 0.1}
  fast: {type: boolean, default: false}
  config: {type: uri_file, optional: true}
steps:
  a:
    code: src
    command: >-
      python tool.py --name a${{parent.inputs.epochs}}${{parent.inputs.rate}}${{parent.inputs.fast}}
      --input ${{parent.inputs.raw}} $[[--input ${{parent.inputs.config}}]]
"""


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pipeline whose required folder input has no value; ``data/`` and ``data/trace.txt`` beside it."""
    path = make_pipeline(tmp_path / "p", RAW, {"src": "tool.py"})
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "trace.txt").write_text("raw\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return path


# ----------------------------------------------------------------------------- item 11: one rule for --set


def test_the_hint_run_gives_for_a_missing_asset_works(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_azpipe(capsys, "run", raw)
    assert code == 2 and "pipeline input `raw` has no value; give one with --set raw=PATH" in err
    code, out, err = run_azpipe(capsys, "run", raw, "--set", "raw=data")
    assert code == 0, err
    assert "succeeded" in out


def test_set_on_an_asset_is_a_path_in_run_and_submit(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_azpipe(capsys, "plan", raw, "--set", "raw=data", "--format", "json")
    assert code == 0 and str(raw.parent.parent / "data") in out
    code, out, err = run_azpipe(capsys, "submit", raw, "--set", "raw=data", "--dry-run")
    assert code == 0, err
    assert "raw = data" in out


def test_a_reference_given_with_set_still_needs_a_local_copy_to_run(
    raw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_azpipe(capsys, "plan", raw, "--set", "raw=azureml:images:2")
    assert code == 2
    assert "inputs that exist only in Azure need a local copy: `raw` (azureml:images:2)" in err
    assert "--input NAME=PATH" in err
    code, _, err = run_azpipe(capsys, "plan", raw, "--set", "raw=azureml:images:2", "--input", "raw=data")
    assert code == 0, err


def run_verdict(pipeline: azpipe.Pipeline, name: str, text: str) -> str | None:
    resolver = Resolver(pipeline, RunOptions(sets={name: text}))
    return resolver.problems[0] if resolver.problems else None


def submit_verdict(pipeline: azpipe.Pipeline, name: str, text: str) -> str | None:
    try:
        read_overrides(pipeline, [(name, text)])
    except OverrideError as error:
        return str(error)
    return None


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["raw", "epochs", "rate", "fast", "config", "epoch", "nothing"]),
    text=st.one_of(
        st.sampled_from(["data", "data/trace.txt", "azureml:x:1", "https://h/p", "", "1", "1.5", "true"]),
        st.text(max_size=12),
    ),
)
def test_run_and_submit_accept_and_refuse_the_same_sets(raw: Path, name: str, text: str) -> None:
    pipeline = azpipe.load(raw)
    assert run_verdict(pipeline, name, text) == submit_verdict(pipeline, name, text)


# ----------------------------------------------------------------------------- item 15: files and folders


KINDS = """
inputs:
  config: {{type: uri_file, path: {config}}}
  images: {{type: uri_folder, path: {images}}}
data:
  table: {{type: uri_file, path: {table}}}
steps:
  a:
    code: src
    inputs:
      extra: {{value: {extra}, type: uri_folder}}
      table: ${{{{data.table}}}}
    command: >-
      python tool.py --name a --input ${{{{parent.inputs.config}}}} --input ${{{{parent.inputs.images}}}}
      --input ${{{{inputs.extra}}}} --input ${{{{inputs.table}}}}
"""


def kinds_pipeline(tmp_path: Path, **paths: str) -> Path:
    values = {
        "config": "./data/trace.txt",
        "images": "./data",
        "table": "./data/trace.txt",
        "extra": "./data",
    }
    path = make_pipeline(tmp_path / "p", KINDS.format(**{**values, **paths}), {"src": "tool.py"})
    (path.parent / "data").mkdir()
    (path.parent / "data" / "trace.txt").write_text("x\n", encoding="utf-8")
    return path


def f805(path: Path) -> list[str]:
    return [d.message for d in azpipe.load(path).diagnostics if d.code == "F805"]


def test_matching_kinds_are_clean(tmp_path: Path) -> None:
    assert azpipe.load(kinds_pipeline(tmp_path)).diagnostics == []


@pytest.mark.parametrize(
    ("field", "path", "message"),
    [
        ("config", "./data", "pipeline input `config` is a `uri_file`, but `./data` is a folder, not a file"),
        (
            "images",
            "./data/trace.txt",
            "pipeline input `images` is a `uri_folder`, but `./data/trace.txt` is a file",
        ),
        ("table", "./data", "data asset `table` is a `uri_file`, but `./data` is a folder"),
        (
            "extra",
            "./data/trace.txt",
            "input `extra` of step `a` is a `uri_folder`, but `./data/trace.txt` is a file",
        ),
    ],
)
def test_check_reports_a_file_for_a_folder_and_the_reverse(
    tmp_path: Path, field: str, path: str, message: str
) -> None:
    [found] = f805(kinds_pipeline(tmp_path, **{field: path}))
    assert found.startswith(message)


def test_run_input_refuses_the_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = kinds_pipeline(tmp_path)
    data = path.parent / "data"
    for args, message in (
        (["--input", f"config={data}"], f"--input config={data}: `{data}` is a folder, not a file"),
        (["--input", f"images={data}/trace.txt"], "is a file, not a folder (the input is a `uri_folder`)"),
        (["--input", f"table={data}"], "is a folder, not a file (the input is a `uri_file`)"),
        (["--input", f"a.extra={data}/trace.txt"], "is a file, not a folder"),
        (["--set", f"config={data}"], f"--set config={data}: `{data}` is a folder, not a file"),
    ):
        code, _, err = run_azpipe(capsys, "run", path, *args)
        assert code == 2 and message in err, err
    assert run_azpipe(capsys, "run", path, "--input", f"images={data}")[0] == 0
