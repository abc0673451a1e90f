"""The checks: one module per family of rules, run in a fixed order.

Each check is a plain function ``check(pipeline) -> Iterator[Diagnostic]``;
:data:`CHECKS` is the ordered tuple the driver runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from azpipe.checks import compute, cycles, names, paths, ports, references, types, usage
from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline

Check = Callable[[Pipeline], Iterator[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    names.check,
    references.check,
    ports.check,
    compute.check,
    paths.check,
    types.check,
    cycles.check,
    usage.check,
)


def run_checks(pipeline: Pipeline) -> list[Diagnostic]:
    """Every diagnostic of every check, in check order."""
    return [diagnostic for check in CHECKS for diagnostic in check(pipeline)]
