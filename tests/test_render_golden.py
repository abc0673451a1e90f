"""Mermaid, DOT and text drawings of every example, compared with golden files.

Regenerate with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.render import Options, render
from tests.golden import assert_golden

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "render"
FIXTURES = ROOT / "tests" / "fixtures" / "render"
EXAMPLES = sorted(path.parent.name for path in (ROOT / "pipelines").glob("*/pipeline.yaml"))
FORMATS = ("mermaid", "dot", "text")
VARIANTS = {
    "taxi_fare_regression-lineage": ("taxi_fare_regression", Options(lineage="model")),
    "component_reuse-lr-details": (
        "component_reuse",
        Options(direction="LR", show=("compute", "environment", "uses")),
    ),
}


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_example(example: str, fmt: str, update_golden: bool) -> None:
    pipeline = azpipe.load(ROOT / "pipelines" / example / "pipeline.yaml")
    assert pipeline.ok
    assert_golden(GOLDEN / f"{example}.{fmt}", render(pipeline, fmt), update_golden)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_options(variant: str, fmt: str, update_golden: bool) -> None:
    example, options = VARIANTS[variant]
    pipeline = azpipe.load(ROOT / "pipelines" / example / "pipeline.yaml")
    assert_golden(GOLDEN / f"{variant}.{fmt}", render(pipeline, fmt, options), update_golden)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fixture", ["broken", "escaping"])
def test_fixture(fixture: str, fmt: str, update_golden: bool) -> None:
    pipeline = azpipe.load(FIXTURES / f"{fixture}.yaml")
    assert not pipeline.ok
    drawing = render(pipeline, fmt, Options(show=("description", "command")))
    assert_golden(GOLDEN / f"{fixture}.{fmt}", drawing, update_golden)


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "svg", "html", "text"])
def test_same_input_same_output(fmt: str) -> None:
    path = ROOT / "pipelines" / "component_reuse" / "pipeline.yaml"
    assert render(azpipe.load(path), fmt) == render(azpipe.load(path), fmt)


def test_broken_references_are_marked() -> None:
    pipeline = azpipe.load(FIXTURES / "broken.yaml")
    text = render(pipeline, "text")
    assert "! broken: prep.outputs.dat" in text
    assert "! broken: after cleanup" in text
    assert "! broken: nowhere.outputs.x" in text
    mermaid = render(pipeline, "mermaid")
    assert "class " in mermaid and " broken" in mermaid
    assert "⚠ broken: prep.outputs.dat" in mermaid


def test_lineage_marks_only_upstream() -> None:
    pipeline = azpipe.load(ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    text = render(pipeline, "text", Options(lineage="model"))
    marked = {line.split()[2] for line in text.splitlines() if line.startswith("  * ")}
    assert marked == {
        "taxi_trips:",
        "raw_data:",
        "seed:",
        "test_fraction:",
        "prep",
        "transform",
        "train",
        "model:",
    }


def test_unknown_lineage_output() -> None:
    pipeline = azpipe.load(ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    with pytest.raises(KeyError):
        render(pipeline, "mermaid", Options(lineage="nope"))


def test_unknown_format() -> None:
    pipeline = azpipe.load(ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    with pytest.raises(ValueError, match="unknown format"):
        render(pipeline, "png")


def test_unreadable_file_draws_an_empty_graph() -> None:
    pipeline = azpipe.loads("steps: [", path="bad.yaml")
    assert render(pipeline, "mermaid") == "flowchart TB\n"
    assert "0 steps" in render(pipeline, "text")


def test_readme_shows_the_current_mermaid() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- graphs:start -->")[1].split("<!-- graphs:end -->")[0]
    block = section.split("```mermaid\n")[1].split("```")[0]
    pipeline = azpipe.load(ROOT / "pipelines" / "image_classification" / "pipeline.yaml")
    assert block == render(pipeline, "mermaid")
    assert (ROOT / "docs" / "images" / "graph-html.png").read_bytes().startswith(b"\x89PNG")
