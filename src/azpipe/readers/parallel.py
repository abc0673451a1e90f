"""Parallel (batch inference) steps: the ``parallel:`` block of a step.

Azure ML's ``parallel`` node splits one input into mini-batches and calls the
entry script's ``run(mini_batch)`` on each. The block holds the node's parallel
settings and its ``task``; the task's ``code`` and ``environment`` become the
step's own (so the path and environment checks see them), ``program_arguments``
is a template over the step's ports, desugared like a command.

The block's keys, shapes, types and allowed values are the schema walker's
(:data:`azpipe.schema.node_kinds.PARALLEL_BLOCK`): this reader reads the checked
block (:mod:`azpipe.readers.walked`) and reports what needs meaning: ``input_data``
and ``task`` are needed unless the step ``uses:`` a component (S103), keys the step
cannot have next to ``parallel:`` (S105, L107), the ports ``input_data`` and
``append_row_to`` name (L101). A native parallel node's fields, which no schema
describes whole, are checked here as the walker would (``reader.walked`` false).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from azpipe.expr.ast import Placeholder, RefKind
from azpipe.model import Parallel, Port, Step
from azpipe.readers import walked
from azpipe.readers.bindings import read_template
from azpipe.readers.details import read_details
from azpipe.readers.entities import read_compute_ref, read_env_ref
from azpipe.readers.ports import read_output
from azpipe.readers.reader import Reader
from azpipe.schema.language import keys_of
from azpipe.schema.node_kinds import LOGGING_LEVELS as LOGGING_LEVELS
from azpipe.schema.node_kinds import PARALLEL_BLOCK
from azpipe.schema.node_kinds import TASK_TYPES as TASK_TYPES
from azpipe.source.nodes import Map, Node, Scalar

if TYPE_CHECKING:
    from azpipe.readers.steps import StepReader

# The language schema's `parallel:` block, its `task` and `retry_settings`.
PARALLEL_KEYS = keys_of(PARALLEL_BLOCK)
TASK_KEYS = keys_of(PARALLEL_BLOCK["properties"]["task"])
RETRY_KEYS = keys_of(PARALLEL_BLOCK["properties"]["retry_settings"])
# Step keys a parallel step does not take: its command is the entry script, its code the task's.
NOT_PARALLEL = ("command", "code")
# Step settings a parallel node has no field for (azure-ai-ml's ParallelSchema).
# azure-ai-ml 1.35 cannot load a parallel job with a `comment` (its builder refuses it).
NOT_ON_PARALLEL = ("distribution", "limits", "services", "queue_settings", "additional_includes", "comment")


def read_parallel(step_reader: StepReader, step: Step, mapping: Map, where: str) -> None:
    """A step with ``parallel:``: its ports, the block's settings and the task."""
    if "uses" in mapping:  # a parallel component's node: readers/parallel_component.py
        from azpipe.readers.parallel_component import read_parallel_uses

        read_parallel_uses(step_reader, step, mapping, where)
        return
    reader = step_reader.reader
    block = mapping.get("parallel")
    step.kind = "parallel"
    for key in NOT_PARALLEL:
        found = mapping.key_node(key)
        if found is not None:
            reader.report(
                "S105",
                found.span,
                f"{where} has both `parallel` and `{key}`",
                "a parallel step runs `parallel.task.entry_script`; its code is `parallel.task.code`",
            )
    for key in NOT_ON_PARALLEL:
        found = mapping.key_node(key)
        if found is not None:
            reader.report(
                "L107",
                found.span,
                f"`{key}` does not apply to parallel step `{step.name}`",
                "Azure ML's parallel node has no such setting; remove it",
            )
    assert block is not None
    step.parallel = Parallel(block.span)
    _own_ports(step_reader, step, mapping, where)
    # Without `uses:` the node needs its input and task (the schema leaves them optional).
    body = walked.mapping(reader, block, f"`parallel` of {where}", PARALLEL_KEYS, ("input_data", "task"))
    if body is None:
        return
    read_parallel_settings(reader, step.parallel, body, f"`parallel` of {where}")
    task = walked.mapping(
        reader, body.get("task"), f"`parallel.task` of {where}", TASK_KEYS, required=("entry_script",)
    )
    if task is not None:
        _task(step_reader, step, mapping, task, where)


def read_parallel_settings(reader: Reader, parallel: Parallel, body: Map, where: str) -> None:
    """The node's parallel settings (not the task) from ``body``: the ``parallel:`` block or a native node."""
    for entry in body:
        if isinstance(entry.key.value, str):
            parallel.spans[entry.key.value] = entry.value.span
    parallel.input_data = _port_name(
        reader, body.get("input_data"), f"`input_data` of {where}", RefKind.INPUT
    )
    size = body.get("mini_batch_size")
    parallel.mini_batch_size = walked.scalar_text(reader, size, f"`mini_batch_size` of {where}")
    for key in ("max_concurrency_per_instance", "error_threshold", "mini_batch_error_threshold"):
        setattr(parallel, key, _integer(reader, body.get(key), f"`{key}` of {where}"))
    retry = walked.mapping(reader, body.get("retry_settings"), f"`retry_settings` of {where}", RETRY_KEYS)
    for key in RETRY_KEYS:
        node = retry.get(key) if retry is not None else None
        value = _integer(reader, node, f"`retry_settings.{key}` of {where}")
        if value is not None and node is not None:
            parallel.retry_settings[key] = value
            parallel.spans[f"retry_settings.{key}"] = node.span
    parallel.logging_level = walked.choice(
        reader, body.get("logging_level"), f"`logging_level` of {where}", LOGGING_LEVELS
    )
    keys = body.get("partition_keys")
    if keys is not None:
        parallel.partition_keys = walked.strings(reader, keys, f"`partition_keys` of {where}")


def _integer(reader: Reader, node: Node | None, where: str) -> int | None:
    if node is None:
        return None
    if not reader.walked:
        return reader.integer(node, where, minimum=None)
    value = walked.number(reader, node, where, integer=True)
    return value if isinstance(value, int) else None


def read_task_fields(reader: Reader, parallel: Parallel, task: Map, where: str) -> None:
    """The task's own fields: type, entry script, append_row_to (code, environment and arguments elsewhere)."""
    for entry in task:
        if isinstance(entry.key.value, str):
            parallel.spans["task." + entry.key.value] = entry.value.span
    # azure-ai-ml lower-cases the type (StringTransformedEnum); the walker takes any case.
    kind = walked.choice(
        reader, task.get("type"), f"`task.type` of {where}", TASK_TYPES, ignore_case=reader.walked
    )
    parallel.task_type = kind or parallel.task_type
    script = task.get("entry_script")
    parallel.entry_script = walked.text(reader, script, f"`task.entry_script` of {where}") if script else None
    parallel.append_row_to = _port_name(
        reader, task.get("append_row_to"), f"`task.append_row_to` of {where}", RefKind.OUTPUT
    )


def _task(step_reader: StepReader, step: Step, mapping: Map, task: Map, where: str) -> None:
    reader = step_reader.reader
    parallel = step.parallel
    assert parallel is not None
    read_task_fields(reader, parallel, task, where)
    code = task.get("code")
    step.code = walked.text(reader, code, f"`parallel.task.code` of {where}") if code else None
    step.code_span = code.span if code is not None else None
    environment = task.get("environment")
    if environment is not None:
        own = mapping.key_node("environment")
        if own is not None:
            reader.report(
                "S105",
                own.span,
                f"{where} names its environment twice: `environment` and `parallel.task.environment`",
                "keep one of them",
            )
        step.environment = read_env_ref(reader, environment, f"`parallel.task.environment` of {where}")
    # Like `${{outputs.NAME}}` in a command: declares the output when the step lists none.
    row_output = parallel.append_row_to
    if row_output is not None and row_output not in step.outputs and "outputs" not in mapping:
        span = parallel.spans["task.append_row_to"]
        step.outputs[row_output] = Port(row_output, span, type="uri_folder", implicit=True)
    parsed = read_template(
        reader, task.get("program_arguments"), f"`parallel.task.program_arguments` of {where}"
    )
    if parsed:
        template, parallel.program_arguments_node = parsed
        # The command's own desugaring: upstream references become implicit inputs.
        parallel.program_arguments = step_reader._desugar(
            step, template, declare_outputs="outputs" not in mapping
        )


def _own_ports(step_reader: StepReader, step: Step, mapping: Map, where: str) -> None:
    """The step's inputs and outputs, read as a command step's (outputs default to folders)."""
    reader = step_reader.reader
    step_reader._inputs(step, mapping.get("inputs"), where, None)
    for name, key, node in reader.named(mapping.get("outputs"), f"outputs of {where}"):
        port = read_output(reader, name, key, node, f"output `{name}` of {where}")
        step.outputs[name] = replace(port, type=port.type or "uri_folder")


def _port_name(reader: Reader, node: Node | None, where: str, kind: RefKind) -> str | None:
    """``${{inputs.NAME}}`` (or ``${{outputs.NAME}}``): the name of one of the step's own ports."""
    if node is None:
        return None
    text = (
        walked.text(reader, node, where) if reader.walked else reader.string(node, where, allow_numbers=False)
    )
    if text is None or not isinstance(node, Scalar):
        return None
    parsed = read_template(reader, node, where)
    if parsed is None:
        return None
    template, _ = parsed
    refs = list(template.refs())
    single = len(template.parts) == 1 and isinstance(template.parts[0], Placeholder)
    form = f"${{{{{kind.value}.NAME}}}}"
    if not single or refs[0].kind is not kind:
        reader.report("L101", node.span, f"{where} must be one reference `{form}`", f"write `{form}`")
        return None
    return refs[0].name


# A `type: parallel` job of a native pipeline file (azure-ai-ml's ParallelSchema, inline form).
NATIVE_KEYS = (
    "type", "name", "display_name", "description", "tags", "properties", "compute", "inputs",
    "outputs", "environment_variables", "resources", "identity", "experiment_name", *PARALLEL_KEYS,
)  # fmt: skip
NATIVE_TASK_KEYS = (*TASK_KEYS, "model", "args")
# Task keys azure-ai-ml reads (its task schema includes unknown keys) and then drops: a warning.
DROPPED_TASK_KEYS = {"args": "program_arguments"}


def read_native_parallel(job_reader: Any, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: parallel`` job with its task inline (``job_reader``: native.py's job reader).

    A parallel job that names a ``component:`` is read by :mod:`azpipe.readers.parallel_component`.
    """
    reader: Reader = job_reader.reader
    step.kind = "parallel"
    if "component" in mapping:
        from azpipe.readers.parallel_component import read_native_component_node

        read_native_component_node(job_reader, step, mapping, where)
        return
    # Azure ML needs input_data; the keys are the walker's (pipeline_job.PARALLEL_NODE).
    reader.mapping(mapping, where, reader.unwalked(NATIVE_KEYS), required=("input_data", "task"))
    job_reader._ignored_and_refused(step.name, mapping, where)
    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    step.details = read_details(reader, mapping, where)
    step.details.is_deterministic = None
    step.parallel = Parallel(mapping.span)
    before = len(reader.diagnostics)
    job_reader._inputs(step, mapping.get("inputs"), where, None)
    job_reader._outputs(step, mapping.get("outputs"), where, None)
    read_parallel_settings(reader, step.parallel, mapping, where)
    task = reader.mapping(mapping.get("task"), f"`task` of {where}", reader.unwalked(NATIVE_TASK_KEYS))
    if task is not None:
        _native_task(reader, step, task, where)
    step.incomplete |= any(d.code in ("E201", "S103", "R307") for d in reader.diagnostics[before:])


def _native_task(reader: Reader, step: Step, task: Map, where: str) -> None:
    parallel = step.parallel
    assert parallel is not None
    model = task.key_node("model")
    if model is not None:
        reader.report("S108", model.span, f"azpipe does not carry `task.model` of {where}",
                      "Azure ML's run_function task runs `entry_script`; remove it")  # fmt: skip
    dropped_task_keys(reader, task, where)
    read_task_fields(reader, parallel, task, where)
    code = task.get("code")
    step.code = reader.string(code, f"`task.code` of {where}")
    step.code_span = code.span if code is not None else None
    step.environment = read_env_ref(reader, task.get("environment"), f"`task.environment` of {where}")
    if step.environment and step.environment.kind == "registered":
        step.environment.value = step.environment.value.removeprefix("azureml:")
    parsed = read_template(reader, task.get("program_arguments"), f"`task.program_arguments` of {where}")
    if parsed:
        parallel.program_arguments, parallel.program_arguments_node = parsed
        for ref in parallel.program_arguments.refs():
            if ref.kind not in (RefKind.INPUT, RefKind.OUTPUT):
                span = parallel.program_arguments_node.span_of(ref.start, ref.end)
                reader.report("E202", span, f"`{ref}` cannot be used in a job's program arguments",
                              "bind it under `inputs:` and use `${{inputs.NAME}}`")  # fmt: skip


def dropped_task_keys(reader: Reader, task: Map, where: str) -> None:
    """Task keys azure-ai-ml accepts and drops (``args``): S110, naming the key that is sent."""
    for key, instead in DROPPED_TASK_KEYS.items():
        found = task.key_node(key)
        if found is not None:
            reader.report("S110", found.span, f"azure-ai-ml ignores `task.{key}` of {where}: it never reaches Azure ML",
                          f"write the arguments as `task.{instead}`")  # fmt: skip
