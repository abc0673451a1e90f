"""Parallel steps nobody wrote by hand (Hypothesis): both targets are one valid job, and a native
parallel job compiles, directly and after import, to azure-ai-ml's own load of it.

40 examples of each in the normal run; ``AZPIPE_LONG=1`` draws 1,000.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import azpipe
from azpipe.emit.python import emit_python
from azpipe.emit.yaml import emit_yaml
from tests.fidelity_support import differences, errors, same_graph, write
from tests.parallel_strategies import (
    Drawn,
    native_parallel_component_jobs,
    native_parallel_jobs,
    parallel_component_steps,
    parallel_pipelines,
)

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
EXAMPLES = 1_000 if os.environ.get("AZPIPE_LONG") == "1" else 40
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _write(drawn: Drawn, folder: Path, name: str) -> Path:
    return write(folder, {name: drawn.text(), **drawn.files})


@SETTINGS
@given(drawn=parallel_pipelines())
def test_generated_parallel_steps_compile_to_one_valid_job(drawn: Drawn) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(drawn, Path(folder), "pipeline.yaml")
        pipeline = azpipe.load(path)
        assert errors(pipeline) == [], (drawn.text(), pipeline.check())
        out = Path(folder) / "build"
        assert emit_python(pipeline, str(out)) == emit_python(azpipe.load(path), str(out))  # same bytes
        assert emit_yaml(pipeline, str(out)) == emit_yaml(azpipe.load(path), str(out))
        assert same_graph(pipeline, out) == [], drawn.text()


@SETTINGS
@given(drawn=native_parallel_jobs())
def test_generated_native_parallel_jobs_round_trip(drawn: Drawn) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(drawn, Path(folder), "pipeline.yml")
        assert differences(path) == [], drawn.text()


@SETTINGS
@given(drawn=native_parallel_component_jobs())
def test_generated_parallel_component_nodes_round_trip(drawn: Drawn) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(drawn, Path(folder), "pipeline.yml")
        assert differences(path) == [], drawn.text()


@SETTINGS
@given(drawn=parallel_component_steps())
def test_generated_parallel_component_steps_compile_to_one_valid_job(drawn: Drawn) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(drawn, Path(folder), "pipeline.yaml")
        pipeline = azpipe.load(path)
        assert errors(pipeline) == [], (drawn.text(), pipeline.check())
        assert same_graph(pipeline, Path(folder) / "build") == [], drawn.text()
