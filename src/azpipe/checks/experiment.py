"""The experiment a pipeline is submitted under (N701 invalid-name).

``experiment:`` (``experiment_name:`` in an Azure ML job file) names the
experiment the job is filed under in the workspace. azure-ai-ml sends it as
written and the service refuses a bad one only at submission; the rule is the
one Azure ML's SDK has always checked (``check_valid_resource_name`` of
azureml-core): 1 to 255 characters, letters, digits, ``-`` and ``_``, the
first a letter or a digit. Without ``experiment:`` the pipeline's ``name`` is
used, which N701 already holds to a stricter rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline
from azpipe.rules import rule

EXPERIMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}")
_RULE = "use 1 to 255 letters, digits, `-` and `_`, starting with a letter or digit"


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report an experiment name Azure ML would refuse."""
    name = pipeline.experiment
    if name is None or EXPERIMENT_NAME.fullmatch(name):
        return
    span = pipeline.experiment_span or pipeline.span
    shown = name if name.isprintable() else name.encode("unicode_escape").decode("ascii")
    yield rule("N701").at(
        span,
        f"experiment name `{shown}` is not a valid Azure ML experiment name",
        f"{_RULE}, e.g. `{suggest(name)}`",
    )


def suggest(name: str) -> str:
    """A valid experiment name close to ``name``: other characters become ``-``."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_")[:255]
    return cleaned or "experiment"
