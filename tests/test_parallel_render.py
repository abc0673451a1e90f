"""A parallel step has a shape of its own in every graph format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import azpipe
from azpipe.render import render

EXAMPLE = Path(__file__).resolve().parent.parent / "pipelines" / "batch_scoring" / "pipeline.yaml"


@pytest.fixture(scope="module")
def pipeline() -> azpipe.Pipeline:
    return azpipe.load(EXAMPLE)


def test_mermaid_draws_a_trapezoid(pipeline: azpipe.Pipeline) -> None:
    text = render(pipeline, "mermaid")
    assert re.search(r'n\d+\[/"score"\\\]', text)
    assert re.search(r'n\d+\("train"\)', text)  # a command step keeps its rounded box


def test_dot_draws_a_double_border(pipeline: azpipe.Pipeline) -> None:
    lines = render(pipeline, "dot").splitlines()
    score = next(line for line in lines if 'label="score"' in line)
    train = next(line for line in lines if 'label="train"' in line)
    assert 'peripheries="2"' in score and "peripheries" not in train


def test_svg_draws_an_inner_border(pipeline: azpipe.Pipeline) -> None:
    text = render(pipeline, "svg")
    nodes = {
        match.group(1): match.group(0)
        for match in re.finditer(r"<g class=\"node step\"[^>]*>.*?<title>(\w+)</title>.*?</g>", text)
    }
    assert nodes["score"].count("<rect") == 2 and nodes["train"].count("<rect") == 1


def test_text_and_html_name_the_kind(pipeline: azpipe.Pipeline) -> None:
    assert "parallel step score" in render(pipeline, "text")
    assert "parallel step" in render(pipeline, "html")
