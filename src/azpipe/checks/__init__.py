"""The checks: one module per family of rules, run in a fixed order.

Each check is a plain function ``check(pipeline) -> Iterator[Diagnostic]``;
:data:`CHECKS` is the ordered tuple the driver runs. :func:`check_document`
checks the YAML document itself against the declarative schema (``azpipe.schema``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from azpipe.checks import (
    automl,
    block_commands,
    component_files,
    compute,
    cycles,
    data_transfer,
    detail_names,
    experiment,
    names,
    parallel,
    path_kinds,
    paths,
    ports,
    references,
    scripts,
    shell,
    spark,
    subpipeline,
    sweep,
    targets,
    types,
    unused_inputs,
    usage,
    values,
)
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.model import Pipeline
from azpipe.source.nodes import Node

Check = Callable[[Pipeline], Iterator[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    names.check,
    experiment.check,
    detail_names.check,
    references.check,
    ports.check,
    parallel.check,
    component_files.check,
    shell.check,
    block_commands.check,
    spark.check,
    automl.check,
    data_transfer.check,
    compute.check,
    paths.check,
    scripts.check,
    path_kinds.check,
    types.check,
    cycles.check,
    subpipeline.check,
    sweep.check,
    targets.check,
)
# Usage warnings follow from the references; while one is broken they are only noise.
AFTER_CLEAN_REFERENCES: tuple[Check, ...] = (usage.check, unused_inputs.check)
_BREAKS_USAGE = ("S", "E", "R3", "Y")


def run_checks(pipeline: Pipeline, found: list[Diagnostic]) -> list[Diagnostic]:
    """Every diagnostic of every check, in check order; ``found`` are the builder's."""
    results = [diagnostic for check in CHECKS for diagnostic in check(pipeline)]
    # A steps mapping the reader could not read (or none at all) is already an S error.
    if not any(d.code.startswith("S") and d.severity is Severity.ERROR for d in found):
        results += targets.check_has_steps(pipeline)
    if not any(d.code.startswith(_BREAKS_USAGE) and d.severity is Severity.ERROR for d in found + results):
        results += [diagnostic for check in AFTER_CLEAN_REFERENCES for diagnostic in check(pipeline)]
    return results


def check_document(root: Node | None, form: str, found: list[Diagnostic]) -> list[Diagnostic]:
    """The value-level problems of a file's document (``form``: ``azpipe``, ``native`` or
    ``component``), less those the readers' diagnostics ``found`` already report; for a command
    component file, also the paths of its inline environment (a pipeline's checks see those of
    the components it uses)."""
    problems = values.check(root, form, found)
    if form == "component" and root is not None:
        problems += paths.component_file_paths(root)
    return problems
