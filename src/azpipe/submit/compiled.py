"""The pipeline as azure-ai-ml objects: the job and the entities its module declares (offline).

The emitted Python module (:mod:`azpipe.emit.python`) is executed once, next to
the pipeline file: ``build_pipeline()`` gives the ``PipelineJob`` and the module's
``ENVIRONMENTS``, ``DATA`` and ``COMPUTE`` lists give the entities to provision,
so ``azpipe submit`` sends exactly what ``azpipe compile`` writes. Nothing here
touches the network.
"""

from __future__ import annotations

import os
from dataclasses import field
from typing import Any

from azpipe.model import Pipeline
from azpipe.records import record


@record
class Compiled:
    """A pipeline ready to submit: the job and what must exist before it runs."""

    job: Any  # azure.ai.ml.entities.PipelineJob
    experiment: str | None  # unset: azure-ai-ml names it after the current folder, as `az ml job create` does
    environments: list[Any] = field(default_factory=list)  # azure.ai.ml.entities.Environment
    data: list[Any] = field(default_factory=list)  # azure.ai.ml.entities.Data
    compute: list[Any] = field(default_factory=list)  # AmlCompute / ComputeInstance


def import_azure_ml() -> None:
    """Import azure-ai-ml once, then keep its console notes quiet (the import resets its logger)."""
    from azpipe.extras import require_azure

    require_azure()
    import azure.ai.ml  # noqa: F401

    from azpipe.emit.job import quiet_azure

    quiet_azure()


def compile_pipeline(pipeline: Pipeline) -> Compiled:
    """Build the job and the entities (raises :class:`azpipe.emit.CompileRefused` on errors)."""
    from azpipe.emit.job import load_module
    from azpipe.emit.python import emit_python

    import_azure_ml()
    text = emit_python(pipeline)
    module = load_module(text, os.path.join(pipeline.base_dir, f"{pipeline.name}.py"))
    job = module.build_pipeline()
    return Compiled(
        job,
        pipeline.experiment,
        list(getattr(module, "ENVIRONMENTS", [])),
        list(getattr(module, "DATA", [])),
        list(getattr(module, "COMPUTE", [])),
    )
