"""The wheel carries the grammar: an installed azpipe works outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr.strip()[-300:]}")
    [built] = out.glob("azpipe-*.whl")
    return built


def test_wheel_contains_the_grammar(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "azpipe/_grammar/template.lark" in names
    assert "azpipe/cli/main.py" in names
    assert not any(name.startswith(("tests/", "pipelines/")) for name in names)


def test_installed_wheel_checks_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp_path / "work"
    shutil.copytree(ROOT / "pipelines" / "image_classification", work / "image_classification")
    bad = ROOT / "tests" / "rules" / "E201" / "bad.yaml"
    shutil.copy(bad, work / "bad.yaml")
    # The installed copy must come first, ahead of the editable install of the checkout.
    script = (
        f"import sys; sys.path.insert(0, {str(target)!r}); import azpipe, azpipe.cli.main as m; "
        f"assert azpipe.__file__.startswith({str(target)!r}), azpipe.__file__; "
        "sys.exit(m.main(sys.argv[1:]))"
    )
    env = {**os.environ, "PYTHONPATH": ""}
    ok = subprocess.run(
        [sys.executable, "-c", script, "check", "image_classification"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr + ok.stdout
    bad_run = subprocess.run(
        [sys.executable, "-c", script, "check", "bad.yaml"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad_run.returncode == 1 and "E201" in bad_run.stdout, bad_run.stderr
