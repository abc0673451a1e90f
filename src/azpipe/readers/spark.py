"""Spark steps: the ``spark:`` block of an azpipe step, native ``type: spark`` nodes and
spark component files (``type: spark``), read into :class:`~azpipe.model.SparkJob`.

A spark job's ``args`` are read as a command template: its placeholders follow the
rules of a command's (``${{inputs.x}}``, ``${{outputs.y}}``, and in the azpipe
language ``${{parent.inputs.x}}``/``${{STEP.outputs.y}}``, which become implicit
inputs), and the checks that look at a command look at them. Shapes follow
azure-ai-ml 1.35's ``ParameterizedSparkSchema``, ``SparkSchema`` (the node) and
``SparkResourceConfigurationForNodeSchema``.

A ``spark:`` block's keys, shapes and types are the schema walker's
(:data:`azpipe.schema.node_kinds.SPARK_BLOCK`), as a spark component file's are
(:mod:`azpipe.schema.spark_component`): this reader reads the checked nodes
(:mod:`azpipe.readers.walked`) and reports what needs meaning: `entry` unless the
step ``uses:`` a component (S103), exactly one of ``entry.file`` and
``entry.class_name``, keys that belong to the component a step uses (S105),
duplicate files (K105). A native spark node is walked too
(:data:`azpipe.schema.pipeline_job.SPARK_NODE`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from azpipe.expr.ast import RefKind
from azpipe.model import Component, SparkJob, Step
from azpipe.readers import walked
from azpipe.readers.bindings import check_own_ports, read_template
from azpipe.readers.details import read_details
from azpipe.readers.entities import read_compute_ref, read_env_ref
from azpipe.readers.ports import read_output
from azpipe.readers.reader import Reader
from azpipe.schema.language import keys_of
from azpipe.schema.node_kinds import SPARK_BLOCK
from azpipe.source.nodes import Map, Node, Scalar

if TYPE_CHECKING:
    from azpipe.readers.native import _JobReader
    from azpipe.readers.steps import StepReader

# The keys of a `spark:` block in the azpipe language (the step holds code, environment, identity...).
BLOCK_KEYS = keys_of(SPARK_BLOCK)  # the language schema's `spark:` block
# What a step that `uses:` a spark component may still set in its `spark:` block: the node's own.
USES_BLOCK_KEYS = ("resources",)
RESOURCE_KEYS = keys_of(SPARK_BLOCK["properties"]["resources"])
LIST_KEYS = ("py_files", "jars", "files", "archives")
ENTRY_KINDS = ("file", "class_name")
# The spark component file's keys (azure-ai-ml's SparkComponentSchema).
COMPONENT_KEYS = (
    "$schema", "type", "name", "version", "display_name", "description", "tags", "is_deterministic", "code",
    "entry", "py_files", "jars", "files", "archives", "conf", "args", "environment", "inputs", "outputs",
    "properties", "additional_includes",
)  # fmt: skip
# A node with a component may restate these; azure-ai-ml then overrides its component's: not carried.
NODE_OVERRIDES = ("code", "entry", "py_files", "jars", "files", "archives", "conf", "args", "environment")


def read_spark(reader: Reader, mapping: Map, where: str, keys: tuple[str, ...] = BLOCK_KEYS) -> SparkJob:
    """The spark fields of ``mapping`` (a ``spark:`` block, a native spark job or a spark component)."""
    spark = SparkJob(mapping.span)
    entry = mapping.get("entry")
    if "entry" in keys and entry is not None:
        _entry(reader, spark, entry, f"`entry` of {where}")
    for key in LIST_KEYS:
        if key in keys:
            items = walked.string_items(reader, mapping.get(key), f"`{key}` of {where}")
            setattr(spark, key, [text for text, _ in items])
            _no_duplicates(reader, items, f"`{key}` of {where}")
    conf = mapping.get("conf")
    if "conf" in keys and conf is not None:
        spark.conf = _conf(reader, conf, f"`conf` of {where}")
        spark.conf_span = conf.span
    resources = mapping.get("resources")
    if "resources" in keys and resources is not None:
        spark.resources = _resources(reader, resources, f"`resources` of {where}")
        spark.resources_span = resources.span
    return spark


def _entry(reader: Reader, spark: SparkJob, node: Node, where: str) -> None:
    """``entry: main.py`` (the azpipe language's short form), ``{file: ...}`` or ``{class_name: ...}``."""
    spark.entry_span = node.span
    if isinstance(node, Scalar):
        spark.entry = _text(reader, node, where)
        return
    mapping = walked.mapping(reader, node, where, ENTRY_KINDS)
    if mapping is None:
        return
    given = [kind for kind in ENTRY_KINDS if kind in mapping]
    if len(given) != 1:
        reader.report("S105" if given else "S103", node.span, f"{where} needs exactly one of `file` and `class_name`",
                      "`file:` a Python or JAR file in `code`, or `class_name:` a JVM main class")  # fmt: skip
        return
    spark.entry_kind = given[0]
    value = mapping.get(given[0])
    spark.entry = _text(reader, value, f"`{given[0]}` of {where}") if value is not None else None
    spark.entry_span = value.span if value is not None else node.span


def _text(reader: Reader, node: Node, where: str) -> str | None:
    """A path or a class name: a string (a number is not one)."""
    return (
        walked.text(reader, node, where) if reader.walked else reader.string(node, where, allow_numbers=False)
    )


def _no_duplicates(reader: Reader, items: list[tuple[str, Scalar]], where: str) -> None:
    seen: set[str] = set()
    for text, item in items:
        if text in seen:
            reader.report(
                "K105", item.span, f"{where} lists `{text}` twice", "Azure ML refuses duplicate entries"
            )
        seen.add(text)


def _conf(reader: Reader, node: Node, where: str) -> dict[str, Any]:
    """Spark properties: names to scalars, as written (Azure ML passes them to Spark)."""
    found: dict[str, Any] = {}
    for name, _key, value in reader.named(node, where):
        if isinstance(value, Scalar) and value.value is not None:
            found[name] = value.value
        else:  # an empty value is the readers' to report; the walker drops its own at the same place
            reader.wrong_shape(value, f"`{name}` in {where}", "value")
    return found


def _resources(reader: Reader, node: Node, where: str) -> dict[str, Any]:
    """``instance_type`` and ``runtime_version`` (a version: ``3.4``, written as text)."""
    mapping = walked.mapping(reader, node, where, RESOURCE_KEYS)
    found: dict[str, Any] = {}
    if mapping is None:
        return found
    for key in RESOURCE_KEYS:
        value = walked.scalar_text(reader, mapping.get(key), f"`{key}` of {where}")
        if value is not None:
            found[key] = value
    return found


def without(mapping: Map, keys: tuple[str, ...]) -> Map:
    """``mapping`` less ``keys`` (read elsewhere, with another shape)."""
    return replace(mapping, entries=[entry for entry in mapping.entries if entry.key.value not in keys])


def is_spark(component: Component | None) -> bool:
    """True when ``component`` is a spark component."""
    return component is not None and component.spark is not None


def read_spark_component(reader: Reader, root: Map, value: str, where: str) -> Component:
    """A spark component: a file's root, or inline (``value`` is ``inline``) in a native node.

    A file's keys, shapes and allowed values are the schema walker's
    (:mod:`azpipe.schema.spark_component`: azure-ai-ml ignores unknown keys at the top, so
    those are warnings), wherever the file is read: on its own, or used by a pipeline
    (:func:`azpipe.checks.spark.component_file_problems`), or inline in a node
    (:func:`azpipe.checks.spark.inline_component_problems`: azure-ai-ml reads it the same way). This reader reports what the schema cannot say:
    exactly one of ``entry.file`` and ``entry.class_name``, duplicate files, the ports ``args``
    names, the environment reference's form."""
    from azpipe.readers.component_file import component_environment, read_ports
    from azpipe.readers.parallel_component import QuietReader

    inline = value == "inline"
    reader.mapping(root, where, None)
    quiet = QuietReader(reader)
    name = quiet.string(root.get("name"), f"`name` of {where}")
    component = Component(name or value, root.span, source="inline" if inline else "file")
    component.path = None if inline else value
    component.code = quiet.string(root.get("code"), f"`code` of {where}")
    component.code_span = getattr(root.get("code"), "span", None)
    component.version = quiet.string(root.get("version"), f"`version` of {where}")
    component.environment = component_environment(quiet, root.get("environment"), where)
    # Only the job details azure-ai-ml reads (SparkComponentSchema's): it ignores any other.
    component.details = read_details(quiet, only(root, _DETAILS), where)
    quiet.done()
    read_ports(reader, component, root, where)
    with walked.walking(reader):  # the file's schema is walked (azpipe.checks.spark)
        component.spark = read_spark(
            reader, root, where, tuple(key for key in BLOCK_KEYS if key != "resources")
        )
    if component.spark.entry is None and "entry" not in root:
        reader.report(
            "S103",
            root.span,
            f"{where} needs `entry`",
            "`entry: {file: main.py}` (in `code`) or `{class_name: ...}`",
        )
    _component_args(reader, component, root.get("args"), where)
    if inline:  # walked by azpipe.checks.spark, as a file a node uses is
        component.node = root
    return component


# The job details of a spark component azure-ai-ml reads (SparkComponentSchema's fields).
_DETAILS = ("display_name", "description", "tags", "is_deterministic", "properties", "additional_includes")


def only(mapping: Map, keys: tuple[str, ...]) -> Map:
    """``mapping`` with ``keys`` alone."""
    return replace(mapping, entries=[entry for entry in mapping.entries if entry.key.value in keys])


def _component_args(reader: Reader, component: Component, node: Node | None, where: str) -> None:
    """A component's ``args``: each placeholder names one of its own ports (P405 otherwise)."""
    parsed = read_template(reader, node, f"`args` of {where}")
    if parsed is None:
        return
    component.command, component.command_node = parsed
    check_own_ports(reader, component, *parsed, f"the `args` of {where}", where)


def read_native_spark(jobs: _JobReader, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: spark`` node: a component (file, inline, registered) or a spark job of its own."""
    reader = jobs.reader
    step.kind = "spark"
    with_component = "component" in mapping  # the walker checks its keys (pipeline_job.SPARK_NODE)
    jobs._ignored_and_refused(step.name, mapping, where)
    if with_component:
        for key in NODE_OVERRIDES:
            found = mapping.key_node(key)
            if found is not None:
                reader.report("S108", found.span, f"azpipe does not carry `{key}` written on {where} over its component's",
                              f"set `{key}` in the spark component")  # fmt: skip
    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    step.details = read_details(reader, without(mapping, ("resources",)), where)
    step.details.is_deterministic = None
    own = read_spark(reader, mapping, where, BLOCK_KEYS if not with_component else USES_BLOCK_KEYS)
    before = len(reader.diagnostics)
    if with_component:
        jobs._component(step, mapping, where)
        _uses_spark(reader, step, mapping.get("component") or mapping)
        step.spark = own
    else:
        step.spark = own
        step.environment = read_env_ref(reader, mapping.get("environment"), f"`environment` of {where}")
        code = mapping.get("code")
        step.code = reader.string(code, f"`code` of {where}")
        step.code_span = code.span if code else None
        jobs._inputs(step, mapping.get("inputs"), where, None)
        jobs._outputs(step, mapping.get("outputs"), where, None)
        if own.entry is None and "entry" not in mapping:
            reader.report("S103", step.span, f"{where} needs `entry` (or `component`)")
        parsed = read_template(reader, mapping.get("args"), f"`args` of {where}")
        if parsed:
            step.command, step.command_node = parsed
            for ref in step.command.refs():
                if ref.kind not in (RefKind.INPUT, RefKind.OUTPUT):
                    reader.report("E202", step.ref_span(ref), f"`{ref}` cannot be used in a spark job's `args`",
                                  "bind it under `inputs:` and use `${{inputs.NAME}}`")  # fmt: skip
    step.incomplete |= any(d.code in ("E201", "S103", "R307") for d in reader.diagnostics[before:])


def _uses_spark(reader: Reader, step: Step, node: Node) -> None:
    """A spark node or step must use a spark component (a registered one is not known offline)."""
    component = step.uses
    if component is None or not component.known or component.spark is not None:
        return
    reader.report("K106", node.span, f"step `{step.name}` is a spark step but its component is not a spark component",
                  "use a component with `type: spark`, or make the step a command step")  # fmt: skip


def read_spark_step(steps: StepReader, step: Step, mapping: Map, where: str) -> None:
    """A step of the azpipe language with a ``spark:`` block (its own job, or ``uses:`` a spark component)."""
    reader = steps.reader
    step.kind = "spark"
    block_where = f"`spark` of {where}"
    uses = "uses" in mapping
    block = walked.mapping(reader, mapping.get("spark"), block_where, BLOCK_KEYS)
    for conflict in ("command",):
        key = mapping.key_node(conflict)
        if key is not None:
            reader.report("S105", key.span, f"{where} has both `spark` and `{conflict}`",
                          "a spark step runs `spark.entry` with `spark.args`")  # fmt: skip
    if uses:
        if block is not None:
            for entry in block:  # an unknown key is the walker's (S101)
                if entry.key.value in BLOCK_KEYS and entry.key.value not in USES_BLOCK_KEYS:
                    reader.report("S105", entry.key.span, f"`{entry.key.value}` belongs to the spark component {where} uses",
                                  "a step that `uses:` a spark component sets only `spark.resources`")  # fmt: skip
        steps._uses(step, mapping, where)
        _uses_spark(reader, step, mapping.get("uses") or mapping)
        step.spark = read_spark(reader, block, block_where, USES_BLOCK_KEYS) if block else SparkJob(step.span)
        return
    step.spark = read_spark(reader, block, block_where) if block else SparkJob(step.span)
    if step.spark.entry is None and (block is None or "entry" not in block):
        reader.report("S103", (block or mapping).span, f"{block_where} needs `entry`",
                      "`entry: main.py` (a file in the step's `code`) or `entry: {class_name: ...}`")  # fmt: skip
    _own_job(steps, step, mapping, block.get("args") if block else None, where)


def _own_job(steps: StepReader, step: Step, mapping: Map, args: Node | None, where: str) -> None:
    """Code, ports and ``args`` of a spark step of its own; ``args`` desugared as a command is."""
    reader = steps.reader
    code = mapping.get("code")
    step.code = reader.string(code, f"`code` of {where}")
    step.code_span = code.span if code else None
    steps._inputs(step, mapping.get("inputs"), where, None)
    outputs = mapping.get("outputs")
    for name, key, node in reader.named(outputs, f"outputs of {where}"):
        port = read_output(reader, name, key, node, f"output `{name}` of {where}")
        step.outputs[name] = replace(port, type=port.type or "uri_folder")
    parsed = read_template(reader, args, f"`spark.args` of {where}")
    if parsed:
        template, step.command_node = parsed
        step.command = steps._desugar(step, template, declare_outputs=outputs is None)


def spark_of_uses(step: Step) -> None:
    """A step that uses a spark component without a ``spark:`` block is a spark step too."""
    if step.kind == "command" and is_spark(step.uses):
        step.kind = "spark"
        step.spark = SparkJob(step.span)
