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
    # The settings azpipe writes into a command step's component are the node's here:
    # `parallel_run_function` keeps only `is_deterministic` on the component alone.
    own = result.details
    node = result.node
    for name in ("description", "tags", "resources"):
        if getattr(own, name) and not getattr(node, name):
            setattr(node, name, getattr(own, name))
    own.description, own.tags, own.resources = None, {}, {}


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
        task=task,
    )


def python_imports(used: set[str]) -> list[str]:
    """The ``from azure.ai.ml.parallel import ...`` line, when the module builds a parallel node."""
    names = [name for name in PYTHON_IMPORTS if name in used]
    return [f"from azure.ai.ml.parallel import {', '.join(names)}"] if names else []
