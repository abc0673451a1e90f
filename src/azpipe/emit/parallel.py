"""Parallel nodes in both targets: what the plan keeps of a parallel step, and how each writes it.

A parallel step is planned as a command step with its own component (ports, code,
environment, node settings), then :func:`plan_parallel` turns it into a
``parallel`` node: the Python target builds the component with azure-ai-ml's
``parallel_run_function(...)`` and a ``RunFunction`` task, the YAML target writes a
``type: parallel`` node with an inline parallel component. Both state the
parallel settings on the component and on the node, as ``parallel_run_function``
does (azure-ai-ml copies only some of them from a component to its node).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from azpipe.emit.values import Call, Long, call, py, py_str
from azpipe.model import Step
from azpipe.records import record

if TYPE_CHECKING:
    from azpipe.emit.plan import StepPlan
    from azpipe.emit.python import _Module

# The node's parallel settings in the order Azure ML's examples write them.
SETTING_ORDER = (
    "input_data", "mini_batch_size", "partition_keys", "max_concurrency_per_instance", "error_threshold",
    "mini_batch_error_threshold", "logging_level", "retry_settings",
)  # fmt: skip
DEFAULT_ROW_FILE = "parallel_run_step.txt"  # where Azure ML appends rows in a folder output


@record
class ParallelPlan:
    """A parallel node's own settings and task (its code and environment are the step plan's)."""

    settings: dict[str, Any] = field(default_factory=dict)  # SETTING_ORDER, the unset ones left out
    entry_script: str | None = None
    program_arguments: str | None = None
    append_row_to: str | None = None  # `${{outputs.NAME}}`
    task_type: str = "run_function"
    uses: bool = False  # a node of a parallel component (file, flow or registered): the node's settings only
    falls_back: bool = False  # a node of a parallel component file: azure-ai-ml's falsy settings are its


# A node's settings azure-ai-ml replaces by its component's when they are falsy (`node.x or
# component.x` in its Parallel node): an override of 0 reaches Azure ML as the component's value.
FALLBACK_SETTINGS = ("input_data", "max_concurrency_per_instance", "mini_batch_error_threshold", "mini_batch_size",
                     "partition_keys")  # fmt: skip
# The parallel node class for a registered parallel component (from azure.ai.ml.entities).
REGISTERED_NODE = "Parallel"
_BYTES = {"kb": 1024, "mb": 1024**2, "gb": 1024**3}


def plan_parallel(step: Step, result: StepPlan) -> None:
    """Make the planned command node ``result`` of ``step`` a parallel node."""
    parallel = step.parallel
    assert parallel is not None
    result.command = None
    if step.uses is None:  # its own task: azpipe writes the component
        result.kind = "parallel"
    values: dict[str, Any] = {
        "input_data": "${{inputs." + parallel.input_data + "}}" if parallel.input_data else None,
        "mini_batch_size": parallel.mini_batch_size,
        "partition_keys": list(parallel.partition_keys) if parallel.partition_keys is not None else None,
        "max_concurrency_per_instance": parallel.max_concurrency_per_instance,
        "error_threshold": parallel.error_threshold,
        "mini_batch_error_threshold": parallel.mini_batch_error_threshold,
        "logging_level": parallel.logging_level,
        "retry_settings": dict(parallel.retry_settings) or None,
    }
    arguments = parallel.program_arguments
    if step.uses is not None:  # a parallel component's node: the settings it overrides
        result.parallel = ParallelPlan(
            {key: value for key, value in values.items() if value is not None}, uses=True
        )
        own = step.uses.parallel
        result.parallel.falls_back = own is not None and own.flow is None
        result.node_environment = None  # Azure ML's parallel node has none: the task's is the component's
        _component_outputs(step, result)
        for output in result.outputs:  # a mode restated beside a path or asset name is sent (as spark's)
            written = step.outputs.get(output.name)
            if written is not None and written.mode is not None and (written.path or written.asset_name):
                output.mode = written.mode
        return
    result.parallel = ParallelPlan(
        settings={key: value for key, value in values.items() if value is not None},
        entry_script=parallel.entry_script,
        program_arguments=arguments.unparse() if arguments is not None else None,
        append_row_to="${{outputs." + parallel.append_row_to + "}}" if parallel.append_row_to else None,
        task_type=parallel.task_type,
    )
    _as_parallel_run_function(result)


def _component_outputs(step: Step, result: StepPlan) -> None:
    """Every output of the component, with the mode it declares: a pipeline output bound to one takes
    that mode in Python (``@dsl.pipeline``), which the Python target then unsets, as YAML leaves it."""
    from azpipe.emit.plan import OutPort

    assert step.uses is not None
    have = {port.name for port in result.outputs}
    for name, port in step.uses.outputs.items():
        if name not in have:
            result.outputs.append(OutPort(name, port.type, declared_mode=port.mode))


def _as_parallel_run_function(result: StepPlan) -> None:
    """Settings and ports as azure-ai-ml's ``parallel_run_function`` (and a native job's inline
    form) places them: names and tags on the node, resources on the component and on the node, each input's
    mode declared by the component too, a literal input its component input's default."""
    own, node = result.details, result.node
    node.description = node.description or own.description
    node.tags = node.tags or own.tags
    own.description, own.tags = None, {}
    node.resources = own.resources = node.resources or own.resources
    for port in result.inputs:
        port.declared_mode = port.mode or port.declared_mode  # the node's own mode first, as azure-ai-ml
        if port.source is not None and port.source.kind == "literal" and port.default is None:
            port.default = port.source.value


def yaml_parallel(result: StepPlan, code: str | None) -> dict[str, Any] | None:
    """``{"settings": ..., "task": ...}`` for the YAML template (the task's environment it writes itself)."""
    parallel = result.parallel
    if not isinstance(parallel, ParallelPlan):
        return None
    task = {
        "type": parallel.task_type,
        "code": code,
        "entry_script": parallel.entry_script,
        "program_arguments": parallel.program_arguments,
        "append_row_to": parallel.append_row_to,
    }
    return {
        "settings": parallel.settings,
        "task": {key: value for key, value in task.items() if value is not None},
    }


PYTHON_IMPORTS = ("RunFunction", "parallel_run_function")  # from azure.ai.ml.parallel


def python_component(module: _Module, step: StepPlan) -> Call:
    """``parallel_run_function(...)``: the parallel component, called in the pipeline like a command's."""
    parallel = step.parallel
    assert isinstance(parallel, ParallelPlan)
    task = call(
        module.use("RunFunction"),
        code=module.code(step.code),
        entry_script=parallel.entry_script,
        program_arguments=Long(parallel.program_arguments) if parallel.program_arguments else None,
        environment=module.environment(step.environment),
        append_row_to=parallel.append_row_to,
    )
    return call(
        module.use("parallel_run_function"),
        is_deterministic=step.details.is_deterministic,
        inputs={port.name: module._input_spec(port) for port in step.inputs} or None,
        outputs={port.name: module._output_spec(port) for port in step.outputs} or None,
        **parallel.settings,
        resources=module.resources(step.details.resources),
        task=task,
    )


def python_task_type(step: StepPlan, variable: str) -> str:
    """``VAR.task.type = "function"``: ``RunFunction`` always says ``run_function``, and the component
    and its nodes share the task object, so one assignment gives every node the type the file wrote."""
    parallel = step.parallel
    if (
        not isinstance(parallel, ParallelPlan)
        or parallel.task_type == "run_function"
        or step.kind != "parallel"
    ):
        return ""
    return f"\n{variable}.task.type = {py_str(parallel.task_type)}"


def python_node_settings(step: StepPlan, local: str) -> list[str]:
    """A parallel component's node: the settings it overrides, set on the node after the call
    (``mini_batch_size`` as the number azure-ai-ml's ``Parallel`` makes of it when it reads YAML)."""
    parallel = step.parallel
    if not isinstance(parallel, ParallelPlan) or not parallel.uses:
        return []
    lines = []
    for key, value in parallel.settings.items():
        if key == "mini_batch_size":
            value = mini_batch_number(value)
        if parallel.falls_back and key in FALLBACK_SETTINGS and not value:  # its YAML node: the component's
            continue
        lines.append(f"    {local}.{key} = {py(value, 4, len(local) + len(key) + 4)}")
    return lines


def mini_batch_number(size: str) -> int | str:
    """``"10"`` → 10, ``"100kb"`` → 102400 (azure-ai-ml's conversion); a binding stays as written."""
    text = size.strip()
    if text.isdigit():
        return int(text)
    unit = text[-2:].lower()
    if unit in _BYTES and text[:-2].isdigit():
        return int(text[:-2]) * _BYTES[unit]
    return size


def python_imports(used: set[str]) -> list[str]:
    """The ``from azure.ai.ml.parallel import ...`` line, when the module builds a parallel node."""
    names = [name for name in PYTHON_IMPORTS if name in used]
    return [f"from azure.ai.ml.parallel import {', '.join(names)}"] if names else []


def language_fields(step: Step) -> dict[str, Any]:
    """A parallel step's ``parallel:`` block in the azpipe language (``azpipe import``), in order."""
    parallel = step.parallel
    assert parallel is not None
    values: dict[str, Any] = {
        "input_data": "${{inputs." + parallel.input_data + "}}" if parallel.input_data else None,
        "mini_batch_size": parallel.mini_batch_size,
        "partition_keys": parallel.partition_keys,
        "max_concurrency_per_instance": parallel.max_concurrency_per_instance,
        "error_threshold": parallel.error_threshold,
        "mini_batch_error_threshold": parallel.mini_batch_error_threshold,
        "logging_level": parallel.logging_level,
        "retry_settings": dict(parallel.retry_settings) or None,
    }
    arguments = parallel.program_arguments
    task = {
        "type": parallel.task_type if parallel.task_type != "run_function" else None,
        "code": step.code,
        "entry_script": parallel.entry_script,
        "program_arguments": arguments.unparse() if arguments is not None else None,
        "append_row_to": "${{outputs." + parallel.append_row_to + "}}" if parallel.append_row_to else None,
    }
    if step.uses is None:  # a parallel component's node: the task is the component's
        values["task"] = {key: value for key, value in task.items() if value is not None}
    return {key: value for key, value in values.items() if value is not None}
