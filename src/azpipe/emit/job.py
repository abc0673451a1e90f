"""The ``PipelineJob`` object: the emitted Python module, run (imports azure-ai-ml).

:func:`build_job` renders the module for the pipeline's own folder, executes it
as a fresh module whose ``__file__`` sits next to the pipeline file (so its
relative paths resolve), and calls its ``build_pipeline()``. The text executed
is only what :mod:`azpipe.emit.python` wrote: values from the pipeline file are
literals in it, never code.
"""

from __future__ import annotations

import logging
import os
import types
from typing import TYPE_CHECKING, Any

from azpipe.emit.plan import pipeline_name
from azpipe.emit.python import emit_python

if TYPE_CHECKING:
    from azure.ai.ml.entities import PipelineJob

    from azpipe.model import Pipeline

# Loggers that print azure-ai-ml's notes ("This is an experimental class", "Warnings: [...]").
NOISY_LOGGERS = ("azure.ai.ml", "azure.ai.ml._utils._experimental", "azure.core", "azure.identity")


def quiet_azure() -> None:
    """Keep azure-ai-ml's warnings off the console (for command-line use)."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def load_module(text: str, path: str, name: str = "azpipe_emitted") -> types.ModuleType:
    """Execute module ``text`` as if it were the file ``path`` (it is not written there)."""
    module = types.ModuleType(name)
    module.__file__ = path
    # dont_inherit: this file's `from __future__ import annotations` must not reach the module
    exec(compile(text, path, "exec", dont_inherit=True), module.__dict__)  # azpipe's own text
    return module


def build_job(pipeline: Pipeline) -> PipelineJob:
    """The ``PipelineJob`` for ``pipeline`` (raises :class:`~azpipe.emit.CompileRefused` on errors)."""
    text = emit_python(pipeline)
    module = load_module(text, os.path.join(pipeline.base_dir, f"{pipeline_name(pipeline)}.py"))
    job: Any = module.build_pipeline()
    return job  # type: ignore[no-any-return]


def validation_errors(job: Any) -> dict[str, str]:
    """azure-ai-ml's offline validation of a job and of each node's component: path → message."""
    errors = dict(job._validate().error_messages)
    for name, node in job.jobs.items():
        component = (
            node.trial if node.type == "sweep" else getattr(node, "component", None)
        )  # a sweep's is its trial
        if component is not None and not isinstance(component, str):  # an AutoML node has none
            for path, message in component._validate().error_messages.items():
                errors[f"jobs.{name}.component.{path}"] = message
    return errors
