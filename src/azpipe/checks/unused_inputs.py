"""Pipeline inputs no step reads (G504 unused-pipeline-input).

A pipeline input that no step input is bound to, and that no other setting
refers to (``compute: ${{parent.inputs.target}}`` in an Azure ML job file),
changes nothing: ``--set`` on it has no effect and Azure ML still shows it as
a parameter of the job. Usually a binding was forgotten or the input is left
over. A warning, reported only when every reference resolves (a broken
reference could be the missing use).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.graph import flow_of, input_id
from azpipe.model import Pipeline
from azpipe.rules import rule

_PARENT_INPUT = re.compile(r"\$\{\{\s*parent\.inputs\.([A-Za-z0-9_]+)\s*\}\}")


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report every pipeline input nothing uses."""
    if not pipeline.inputs:
        return
    used = {edge.src for edge in flow_of(pipeline).edges}
    named = _named_in_settings(pipeline)
    for name, item in pipeline.inputs.items():
        if input_id(name) not in used and name not in named:
            yield rule("G504").at(
                item.span,
                f"pipeline input `{name}` is not used by any step",
                f"bind it to a step input (`${{{{parent.inputs.{name}}}}}`), or remove it",
            )


def _named_in_settings(pipeline: Pipeline) -> set[str]:
    """Inputs that settings other than step inputs refer to (compute, environment, variables)."""
    texts = [pipeline.default_compute or ""]
    for step in pipeline.steps.values():
        texts.append(step.compute or "")
        texts.append(step.environment.value if step.environment else "")
        texts += [str(value) for value in step.details.environment_variables.values()]
        texts += [str(value) for value in step.details.resources.values()]
        texts += [str(value) for value in step.details.distribution.values()]
        texts += [str(value) for value in step.details.limits.values()]
    # One search of all the texts: NUL, which no reference spans, keeps them apart.
    return set(_PARENT_INPUT.findall("\x00".join(texts)))
