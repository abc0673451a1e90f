"""azpipe: a compiler for Azure Machine Learning pipelines.

>>> import azpipe
>>> pipeline = azpipe.load("pipelines/image_classification/pipeline.yaml")
>>> pipeline.ok, azpipe.topological_order(pipeline)
(True, ['prep_data', 'train', 'score'])

The model (:mod:`azpipe.model`) is plain data; what later stages make of it is
here, as functions of a loaded pipeline (each imports only what it needs).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from azpipe.version import __version__

if TYPE_CHECKING:
    import networkx as nx
    from azure.ai.ml.entities import PipelineJob

    from azpipe.diagnostics import Diagnostic, Severity, Span
    from azpipe.loading import load, loads
    from azpipe.model import Pipeline

# Imported on first use (PEP 562), so that `import azpipe.cli.main` stays light: the
# command line sets the process up (azpipe check turns the cyclic garbage collector off)
# before the front end's modules load.
_LAZY = {
    "Diagnostic": "azpipe.diagnostics", "Severity": "azpipe.diagnostics", "Span": "azpipe.diagnostics",
    "load": "azpipe.loading", "loads": "azpipe.loading", "Pipeline": "azpipe.model",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """The public names of :mod:`azpipe.loading`, :mod:`azpipe.model` and
    :mod:`azpipe.diagnostics`, imported when first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'azpipe' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Diagnostic", "Pipeline", "Severity", "Span", "__version__", "graph_of", "lineage", "load", "loads",
    "to_job", "to_python", "to_yaml", "topological_order",
]  # fmt: skip


def graph_of(pipeline: Pipeline) -> nx.MultiDiGraph:
    """The step graph as a networkx ``MultiDiGraph``: steps, inputs, outputs, data (built once)."""
    from azpipe.graph import graph_of as build

    return build(pipeline)


def topological_order(pipeline: Pipeline) -> list[str]:
    """Step names in an order that respects every edge (stable, by name)."""
    from azpipe.graph import topological_order as order

    return order(pipeline)


def lineage(pipeline: Pipeline, output: str) -> set[str]:
    """Every graph node upstream of pipeline output ``output`` (``KeyError`` if there is none)."""
    from azpipe.graph import lineage_of

    return lineage_of(pipeline, output)


def to_python(pipeline: Pipeline) -> str:
    """The ``@dsl.pipeline`` Python module (raises :class:`azpipe.emit.CompileRefused` on errors)."""
    from azpipe.emit.python import emit_python

    return emit_python(pipeline)


def to_yaml(pipeline: Pipeline) -> str:
    """The Azure ML CLI v2 pipeline job YAML (raises :class:`azpipe.emit.CompileRefused` on errors)."""
    from azpipe.emit.yaml import emit_yaml

    return emit_yaml(pipeline)


def to_job(pipeline: Pipeline) -> PipelineJob:
    """The azure-ai-ml ``PipelineJob`` (imports azure-ai-ml, the ``azure`` extra)."""
    from azpipe.emit.job import build_job

    return build_job(pipeline)
