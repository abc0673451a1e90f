"""Data transfer steps (D101–D103), as azure-ai-ml 1.35 reads a data transfer node.

D101: what each task needs: ``copy_data`` an input and an output; ``import_data``
a ``source`` and one output (the sink); ``export_data`` one input (the source) and
a ``sink``. D102: a ``source``/``sink`` with the fields of its type (a database: a
``connection`` and a ``query`` to import or a ``table_name`` to export; a file
system: a ``connection`` and a ``path``; azure-ai-ml exports only to a database). D103: a field that does not apply to the
task (``data_copy_mode`` outside a copy, ``source`` outside an import...).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import DataTransfer, Pipeline, Step
from azpipe.rules import rule

FIELDS_OF_TASK = {"copy_data": ("data_copy_mode",), "import_data": ("source",), "export_data": ("sink",)}


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every data transfer step that could be read."""
    for step in pipeline.steps.values():
        transfer = step.data_transfer
        if transfer is None or transfer.task is None or step.incomplete:
            continue
        yield from _misplaced(step, transfer)
        yield from _required(step, transfer)
        for key, need in (("source", "query"), ("sink", "table_name")):
            values = getattr(transfer, key)
            if values and transfer.task in (("import_data",) if key == "source" else ("export_data",)):
                yield from _endpoint(step, key, values, need, transfer.spans.get(key, transfer.span))


def _misplaced(step: Step, transfer: DataTransfer) -> Iterator[Diagnostic]:
    assert transfer.task is not None
    for task, fields in FIELDS_OF_TASK.items():
        for key in fields:
            if task != transfer.task and key in transfer.spans:
                yield rule("D103").at(transfer.spans[key], f"`{key}` does not apply to task `{transfer.task}`",
                                      f"`{key}` belongs to `{task}`")  # fmt: skip


def _required(step: Step, transfer: DataTransfer) -> Iterator[Diagnostic]:
    task = transfer.task
    missing = []
    if task in ("copy_data", "export_data") and not step.inputs:
        missing.append("an input" if task == "copy_data" else "an input (`source`)")
    if task in ("copy_data", "import_data") and not step.outputs:
        missing.append("an output" if task == "copy_data" else "an output (`sink`)")
    if task == "import_data" and not transfer.source:
        missing.append("`source`")
    if task == "export_data" and not transfer.sink:
        missing.append("`sink`")
    if missing:
        yield rule("D101").at(transfer.span, f"data transfer step `{step.name}` ({task}) needs " + " and ".join(missing),
                              "copy_data: inputs to outputs; import_data: source into one output; export_data: one input into sink")  # fmt: skip


def _endpoint(step: Step, key: str, values: dict[str, Any], need: str, span: Span) -> Iterator[Diagnostic]:
    kind = values.get("type", "database")
    if key == "sink" and kind != "database":
        yield rule("D102").at(span, f"the `sink` of step `{step.name}` is a {kind}: Azure ML exports only to a database",
                              "`sink: {type: database, table_name: ..., connection: azureml:NAME}`")  # fmt: skip
        return
    needed: tuple[str, ...] = ("connection", need) if kind == "database" else ("connection", "path")
    if kind == "database" and key == "source" and "stored_procedure" in values:
        needed = ("connection",)
    missing = [name for name in needed if name not in values]
    if missing:
        yield rule("D102").at(span, f"the {kind} `{key}` of step `{step.name}` needs " + " and ".join(f"`{m}`" for m in missing),
                              "a workspace connection (`azureml:NAME`) and what to read or write")  # fmt: skip
