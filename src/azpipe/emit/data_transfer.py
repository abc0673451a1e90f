"""Data transfer nodes in both targets.

A data transfer step is planned as a command step (its ports and node settings),
then :func:`plan_transfer` makes it a ``data_transfer`` node. ``copy_data``: the
Python target builds its component with azure-ai-ml's ``copy_data(...)`` at module
level and calls it in the pipeline function (as a command step's component);
``import_data`` and ``export_data`` nodes are built in place with
``import_data(source=Database(...)|FileSystem(...), outputs=...)`` and
``export_data(inputs=..., sink=...)`` (Azure ML's registry components). The YAML
target writes a ``type: data_transfer`` node with ``task`` and its fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azpipe.emit.values import Call, call
from azpipe.model import Step

if TYPE_CHECKING:
    from azpipe.emit.plan import StepPlan, _Planner
    from azpipe.emit.python import _Module

ENDPOINTS = {"database": "Database", "file_system": "FileSystem"}
IMPORTS = ("Database", "FileSystem", "copy_data", "export_data", "import_data")


def plan_transfer(planner: _Planner, step: Step, result: StepPlan) -> None:
    """Make the planned command node ``result`` of ``step`` a data transfer node."""
    transfer = step.data_transfer
    assert transfer is not None and transfer.task is not None
    result.kind = "data_transfer"
    result.command = None
    result.code = None
    result.environment = result.node_environment = None
    fields: dict[str, Any] = {"task": transfer.task, "data_copy_mode": transfer.data_copy_mode,
                              "source": transfer.source or None, "sink": transfer.sink or None}  # fmt: skip
    result.transfer = {key: value for key, value in fields.items() if value is not None}
    for port in result.inputs:  # a copy's component declares each input with the type of what it copies
        if port.type is None and port.source is not None:
            port.type = _bound_type(planner, port.source.kind, port.source.name, port.source.step)
        if transfer.task != "copy_data":
            port.type = None


def _bound_type(planner: _Planner, kind: str, name: str, producer: str) -> str:
    pipeline = planner.pipeline
    if kind == "input" and name in pipeline.inputs:
        return pipeline.inputs[name].type
    if kind == "output" and producer in pipeline.steps:
        port = pipeline.steps[producer].outputs.get(name)
        return (port.type if port is not None else None) or "uri_folder"
    return "uri_folder"


def is_copy(step: StepPlan) -> bool:
    """True for a ``copy_data`` node (azpipe writes its component)."""
    return step.transfer is not None and step.transfer["task"] == "copy_data"


def python_component(module: _Module, step: StepPlan) -> Call:
    """``copy_data(inputs=..., outputs=..., data_copy_mode=...)``: the component of a copy."""
    assert step.transfer is not None
    return call(
        module.use("copy_data"),
        inputs={port.name: module._input_spec(port) for port in step.inputs} or None,
        outputs={port.name: call(module.use("Output"), type=port.type) for port in step.outputs} or None,
        data_copy_mode=step.transfer.get("data_copy_mode"),
    )


def python_call(module: _Module, step: StepPlan) -> Call:
    """``import_data(source=..., outputs=...)`` or ``export_data(inputs=..., sink=...)``: the node."""
    assert step.transfer is not None
    task = step.transfer["task"]
    bound = {port.name: module.source(port.source) for port in step.inputs if port.source is not None}
    outputs = {port.name: call(module.use("Output"), type=port.type) for port in step.outputs} or None
    if task == "import_data":
        return call(
            module.use("import_data"), source=_endpoint(module, step.transfer.get("source")), outputs=outputs
        )
    return call(
        module.use("export_data"), inputs=bound or None, sink=_endpoint(module, step.transfer.get("sink"))
    )


def _endpoint(module: _Module, values: dict[str, Any] | None) -> Call | None:
    if not values:
        return None
    settings = {key: value for key, value in values.items() if key != "type"}
    return call(module.use(ENDPOINTS[values.get("type", "database")]), **settings)


def python_imports(used: set[str]) -> list[str]:
    """``from azure.ai.ml.data_transfer import ...`` for what the module uses."""
    names = [name for name in IMPORTS if name in used]
    if not names:
        return []
    from azpipe.emit.python import _from_import

    return [_from_import("azure.ai.ml.data_transfer", names)]
