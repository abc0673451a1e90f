"""Differential tests on pipelines nobody wrote by hand (issue 10 item 4).

For each pipeline the strategy draws (:mod:`tests.fidelity_strategies`): it
checks clean; compiling twice gives the same bytes; both targets, written into
another folder, load in azure-ai-ml (``load_job`` for the YAML, the module's
``build_pipeline()`` for Python), pass its validation, and describe the same job
in every field (:func:`azpipe.emit.jobgraph.job_graph` and ``job_dict``).

300 examples in the normal run (about a minute and a half on the development
machine); ``AZPIPE_LONG=1`` selects the long Hypothesis profile.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import azpipe
from azpipe.diagnostics import Severity
from azpipe.emit.python import emit_python
from azpipe.emit.yaml import emit_yaml
from tests.fidelity_strategies import Generated, azpipe_pipelines
from tests.fidelity_support import same_graph, write

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
EXAMPLES = 5_000 if os.environ.get("AZPIPE_LONG") == "1" else 300


def materialise(generated: Generated, folder: Path) -> Path:
    """Write the pipeline and its files under ``folder``; returns the pipeline file."""
    write(folder, {"pipeline.yaml": generated.text(), **generated.files})
    return folder / "pipeline.yaml"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=azpipe_pipelines())
def test_both_targets_are_the_same_valid_job(generated: Generated) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = materialise(generated, Path(folder))
        pipeline = azpipe.load(path)
        errors = [d for d in pipeline.check() if d.severity is Severity.ERROR]
        assert errors == [], generated.text()
        out = Path(folder) / "build" / "deeper"
        assert emit_python(pipeline, str(out)) == emit_python(azpipe.load(path), str(out))  # same bytes
        assert emit_yaml(pipeline, str(out)) == emit_yaml(azpipe.load(path), str(out))
        assert same_graph(pipeline, out) == [], generated.text()
