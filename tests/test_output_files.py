"""``-o`` behaves the same in ``graph``, ``import`` and ``compile`` (issue 13 item 10): missing folders
are created, a folder takes the default file name, the file the output is made from is never
overwritten, nothing is left half-written; ``import -o`` elsewhere rewrites relative paths."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from azpipe.cli.common import file_name
from azpipe.cli.main import main
from azpipe.cli.rebase import _Mover

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification" / "pipeline.yaml"
NATIVE_PIPELINE = ROOT / "tests" / "fixtures" / "native" / "three_steps" / "pipeline.yml"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def native(tmp_path: Path) -> Path:
    """An Azure ML pipeline job with component files, code, a conda file and local data, in a git repository."""
    repo = tmp_path / "repo"
    src = repo / "jobs"
    (src / "src").mkdir(parents=True)
    (src / "data").mkdir()
    (src / "src" / "train.py").write_text("print('hi')\n", encoding="utf-8")
    (src / "data" / "rows.csv").write_text("a\n", encoding="utf-8")
    (src / "env.yml").write_text("name: e\ndependencies: [python=3.11]\n", encoding="utf-8")
    (src / "component.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
        "type: command\nname: scorer\ncode: ./src\nenvironment: azureml:env:1\n"
        "inputs:\n  rows: {type: uri_file}\ncommand: python train.py --rows ${{inputs.rows}}\n",
        encoding="utf-8",
    )
    (src / "pipeline.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
        "type: pipeline\n"
        "settings: {default_compute: azureml:cpu-cluster}\n"
        "inputs:\n  rows: {type: uri_file, path: ./data/rows.csv}\n"
        "jobs:\n"
        "  train:\n    type: command\n    code: ./src\n"
        "    environment: {image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04, conda_file: ./env.yml}\n"
        "    inputs:\n      rows: ${{parent.inputs.rows}}\n      extra: {type: uri_folder, path: ./data}\n"
        "    command: python train.py --rows ${{inputs.rows}} --extra ${{inputs.extra}}\n"
        "  score:\n    type: command\n    component: ./component.yml\n"
        "    inputs:\n      rows: ${{parent.inputs.rows}}\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return src / "pipeline.yml"


def local_paths(path: Path) -> list[str]:
    return sorted(d.message for d in azpipe.load(path).diagnostics if d.code.startswith("F"))


def test_import_elsewhere_rewrites_relative_paths(
    native: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(native.parent.parent)
    assert run(capsys, "import", native, "-o", "other/dir/x.yaml")[0] == 0
    written = native.parent.parent / "other" / "dir" / "x.yaml"
    text = written.read_text(encoding="utf-8")
    for path in (
        "../../jobs/src",
        "../../jobs/env.yml",
        "../../jobs/component.yml",
        "../../jobs/data/rows.csv",
    ):
        assert f'"{path}"' in text, text
    assert local_paths(written) == []
    assert azpipe.load(written).ok


def test_import_next_to_the_source_keeps_the_paths(native: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, stdout, _ = run(capsys, "import", native)
    assert run(capsys, "import", native, "-o", native.parent / "x.yaml")[0] == 0
    assert (native.parent / "x.yaml").read_text(encoding="utf-8") == stdout
    assert '"./src"' in stdout and '"./data/rows.csv"' in stdout


@pytest.mark.parametrize("command", ["graph", "import", "compile"])
def test_the_source_file_is_never_overwritten(
    native: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    before = native.read_bytes()
    code, out, err = run(capsys, command, native, "-o", native)
    assert code == 2 and out == "" and "overwrite" in err and "Traceback" not in err
    assert native.read_bytes() == before


def test_a_component_file_is_not_overwritten_either(native: Path, capsys: pytest.CaptureFixture[str]) -> None:
    component = native.parent / "component.yml"
    before = component.read_bytes()
    assert run(capsys, "graph", native, "-o", component)[0] == 2
    assert component.read_bytes() == before


@pytest.mark.parametrize(
    ("command", "args", "made"),
    [
        ("graph", ["-f", "svg"], "g.svg"),
        ("import", [], "x.yaml"),
        ("compile", [], "x.py"),
    ],
)
def test_missing_folders_are_created(
    native: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, args: list[str], made: str
) -> None:
    target = tmp_path / "new" / "dir" / made
    code, _, err = run(capsys, command, native, *args, "-o", target)
    assert code == 0, err
    assert target.is_file() and not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("command", "args", "made"),
    [
        ("graph", ["-f", "html"], "image_classification.html"),
        ("graph", [], "image_classification.txt"),
        ("import", [], "three_steps.yaml"),
        ("compile", [], "image_classification.py"),
    ],
)
def test_a_folder_gets_the_default_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, args: list[str], made: str
) -> None:
    source = NATIVE_PIPELINE if command == "import" else EXAMPLE
    code, _, err = run(capsys, command, source, *args, "-o", f"{tmp_path}/out/")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "out").iterdir()] == [made]


@pytest.mark.parametrize("command", ["graph", "import", "compile"])
def test_dash_is_standard_output(capsys: pytest.CaptureFixture[str], command: str, tmp_path: Path) -> None:
    source = NATIVE_PIPELINE if command == "import" else EXAMPLE
    os.chdir(tmp_path)
    code, out, _ = run(capsys, command, source, "-o", "-")
    assert code == 0 and out and not (tmp_path / "-").exists()


def test_a_file_name_from_the_pipeline_cannot_leave_the_folder() -> None:
    assert file_name("../../etc/x", ".txt") == "pipeline.txt"
    assert file_name(".hidden", ".txt") == "pipeline.txt"
    assert file_name("train_1.v2", ".svg") == "train_1.v2.svg"


segment = st.sampled_from(["a", "b", "src", "data", ".."])


@given(
    written=st.lists(segment, min_size=1, max_size=4).map("/".join),
    target=st.lists(st.sampled_from(["x", "y", "z"]), max_size=3).map("/".join),
    dot=st.booleans(),
)
def test_a_moved_path_reaches_the_same_place(written: str, target: str, dot: bool) -> None:
    origin = "/r/p/q"
    folder = os.path.normpath(os.path.join("/r/out", target))
    moved = _Mover(origin, folder)(("./" if dot else "") + written)
    assert os.path.normpath(os.path.join(folder, moved)) == os.path.normpath(os.path.join(origin, written))
