"""``azpipe diff``: steps and edges added, removed and changed; text, Mermaid, Markdown; ``--rev``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import main
from azpipe.diffing import diff_pipelines
from tests.golden import assert_golden

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "render"
GOLDEN = ROOT / "tests" / "golden" / "render"
OLD, NEW = "tests/fixtures/render/diff_old.yaml", "tests/fixtures/render/diff_new.yaml"


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # relative paths in the output, as a user would type them


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_model() -> None:
    found = diff_pipelines(azpipe.load(OLD), azpipe.load(NEW))
    status = {(n.kind, n.name): n.status for n in found.nodes}
    assert status == {
        ("step", "evaluate"): "added",
        ("step", "legacy_report"): "removed",
        ("step", "train"): "changed",
        ("input", "epochs"): "changed",
        ("input", "rate"): "removed",
        ("output", "metrics"): "added",
    }
    train = next(n for n in found.nodes if n.name == "train")
    assert {c.name for c in train.changes} == {"command", "compute", "inputs.rate"}
    compute = next(c for c in train.changes if c.name == "compute")
    assert (compute.old, compute.new) == ("cpu-cluster", "gpu-cluster")
    assert {(e.key.source, e.key.target, e.key.kind, e.status) for e in found.edges} >= {
        ("train", "evaluate", "after", "added"),
        ("inputs.rate", "train", "data", "removed"),
    }
    assert found.summary().startswith("1 step added, 1 removed, 1 changed; 1 input removed, 1 changed;")


@pytest.mark.parametrize("fmt", ["text", "mermaid", "markdown"])
def test_formats(capsys: pytest.CaptureFixture[str], fmt: str, update_golden: bool) -> None:
    code, out, err = run(capsys, "diff", OLD, NEW, "--format", fmt)
    assert (code, err) == (1, "")
    assert_golden(GOLDEN / f"diff.{fmt}", out, update_golden)


def test_same_file_exits_0_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "diff", NEW, NEW) == (0, "", "")
    example = "pipelines/component_reuse/pipeline.yaml"
    assert run(capsys, "diff", example, example, "--format", "mermaid") == (0, "", "")


def test_colour(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "diff", OLD, NEW, "--color", "always")
    assert "\033[32m+ step evaluate\033[0m" in out


def test_mermaid_colours_changes(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "diff", OLD, NEW, "--format", "mermaid")
    assert '("+ evaluate")' in out and '("- legacy_report")' in out
    assert "classDef added" in out and "classDef removed" in out and "classDef changed" in out
    assert "linkStyle" in out


def test_file_with_errors_warns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diff", OLD, "tests/fixtures/render/broken.yaml")
    assert code == 1 and out
    assert err.startswith("azpipe diff: warning: tests/fixtures/render/broken.yaml has 4 errors")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([OLD], "give two files (OLD NEW), or one FILE with --rev REV"),
        ([OLD, NEW, NEW], "give two files (OLD NEW), or one FILE with --rev REV"),
        ([OLD, NEW, "--rev", "HEAD"], "with --rev, give exactly one FILE"),
        ([OLD, "missing.yaml"], "no such file: missing.yaml"),
        ([OLD, "--rev=--output=/tmp/x"], "not a git revision: '--output=/tmp/x'"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, "diff", *args)
    assert (code, out) == (2, "")
    assert err == f"azpipe diff: {message}\n"


def _git(folder: Path, *args: str) -> None:
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    env = {**os.environ, **identity, "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    result = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_rev(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "repo" / "sub dir"
    folder.mkdir(parents=True)
    pipeline = folder / "pipeline.yaml"
    pipeline.write_bytes((FIXTURES / "diff_old.yaml").read_bytes())
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "add", ".")
    _git(tmp_path / "repo", "commit", "-q", "-m", "old")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "diff", "repo/sub dir/pipeline.yaml", "--rev", "HEAD") == (0, "", "")
    pipeline.write_bytes((FIXTURES / "diff_new.yaml").read_bytes())
    code, out, err = run(capsys, "diff", "repo/sub dir/pipeline.yaml", "--rev", "HEAD")
    assert (code, err) == (1, "")
    assert out.startswith("--- repo/sub dir/pipeline.yaml@HEAD\n+++ repo/sub dir/pipeline.yaml\n")
    expected = (GOLDEN / "diff.text").read_text(encoding="utf-8").split("\n", 2)[2]
    assert out.split("\n", 2)[2] == expected
    code, _, err = run(capsys, "diff", "repo/sub dir/pipeline.yaml", "--rev", "no-such-rev")
    assert code == 2 and err.startswith(
        "azpipe diff: cannot read repo/sub dir/pipeline.yaml at no-such-rev: "
    )
    assert err.count("\n") == 1
