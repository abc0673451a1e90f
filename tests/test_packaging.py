"""The wheel carries the grammar: an installed azpipe works outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
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
    """A fresh virtualenv outside the checkout, with only the wheel installed in it.

    The dependencies come from this test environment through a ``.pth`` file (no
    network); azpipe itself must come from the wheel, grammar included.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)]
    subprocess.run(pip, check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    (Path(site) / "azpipe_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    shutil.copytree(ROOT / "pipelines" / "image_classification", work / "image_classification")
    shutil.copy(ROOT / "tests" / "rules" / "E201" / "bad.yaml", work / "bad.yaml")
    env = {**os.environ, "PYTHONPATH": ""}
    where = subprocess.run([str(python), "-c", "import azpipe; print(azpipe.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    azpipe = str(venv / "bin" / "azpipe")
    ok = subprocess.run([azpipe, "check", "image_classification"], cwd=work, env=env, capture_output=True,
                        text=True, timeout=120)  # fmt: skip
    assert ok.returncode == 0, ok.stderr + ok.stdout
    bad = subprocess.run(
        [azpipe, "check", "bad.yaml"], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 1 and "E201" in bad.stdout, bad.stderr


CORE_DISTRIBUTIONS = ("networkx", "lark", "Jinja2", "MarkupSafe", "PyYAML")


def _core_site(folder: Path) -> Path:
    """A folder holding links to the core dependencies only (nothing of the Azure stack)."""
    from importlib import metadata

    folder.mkdir()
    for name in CORE_DISTRIBUTIONS:
        tops = {Path(str(f)).parts[0] for f in metadata.distribution(name).files or ()}
        for top in tops:
            source = Path(sysconfig.get_paths()["purelib"]) / top
            if not top.endswith((".dist-info", ".pth")) and source.exists() and top != "..":
                (folder / top).symlink_to(source)
    return folder


def test_light_install_runs_every_local_command_without_azure(wheel: Path, tmp_path: Path) -> None:
    """The wheel without extras: check, compile (both targets), graph and run work; Azure commands say what to install."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)]
    subprocess.run(pip, check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    (Path(site) / "azpipe_core_deps.pth").write_text(str(_core_site(tmp_path / "core")) + "\n")
    work = tmp_path / "work"
    shutil.copytree(ROOT / "pipelines" / "image_classification", work / "ic")
    env = {**os.environ, "PYTHONPATH": ""}

    def azpipe(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "azpipe"), *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip

    no_azure = subprocess.run([str(python), "-c", "import azure.ai.ml"], capture_output=True, env=env)
    assert no_azure.returncode != 0, "the light install must not see azure-ai-ml"
    for args in (
        ("check", "ic"),
        ("compile", "ic/pipeline.yaml", "-o", "out-py/"),
        ("compile", "ic/pipeline.yaml", "--target", "yaml", "-o", "out-yaml/"),
        ("graph", "ic/pipeline.yaml", "-f", "svg", "-o", "g.svg"),
        ("graph", "ic/pipeline.yaml", "-f", "mermaid"),
        ("plan", "ic/pipeline.yaml"),
        ("run", "ic/pipeline.yaml"),
    ):
        done = azpipe(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert list((work / "out-py").glob("*.py")) and list((work / "out-yaml").glob("*.yml"))
    for args in (
        ("compile", "ic/pipeline.yaml", "--validate"),
        ("submit", "ic/pipeline.yaml", "--subscription", "s", "--resource-group", "g", "--workspace", "w"),
        ("status", "job-1", "--subscription", "s", "--resource-group", "g", "--workspace", "w"),
    ):
        done = azpipe(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "pip install 'azpipe[azure]'" in done.stderr and "Traceback" not in done.stderr, done.stderr
