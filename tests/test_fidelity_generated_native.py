"""Differential tests on native Azure ML files nobody wrote by hand (issue 10 item 4).

For each Azure ML pipeline job file the strategy draws
(:func:`tests.fidelity_strategies.native_pipelines`: command jobs with and
without a component, component files, inline and registered components, job
and node settings, outputs bound to pipeline outputs in both spellings): it
loads and validates in azure-ai-ml, checks clean in azpipe, and ``azpipe
import`` then ``compile`` (both targets, into another folder) gives the job
azure-ai-ml loads from the original, in every field of its job dict.

300 examples in the normal run (about three minutes on the development
machine); ``AZPIPE_LONG=1`` runs 5,000.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fidelity_strategies import Generated, native_pipelines
from tests.fidelity_support import differences, write

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
EXAMPLES = 5_000 if os.environ.get("AZPIPE_LONG") == "1" else 300


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=native_pipelines())
def test_import_then_compile_is_the_original(generated: Generated) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), {"pipeline.yml": generated.text(), **generated.files})
        assert differences(path, routes=("import",)) == [], generated.text()
