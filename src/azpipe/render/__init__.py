"""Drawings of a pipeline graph: Mermaid, DOT, SVG, HTML and plain text.

>>> import azpipe
>>> from azpipe.render import Options, render
>>> pipeline = azpipe.load("pipelines/image_classification/pipeline.yaml")
>>> render(pipeline, "mermaid").splitlines()[0]
'flowchart TB'

Each format is one module with a ``render(view)`` function; all of them draw
the :class:`~azpipe.render.view.View` built from ``graph_of(pipeline)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from azpipe.localrun.expand import expanded
from azpipe.render.view import DIRECTIONS, SHOW_FIELDS, Options, View, build_view

if TYPE_CHECKING:
    from azpipe.model import Pipeline

FORMATS = ("mermaid", "dot", "svg", "html", "text")

__all__ = ["DIRECTIONS", "FORMATS", "SHOW_FIELDS", "Options", "View", "build_view", "render"]


def render(pipeline: Pipeline, fmt: str, options: Options | None = None, depth: int | None = None) -> str:
    """``pipeline`` drawn in format ``fmt`` (one of :data:`FORMATS`), its sub-pipelines expanded
    ``depth`` levels deep as clusters (``None``: all; ``0``: each one node).

    Raises ``ValueError`` for an unknown format and ``KeyError`` for an unknown
    ``options.lineage`` output.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format `{fmt}` (choose from {', '.join(FORMATS)})")
    pipeline = expanded(pipeline, depth)
    view = build_view(pipeline, options)
    module = importlib.import_module(f"azpipe.render.{fmt}")
    if fmt == "html":
        return str(module.render(view, pipeline))
    return str(module.render(view))
