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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from azpipe.emit.values import Call, Long, call
from azpipe.model import Step

if TYPE_CHECKING:
    from azpipe.emit.plan import StepPlan
    from azpipe.emit.python import _Module

# The node's parallel settings in the order Azure ML's examples write them.
SETTING_ORDER = (
    "input_data", "mini_batch_size", "partition_keys", "max_concurrency_per_instance", "error_threshold",
    "mini_batch_error_threshold", "logging_level", "retry_settings",
)  # fmt: skip
DEFAULT_ROW_FILE = "parallel_run_step.txt"  # where Azure ML appends rows in a folder output


@dataclass
class ParallelPlan:
    """A parallel node's own settings and task (its code and environment are the step plan's)."""

    settings: dict[str, Any] = field(default_factory=dict)  # SETTING_ORDER, the unset ones left out
    entry_script: str | None = None
    program_arguments: str | None = None
    append_row_to: str | None = None  # `${{outputs.NAME}}`
    task_type: str = "run_function"


def plan_parallel(step: Step, result: StepPlan) -> None:
    """Make the planned command node ``result`` of ``step`` a parallel node."""
    parallel = step.parallel
    assert parallel is not None
    result.kind = "parallel"
    result.command = None
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
    result.parallel = ParallelPlan(
        settings={key: value for key, value in values.items() if value is not None},
        entry_script=parallel.entry_script,
        program_arguments=arguments.unparse() if arguments is not None else None,
        append_row_to="${{outputs." + parallel.append_row_to + "}}" if parallel.append_row_to else None,
        task_type=parallel.task_type,
    )
    _as_parallel_run_function(result)


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
        port.declared_mode = port.declared_mode or port.mode
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
        "code": step.code,
        "entry_script": parallel.entry_script,
        "program_arguments": arguments.unparse() if arguments is not None else None,
        "append_row_to": "${{outputs." + parallel.append_row_to + "}}" if parallel.append_row_to else None,
    }
    values["task"] = {key: value for key, value in task.items() if value is not None}
    return {key: value for key, value in values.items() if value is not None}
