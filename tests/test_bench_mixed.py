"""The mixed benchmark pipeline (benchmarks/mixed_shape.py, ``check_scale.py --generators mixed``):
every node kind, sub-pipelines two deep, the nodes counted once expanded, and clean."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import azpipe
from azpipe.localrun.expand import expanded

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from mixed_shape import KINDS, kinds_for, write_mixed


@pytest.mark.parametrize("nodes", [50, 12, 7])
def test_the_mixed_pipeline_checks_clean_with_the_nodes_asked_for(tmp_path: Path, nodes: int) -> None:
    path = write_mixed(tmp_path, nodes)
    pipeline = azpipe.load(path)
    assert pipeline.check() == []  # no error and no warning, in the sub-pipeline files too
    steps = expanded(pipeline, None).steps
    assert len(steps) == nodes
    if nodes >= 12:
        assert set(kinds_for(nodes)) == set(KINDS)
        deepest = [name for name in steps if name.count("/") == 2]
        assert deepest and all(name.split("/")[1] == "deeper" for name in deepest)  # two levels deep


def test_the_command_line_check_is_clean(tmp_path: Path) -> None:
    from azpipe.cli.main import main

    path = write_mixed(tmp_path, 50)
    assert main(["check", "--strict", str(path)]) == 0
