"""Emitters: what Azure ML runs, made from a checked pipeline.

- :mod:`azpipe.emit.python`: a ``@dsl.pipeline`` module (azure-ai-ml's Python SDK);
- :mod:`azpipe.emit.yaml`: Azure ML CLI v2 pipeline job YAML, and the environment,
  compute and data asset files ``az ml ... create -f`` takes;
- :mod:`azpipe.emit.job`: the ``PipelineJob`` object (runs the Python module);
- :mod:`azpipe.emit.jobgraph`: a normal form of a ``PipelineJob`` that shows two
  jobs are the same pipeline.

Both text emitters share :mod:`azpipe.emit.plan` (what to emit, decided once),
:mod:`azpipe.emit.values` (the one escaping filter) and the templates in
``templates/``. None of them imports azure-ai-ml except :mod:`azpipe.emit.job`
and :mod:`azpipe.emit.jobgraph`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence

from azpipe.diagnostics import Diagnostic


class CompileRefused(Exception):
    """The pipeline cannot be compiled; ``diagnostics`` say why and where."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity.name == "ERROR"]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        where = f": {first.span.file}:{first.span.line}:{first.span.column}: {first.message}" if first else ""
        super().__init__(f"the pipeline has {len(errors)} error(s){where}")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while emitting (restored after, as it was).

    Emitting allocates many small, short-lived objects; each automatic collection
    would walk the whole loaded model (every step, port and span) again, which is
    half the time of compiling a 10,000-step pipeline. Nothing emitting creates
    needs the collector: reference counting frees it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = ["CompileRefused", "paused_gc"]
