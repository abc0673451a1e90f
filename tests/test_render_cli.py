"""``azpipe graph``: formats, output files, exit codes and the light import path."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

import pytest

from azpipe.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "pipelines" / "image_classification" / "pipeline.yaml")
BROKEN = str(ROOT / "tests" / "fixtures" / "render" / "broken.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("mermaid", "flowchart TB"), ("dot", "digraph pipeline {"), ("svg", "<svg "),
     ("html", "<!DOCTYPE html>"), ("text", "image_classification: 3 steps")],
)  # fmt: skip
def test_formats(capsys: pytest.CaptureFixture[str], fmt: str, start: str) -> None:
    code, out, err = run(capsys, "graph", EXAMPLE, "--format", fmt)
    assert (code, err) == (0, "")
    assert out.startswith(start)


def test_default_is_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "graph", EXAMPLE)[1].startswith("image_classification: 3 steps")


SUFFIXES = [
    (".svg", "<svg "),
    (".html", "<!DOCTYPE"),
    (".mmd", "flowchart"),
    (".dot", "digraph"),
    (".txt", "image_"),
]


@pytest.mark.parametrize(("suffix", "start"), SUFFIXES)
def test_output_file_and_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, start: str
) -> None:
    target = tmp_path / f"graph{suffix}"
    code, out, err = run(capsys, "graph", EXAMPLE, "-o", str(target))
    assert (code, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith(start)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_options(capsys: pytest.CaptureFixture[str]) -> None:
    options = [
        "-f",
        "mermaid",
        "--direction",
        "lr",
        "--show",
        "compute,environment",
        "--lineage",
        "scoring_result",
    ]
    code, out, _ = run(capsys, "graph", EXAMPLE, *options)
    assert code == 0
    assert out.startswith("flowchart LR") and "compute: cpu-cluster" in out and "environment: prep-env" in out
    assert "classDef lineage" in out
    _, all_fields, _ = run(capsys, "graph", EXAMPLE, "--show", "all")
    assert "command: python train.py" in all_fields


def test_file_with_errors_is_drawn_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "graph", BROKEN, "-f", "mermaid")
    assert code == 1
    assert "⚠ broken: prep.outputs.dat" in out
    assert "error[R302]" in err


def test_unreadable_file_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("azpipe: 1\nsteps: [\n", encoding="utf-8")
    target = tmp_path / "out.svg"
    code, out, err = run(capsys, "graph", str(bad), "-o", str(target))
    assert code == 1 and out == "" and "error[" in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["graph", "missing.yaml"], "azpipe graph: no such file: missing.yaml\n"),
        (
            ["graph", str(ROOT / "pipelines")],
            f"azpipe graph: {ROOT / 'pipelines'} is a folder; give a pipeline file\n",
        ),
        (
            ["graph", EXAMPLE, "--lineage", "nope"],
            "azpipe graph: no pipeline output `nope` (outputs: scoring_result)\n",
        ),
        (
            ["graph", EXAMPLE, "-o", "/dev/null/x.svg"],  # missing folders are created; this cannot be
            "azpipe graph: cannot write /dev/null/x.svg: ",
        ),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


@pytest.mark.parametrize("args", [["--format", "png"], ["--direction", "up"], ["--show", "nope"]])
def test_bad_options(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = run(capsys, "graph", EXAMPLE, *args)
    assert code == 2 and "Traceback" not in err


def test_cli_does_not_import_jinja2_or_networkx_eagerly() -> None:
    code = (
        "import sys, azpipe.cli.main, azpipe.cli.check, azpipe.cli.graph, azpipe.cli.diff\n"
        "azpipe.cli.main.build_parser()\n"
        "heavy = [m for m in ('jinja2', 'markupsafe', 'azpipe.render.html') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_graph_command_in_a_subprocess(tmp_path: Path) -> None:
    target = tmp_path / "g.html"
    result = subprocess.run([sys.executable, "-m", "azpipe", "graph", EXAMPLE, "-o", str(target)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "<svg" in target.read_text(encoding="utf-8")


def test_templates_are_package_data() -> None:
    """The wheel includes everything under src/azpipe; the HTML needs these three files."""
    folder = resources.files("azpipe.render") / "templates"
    assert all((folder / name).is_file() for name in ("graph.html.j2", "viewer.js", "viewer.css"))


def test_output_to_a_pipe_or_device_writes_in_place(tmp_path: Path) -> None:
    """``-o`` on something that is not a regular file (a FIFO, /dev/null) must not replace it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    assert main(["graph", EXAMPLE, "-f", "mermaid", "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith("flowchart TB")


def test_output_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.mmd"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.mmd"
    link.symlink_to(real)
    assert main(["graph", EXAMPLE, "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("flowchart TB")
