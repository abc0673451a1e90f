"""Parallel components: ``type: parallel`` component files, prompt flows, and the nodes that use them.

A parallel component file (azure-ai-ml's ``ParallelComponentSchema``) holds a
parallel node's settings and its ``task``; it is read into a
:class:`~azpipe.model.Component` whose ``parallel`` holds them (spans in the
component file). A prompt flow (a ``flow.dag.yaml``, or a flow run file whose
``flow:`` names one) is a parallel component too, as azure-ai-ml's
``FlowComponent`` makes it: a fixed interface (input ``data``, optional
``flow_outputs``; outputs ``flow_outputs`` and ``debug_info``) plus one optional
string input for each column mapping the node binds (``text: ${data.text}``).

A native ``type: parallel`` node names one with ``component:`` (a file, or a
registered component whose interface is unknown offline: I001), and may
override the component's parallel settings on the node; a step of the azpipe
language does the same with ``uses:`` and an optional ``parallel:`` block that
holds only those settings.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from azpipe.model import Component, Parallel, Port, Settings, Step
from azpipe.readers.bindings import check_own_ports, read_template
from azpipe.readers.details import read_details
from azpipe.readers.entities import read_compute_ref
from azpipe.readers.parallel import (
    NATIVE_KEYS,
    NOT_ON_PARALLEL,
    PARALLEL_KEYS,
    TASK_TYPES,
    dropped_task_keys,
    read_parallel_settings,
    read_task_fields,
)
from azpipe.readers.reader import Reader
from azpipe.source.nodes import Map, Node, Scalar
from azpipe.suggest import did_you_mean

if TYPE_CHECKING:
    from azpipe.readers.steps import StepReader

# What a node (or a step's `parallel:` block) may set over its component's: the node's own settings.
OVERRIDES = tuple(key for key in PARALLEL_KEYS if key != "task")
NODE_KEYS = (*NATIVE_KEYS, "component")
PROMPTFLOW_PREFIX = "https://azuremlschemas.azureedge.net/promptflow/"
FLOW_SCHEMA = PROMPTFLOW_PREFIX + "latest/Flow.schema.json"
RUN_SCHEMA = PROMPTFLOW_PREFIX + "latest/Run.schema.json"
FLOW_FILE = "flow.dag.yaml"  # what azure-ai-ml looks for in a flow folder
FLOW_SUFFIXES = ("flow.dag.yaml", "flow.dag.yml")
# FlowComponent's fixed ports (azure-ai-ml's FlowComponentInputDict / FlowComponentOutputDict).
FLOW_INPUTS = {"data": False, "flow_outputs": True}  # name → optional
FLOW_OUTPUTS = ("flow_outputs", "debug_info")
# A flow input's name (azure-ai-ml's IOConstants.VALID_KEY_PATTERN): `connections.NODE.NAME` too.
FLOW_INPUT_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$")
# The fields of a flow file (FlowSchema, RunSchema) azure-ai-ml reads; it ignores every other key.
FLOW_STRINGS = ("name", "version", "display_name", "description", "variant")


def is_flow_document(root: Node, value: str) -> bool:
    """True when a component file is a prompt flow: a promptflow ``$schema``, or a ``flow.dag.yaml``."""
    schema = root.get("$schema") if isinstance(root, Map) else None
    if isinstance(schema, Scalar) and str(schema.value).startswith(PROMPTFLOW_PREFIX):
        return True
    return value.endswith(FLOW_SUFFIXES)


def is_parallel(component: Component | None) -> bool:
    """True when ``component`` is a parallel component (a prompt flow included)."""
    return component is not None and component.parallel is not None


def is_flow(component: Component | None) -> bool:
    """True when ``component`` is a prompt flow used as a parallel component."""
    return component is not None and component.parallel is not None and component.parallel.flow is not None


# --------------------------------------------------------------- parallel component files


def read_parallel_component(reader: Reader, root: Map, value: str, where: str) -> Component:
    """A ``type: parallel`` component (a file's root): its interface, settings and task.

    Keys, shapes and allowed values are the schema walker's (``azpipe.schema.parallel_component``:
    azure-ai-ml ignores unknown keys at the top, in ``task`` and ``retry_settings``, so those
    are warnings), wherever the file is read: a file checked on its own, or one a pipeline uses
    (:func:`azpipe.checks.parallel.component_file_problems`). This reader reports only what
    Azure ML needs beyond azure-ai-ml's schema: ``input_data``, ``task`` and its ``entry_script``,
    and the ports and placeholders they name."""
    from azpipe.readers.component_file import component_environment, read_ports

    reader.mapping(root, where, None, required=("input_data", "task"))
    quiet = QuietReader(reader)
    name = quiet.string(root.get("name"), f"`name` of {where}")
    component = Component(name or value, root.span, source="file")
    component.path = value
    component.version = quiet.string(root.get("version"), f"`version` of {where}")
    component.details = _details(quiet, root, where)
    read_ports(reader, component, root, where)
    parallel = component.parallel = Parallel(root.span)
    read_parallel_settings(quiet, parallel, root, where)
    quiet.done()
    task = reader.mapping(root.get("task"), f"`task` of {where}", None, required=("entry_script",))
    if task is None:
        return component
    model = task.key_node("model")
    if model is not None:
        reader.report("S108", model.span, f"azpipe does not carry `task.model` of {where}",
                      "Azure ML's run_function task runs `entry_script`; remove it")  # fmt: skip
    dropped_task_keys(reader, task, where)
    quiet = QuietReader(reader, choices=True)  # `task.type` is case-insensitive
    read_task_fields(quiet, parallel, task, where)
    kind = task.get("type")
    if isinstance(kind, Scalar) and str(kind.value).lower() in TASK_TYPES:
        parallel.task_type = str(kind.value).lower()  # azure-ai-ml lower-cases it
    component.code = quiet.string(task.get("code"), f"`task.code` of {where}")  # relative to the file
    component.environment = component_environment(quiet, task.get("environment"), f"`task` of {where}")
    quiet.done()
    _own_ports(reader, component, parallel, where)
    parsed = read_template(reader, task.get("program_arguments"), f"`task.program_arguments` of {where}")
    if parsed:
        parallel.program_arguments, parallel.program_arguments_node = parsed
        _arguments_name_own_ports(reader, component, where)
    return component


class QuietReader(Reader):
    """A reader of values the schema walker checks: it keeps what it reads and passes on to
    ``reader`` every problem but a key or shape one (the walker's, read as marshmallow reads
    them: `"3"` is an integer, a retry may be a `${{ }}` binding), and with ``choices`` a value
    not among the reader's choices (the walker's when azure-ai-ml ignores its case)."""

    def __init__(self, reader: Reader, choices: bool = False) -> None:
        super().__init__()
        self.reader = reader
        self.walkers = frozenset({"S101", "S102", *(("S106",) if choices else ())})

    def done(self) -> None:
        """Pass on the problems found so far that are not the walker's."""
        self.reader.diagnostics += [d for d in self.diagnostics if d.code not in self.walkers]
        self.diagnostics = []


# The job details of a parallel component azure-ai-ml reads (ParallelComponentSchema's fields);
# any other (`environment_variables`, `limits`...) it ignores, so azpipe does not carry it either.
_DETAILS = ("display_name", "description", "tags", "is_deterministic", "resources", "properties")


def _details(reader: Reader, root: Map, where: str) -> Settings:
    read = read_details(reader, root, where, component=True)
    details = Settings()
    for key in _DETAILS:
        setattr(details, key, getattr(read, key))
    return details


def _own_ports(reader: Reader, component: Component, parallel: Parallel, where: str) -> None:
    """``input_data`` names one of the component's inputs, ``append_row_to`` one of its outputs."""
    for key, name, ports in (
        ("input_data", parallel.input_data, component.inputs),
        ("task.append_row_to", parallel.append_row_to, component.outputs),
    ):
        if name is not None and name not in ports:
            what = "input" if key == "input_data" else "output"
            hint = did_you_mean(name, ports) or f"{where} declares: " + (", ".join(ports) or "none")
            reader.report("L101", parallel.spans.get(key, parallel.span), f"`{key}` of {where} names no {what} `{name}`", hint)  # fmt: skip


def _arguments_name_own_ports(reader: Reader, component: Component, where: str) -> None:
    parallel = component.parallel
    assert parallel is not None and parallel.program_arguments is not None
    node = parallel.program_arguments_node
    assert node is not None
    used_in = f"the `task.program_arguments` of {where}"
    check_own_ports(reader, component, parallel.program_arguments, node, used_in, where)


def read_parallel_kind(reader: Reader, root: Map, value: str, where: str) -> Component | None:
    """A parallel component file's root, or a prompt flow's (``is_flow_document``)."""
    if is_flow_document(root, value):
        return read_flow_component(reader, root, value, where)
    return read_parallel_component(reader, root, value, where)


# --------------------------------------------------------------- prompt flows


def read_flow_component(reader: Reader, root: Map, value: str, where: str) -> Component | None:
    """A prompt flow used as a parallel component: a ``flow.dag.yaml``, or a flow run file."""
    schema_node = root.get("$schema")
    schema = schema_node.value if isinstance(schema_node, Scalar) else None
    if schema not in (FLOW_SCHEMA, RUN_SCHEMA):
        reader.report("L108", (schema_node or root).span, f"{where} is a prompt flow without the `$schema` azure-ai-ml needs",
                      f"write `$schema: {FLOW_SCHEMA}` in a flow.dag.yaml, `$schema: {RUN_SCHEMA}` in a flow run file")  # fmt: skip
        return None
    folder = os.path.dirname(root.span.file)
    flow_file = os.path.basename(value)
    if schema == RUN_SCHEMA:
        found = _run_flow(reader, root, folder, where)
        if found is None:
            return None
        flow_file = found
    name = reader.string(root.get("name"), f"`name` of {where}")
    default_name = os.path.basename(os.path.abspath(os.path.join(folder, os.path.dirname(flow_file))))
    component = Component(name or default_name.replace("-", "_"), root.span, source="file")
    component.path = value
    component.code = os.path.dirname(flow_file) or "."  # the flow folder, relative to the file
    for key in FLOW_STRINGS:
        reader.string(root.get(key), f"`{key}` of {where}")
    component.version = reader.string(root.get("version"), f"`version` of {where}")
    component.details.environment_variables = reader.string_map(
        root.get("environment_variables"), f"`environment_variables` of {where}"
    )
    component.parallel = Parallel(root.span, flow=flow_file)
    # azure-ai-ml declares both `uri_folder` but binds a `uri_file` (a .jsonl) to `data` without a
    # word, as Azure's flow examples do: their type is left open, so no binding is refused.
    for port, optional in FLOW_INPUTS.items():
        component.inputs[port] = Port(port, root.span, optional=optional)
    for port in FLOW_OUTPUTS:
        component.outputs[port] = Port(port, root.span, type="uri_folder")
    return component


def _run_flow(reader: Reader, root: Map, folder: str, where: str) -> str | None:
    """A flow run file's ``flow:``: the flow folder (holding flow.dag.yaml) or file, relative to the run file."""
    node = root.get("flow")
    text = reader.string(node, f"`flow` of {where}", allow_numbers=False)
    if node is None:
        reader.report("S103", root.span, f"{where} needs `flow`", "the folder of the flow's flow.dag.yaml")
        return None
    if text is None:
        return None
    full = os.path.normpath(os.path.join(folder, text))
    if os.path.isdir(full) and os.path.isfile(os.path.join(full, FLOW_FILE)):
        return os.path.normpath(os.path.join(text, FLOW_FILE))
    if os.path.isfile(full):
        return os.path.normpath(text)
    reader.report("F801", node.span, f"`flow` of {where}: `{text}` is neither a flow file nor a folder holding {FLOW_FILE}",
                  "name the folder of the flow, relative to this file")  # fmt: skip
    return None


def fit_flow_inputs(reader: Reader, component: Component, inputs: Node | None) -> Component:
    """A flow component with one optional string input for each column mapping or connection the
    node binds (azure-ai-ml's ``FlowComponentInputDict._fit_inputs``); any other component as it is.
    Each name must be one azure-ai-ml's Python builder takes (N701; its YAML loader takes any)."""
    if not is_flow(component) or not isinstance(inputs, Map):
        return component
    extra = {}
    for entry in inputs:
        name = entry.key.value
        if not isinstance(name, str) or name in component.inputs:
            continue
        if not FLOW_INPUT_NAME.match(name):
            reader.report("N701", entry.key.span, f"flow input name `{name}` is not a valid Azure ML name",
                          "letters, digits and `_`, not starting with a digit; `connections.NODE.NAME` for a connection")  # fmt: skip
        extra[name] = Port(name, entry.key.span, type="string", optional=True)
    return replace(component, inputs={**component.inputs, **extra}) if extra else component


# --------------------------------------------------------------- native nodes


def read_native_component_node(job_reader: Any, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: parallel`` node with a ``component:`` (file, flow or registered) and the
    parallel settings it overrides (``job_reader``: native.py's job reader)."""
    reader: Reader = job_reader.reader
    reader.mapping(mapping, where, reader.unwalked(NODE_KEYS))
    job_reader._ignored_and_refused(step.name, mapping, where)
    task = mapping.key_node("task")
    if task is not None:
        reader.report("S108", task.span, f"azpipe does not carry a `task` written on {where} over its component's",
                      "set the task in the parallel component")  # fmt: skip
    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    step.details = read_details(reader, mapping, where)
    step.details.is_deterministic = None  # a node's is its component's
    step.parallel = Parallel(mapping.span)
    read_parallel_settings(reader, step.parallel, mapping, where)
    before = len(reader.diagnostics)
    node = mapping.get("component")
    assert node is not None
    component = _node_component(job_reader, step, node, where)
    if component is None:
        step.incomplete = True
        return
    component = fit_flow_inputs(reader, component, mapping.get("inputs"))
    step.uses, step.uses_span = component, node.span
    job_reader._inputs(step, mapping.get("inputs"), where, component)
    job_reader._outputs(step, mapping.get("outputs"), where, component)
    not_a_parallel_component(reader, step, node)
    replaced_overrides(reader, step, where)
    step.incomplete |= any(d.code in ("E201", "S103", "R307") for d in reader.diagnostics[before:])


def replaced_overrides(reader: Reader, step: Step, where: str) -> None:
    """An override azure-ai-ml replaces by its parallel component file's value because it is falsy
    (``mini_batch_error_threshold: 0``): a warning, as the value never reaches Azure ML."""
    node = step.parallel
    if node is None or not is_parallel(step.uses) or is_flow(step.uses):
        return
    for key in ("max_concurrency_per_instance", "mini_batch_error_threshold"):
        if getattr(node, key) == 0 and key in node.spans:
            reader.report("S110", node.spans[key], f"azure-ai-ml replaces `{key}: 0` of {where} by its component's",
                          "it reads 0 as unset on a node of a parallel component; set the value in the component")  # fmt: skip


def _node_component(job_reader: Any, step: Step, node: Node, where: str) -> Component | None:
    from azpipe.readers.component_file import is_component_file, read_component_file

    reader: Reader = job_reader.reader
    if isinstance(node, Map):
        reader.report("S107", node.span, f"{where}: a parallel job with an inline `component:` is not supported yet",
                      "write the component's settings and `task:` on the job itself, or in a component file")  # fmt: skip
        return None
    text = reader.string(node, f"`component` of {where}", allow_numbers=False)
    if text is None or not isinstance(node, Scalar):
        return None
    if is_component_file(text.removeprefix("file:")):
        return read_component_file(reader, text.removeprefix("file:"), node, job_reader.pipeline.base_dir)
    return registered(reader, text, node)


def registered(reader: Reader, value: str, node: Scalar) -> Component:
    """A registered parallel component: its interface is unknown offline (I001), its bindings passed on."""
    reader.report("I001", node.span, f"the interface of `{value}` is unknown offline; its bindings are passed as written",
                  "use a local parallel component file to have it checked")  # fmt: skip
    return Component(value, node.span, source="registered")


def not_a_parallel_component(reader: Reader, step: Step, node: Node) -> None:
    """A parallel node must use a parallel component (a registered one is not known offline)."""
    component = step.uses
    if component is None or not component.known or component.parallel is not None:
        return
    kind = "spark" if component.spark is not None else "command"
    reader.report("L108", node.span, f"step `{step.name}` is a parallel step but its component is a `{kind}` component",
                  "use a component with `type: parallel` (or a prompt flow), or make the step a command step")  # fmt: skip


# --------------------------------------------------------------- the azpipe language


def read_parallel_uses(step_reader: StepReader, step: Step, mapping: Map, where: str) -> None:
    """A step that ``uses:`` a parallel component, with the settings it overrides in ``parallel:``."""
    reader = step_reader.reader
    step.kind = "parallel"
    _not_on_node(reader, step, mapping)
    block_where = f"`parallel` of {where}"
    block = reader.mapping(mapping.get("parallel"), block_where, PARALLEL_KEYS)
    step.parallel = Parallel(block.span if block is not None else step.span)
    if block is not None:
        task = block.key_node("task")
        if task is not None:
            reader.report("S105", task.span, f"{where} uses a component and has `parallel.task`",
                          "the task is the component's; a step that `uses:` one sets only the node's settings")  # fmt: skip
        read_parallel_settings(reader, step.parallel, block, block_where)
    step_reader._uses(step, mapping, where)
    replaced_overrides(reader, step, block_where)
    not_a_parallel_component(reader, step, mapping.get("uses") or mapping)


def parallel_of_uses(reader: Reader, step: Step, mapping: Map) -> None:
    """A step that uses a parallel component (or a flow) without a ``parallel:`` block is a parallel step."""
    if step.kind == "command" and is_parallel(step.uses):
        step.kind = "parallel"
        step.parallel = Parallel(step.uses_span or step.span)
        _not_on_node(reader, step, mapping)


def _not_on_node(reader: Reader, step: Step, mapping: Map) -> None:
    """Step settings a parallel node has no field for (L107); its environment is its component's task's."""
    for key in (*NOT_ON_PARALLEL, "environment"):
        found = mapping.key_node(key)
        if found is not None:
            hint = "set it in the component's task" if key == "environment" else "Azure ML's parallel node has no such setting; remove it"  # fmt: skip
            reader.report("L107", found.span, f"`{key}` does not apply to parallel step `{step.name}`", hint)
