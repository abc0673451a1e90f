"""Spark steps (K101–K107), as azure-ai-ml 1.35 validates a spark node.

K101: the entry file must exist in the code folder (``Spark._validate_entry_exist``);
K108: a class entry is refused (``_validate_entry``: "Classpath is not supported").
K102: the driver and executor settings Azure ML requires, with or without dynamic
allocation (``_validate_spark_configurations``). K103: data inputs and outputs in
``direct`` mode (``_validate_input_output_mode``). K104: one of a node's ``compute``
and ``resources`` (``_validate_compute_or_resources``). K107: serverless resources
name one of Azure ML's spark instance types and a runtime version
(``SparkResourceConfigurationForNodeSchema``). A registered spark component is not
known offline: only its node's own settings are checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from azpipe.checks import values
from azpipe.checks.component_files import used_files
from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import ASSET_TYPES, Component, Pipeline, Port, SparkJob, Step
from azpipe.readers.interface import is_local_path
from azpipe.readers.reader import Reader
from azpipe.readers.spark import read_spark_component
from azpipe.rules import rule
from azpipe.source.nodes import Map, Node, Scalar
from azpipe.suggest import did_you_mean

INSTANCE_TYPES = (
    "standard_e4s_v3",
    "standard_e8s_v3",
    "standard_e16s_v3",
    "standard_e32s_v3",
    "standard_e64s_v3",
)
DIRECT = "direct"
ALWAYS = ("spark.driver.cores", "spark.driver.memory", "spark.executor.cores", "spark.executor.memory")
DYNAMIC = "spark.dynamicAllocation.enabled"
MIN_EXECUTORS, MAX_EXECUTORS = "spark.dynamicAllocation.minExecutors", "spark.dynamicAllocation.maxExecutors"
INSTANCES = "spark.executor.instances"


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every spark step, and each spark component once (its file's keys and values too)."""
    yield from component_file_problems(pipeline)
    yield from inline_component_problems(pipeline)
    seen: set[int] = set()
    for step in pipeline.steps.values():
        if step.kind != "spark" or step.spark is None:
            continue
        yield from _placement(step, step.spark)
        component = step.uses
        if component is None:
            yield from _job(pipeline.base_dir, step.code, step.spark, step.span)
            yield from _own_modes(step)
        elif component.spark is not None:
            if id(component) not in seen:
                seen.add(id(component))
                yield from _job(
                    _component_dir(pipeline, component), component.code, component.spark, component.span
                )
            yield from _node_modes(step, component)


def component_file_problems(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """The keys and values of each spark component file ``pipeline``'s steps use, against
    azure-ai-ml's schema (:mod:`azpipe.schema.spark_component`), as when the file is checked
    on its own: its reader leaves those to the schema. Each file is read again (with a reader
    of its own, so what that reader reports is not reported twice) and walked once."""
    for component, root, found in used_files(pipeline, lambda component: component.spark is not None):
        reader = Reader()
        read_spark_component(reader, root, component.path or "", f"component file `{component.path}`")
        yield from component_problems(root, found + reader.diagnostics)


def inline_component_problems(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """The keys and values of each native node's inline spark component, walked as a file a
    node uses is (read again with a reader of its own, so its reader's problems are not
    reported twice); the walker's "the file" is the node's component here."""
    for step in pipeline.steps.values():
        component = step.uses
        if component is None or component.spark is None or component.node is None:
            continue
        where = f"inline component of job `{step.name}`"
        reader = Reader()
        read_spark_component(reader, component.node, "inline", where)
        for found in component_problems(component.node, reader.diagnostics):
            yield replace(found, message=found.message.replace("the file", where))


def component_problems(root: Map, found: list[Diagnostic]) -> list[Diagnostic]:
    """A spark component's keys and values (a file a node uses, or a node's inline component:
    azure-ai-ml reads both with ``AnonymousSparkComponentSchema``), less what ``found`` reports."""
    return [*values.check(root, "used-spark-component", found), *_conf_values(root.get("conf"))]


def _conf_values(conf: Node | None) -> Iterator[Diagnostic]:
    """K102 at a ``conf`` value that makes azure-ai-ml refuse the file
    (``_validate_spark_configurations``): dynamic allocation is on only for `true` (any other
    value turns it off, which the executors' settings then contradict), and with it on the
    numbers of executors are compared (text fails)."""
    if not isinstance(conf, Map):
        return
    dynamic = conf.get(DYNAMIC)
    if dynamic is None:
        return
    if not isinstance(dynamic, Scalar) or dynamic.value not in (
        True,
        False,
        "True",
        "true",
        "False",
        "false",
    ):
        if MIN_EXECUTORS in conf or MAX_EXECUTORS in conf or INSTANCES not in conf:  # refused then
            yield rule("K102").at(dynamic.span, f"`{DYNAMIC}` must be true or false",
                                  "azure-ai-ml takes any other value for false")  # fmt: skip
        return
    if dynamic.value not in ("True", "true", True):
        return
    for key in (MIN_EXECUTORS, MAX_EXECUTORS, INSTANCES):
        value = conf.get(key)
        if isinstance(value, Scalar) and value.value is not None and _number(value.value) is None:
            yield rule("K102").at(value.span, f"`{key}` must be a number of executors, not `{value.text}`",
                                  "a whole number, as `4`")  # fmt: skip


def _component_dir(pipeline: Pipeline, component: Component) -> str:
    """A component's paths are relative to its file (an inline one's to the pipeline)."""
    if component.path is None:
        return pipeline.base_dir
    return os.path.dirname(os.path.normpath(os.path.join(pipeline.base_dir, component.path)))


def _job(base_dir: str, code: str | None, spark: SparkJob, span: Span) -> Iterator[Diagnostic]:
    yield from _entry(base_dir, code, spark)
    yield from _conf(spark, span)


def _entry(base_dir: str, code: str | None, spark: SparkJob) -> Iterator[Diagnostic]:
    """K101: ``entry.file`` inside a local ``code`` folder (a missing folder is F801's); K108: a class."""
    if spark.entry_kind == "class_name":
        yield rule("K108").at(spark.entry_span or spark.span, f"spark entry class `{spark.entry}`: Azure ML runs only an entry file",
                              "`entry: {file: main.py}` (a Python file in `code`)")  # fmt: skip
        return
    if spark.entry is None or spark.entry_kind != "file" or code is None or not is_local_path(code):
        return
    folder = os.path.normpath(os.path.join(base_dir, code))
    if not os.path.isdir(folder):
        return
    if not os.path.isfile(os.path.join(folder, spark.entry)):
        parent = os.path.dirname(os.path.join(folder, spark.entry))
        siblings = sorted(os.listdir(parent)) if os.path.isdir(parent) else []
        near = did_you_mean(os.path.basename(spark.entry), siblings)
        yield rule("K101").at(
            spark.entry_span or spark.span,
            f"spark entry `{spark.entry}` does not exist in code folder `{code}`",
            near or "the entry file is relative to `code`; Azure ML refuses a missing one",
        )


def _conf(spark: SparkJob, span: Span) -> Iterator[Diagnostic]:
    """K102: the settings Azure ML requires, as ``_validate_spark_configurations`` does."""
    conf = spark.conf
    where = spark.conf_span or span
    dynamic = conf.get(DYNAMIC) in ("True", "true", True)
    needed = ALWAYS if dynamic else (*ALWAYS, INSTANCES)
    missing = [key for key in needed if conf.get(key) is None]
    if missing:
        yield rule("K102").at(where, "spark `conf` needs " + ", ".join(f"`{key}`" for key in missing),
                              "Azure ML requires the driver's and executors' cores and memory"
                              + ("" if dynamic else ", and `spark.executor.instances` without dynamic allocation"))  # fmt: skip
        return
    low, high = _number(conf.get(MIN_EXECUTORS)), _number(conf.get(MAX_EXECUTORS))
    if not dynamic:
        if MIN_EXECUTORS in conf or MAX_EXECUTORS in conf:
            yield rule("K102").at(where, "spark `conf` sets min or max executors without dynamic allocation",
                                  f"set `{DYNAMIC}: true`, or remove them")  # fmt: skip
        return
    if low is None or high is None:
        yield rule("K102").at(where, f"dynamic allocation needs `{MIN_EXECUTORS}` and `{MAX_EXECUTORS}`",
                              "give both numbers of executors")  # fmt: skip
    elif not 0 < low <= high:
        yield rule("K102").at(where, f"`{MIN_EXECUTORS}` must be above 0 and at most `{MAX_EXECUTORS}`")
    else:
        instances = _number(conf.get(INSTANCES))
        if instances and not low <= instances <= high:
            yield rule("K102").at(where, f"`{INSTANCES}` must be between the min and max executors")


def _number(value: Any) -> float | None:
    """A conf number as azure-ai-ml compares it (a digit string counts)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _placement(step: Step, spark: SparkJob) -> Iterator[Diagnostic]:
    """K104 (one of compute and resources) and K107 (serverless resources Azure ML takes)."""
    if not spark.resources and step.compute is None:
        yield rule("K104").at(step.span, f"spark step `{step.name}` needs `compute` or `resources`",
                              "an attached Synapse pool (`compute: NAME`), or serverless "
                              "`resources: {instance_type: standard_e4s_v3, runtime_version: \"3.4\"}`")  # fmt: skip
    elif spark.resources and step.compute is not None:
        yield rule("K104").at(spark.resources_span or step.span, f"spark step `{step.name}` has both `compute` and `resources`",
                              "`resources` are for serverless spark; remove one of them")  # fmt: skip
    if not spark.resources:
        return
    span = spark.resources_span or step.span
    instance = spark.resources.get("instance_type")
    if instance is None or str(instance).lower() not in INSTANCE_TYPES:
        what = "needs `instance_type`" if instance is None else f"cannot use instance type `{instance}`"
        yield rule("K107").at(span, f"serverless spark {what}", "one of: " + ", ".join(INSTANCE_TYPES))
    if spark.resources.get("runtime_version") is None:
        yield rule("K107").at(
            span, "serverless spark needs `runtime_version`", 'e.g. `runtime_version: "3.4"`'
        )


def _own_modes(step: Step) -> Iterator[Diagnostic]:
    """K103 on a spark step's own interface: data ports in ``direct`` mode (the default)."""
    for what, ports in (("input", step.inputs), ("output", step.outputs)):
        for port in ports.values():
            if _is_data(port, step) and port.mode not in (None, DIRECT):
                yield _mode(step, what, port)


def _node_modes(step: Step, component: Component) -> Iterator[Diagnostic]:
    """K103 where azure-ai-ml finds it on a node: a literal data input, or a configured output,
    whose mode and whose component's mode are not ``direct``."""
    for name, port in step.inputs.items():
        declared = component.inputs.get(name)
        literal = (
            port.binding is not None and port.binding.ref is None and isinstance(port.binding.value, str)
        )
        data = literal and declared is not None and declared.type in ASSET_TYPES
        if data and declared is not None and port.mode != DIRECT and declared.mode != DIRECT:
            yield _mode(step, "input", port, port.mode or declared.mode)
    for name, port in step.outputs.items():
        declared = component.outputs.get(name)
        if declared is not None and port.mode is not None and port.mode != DIRECT and declared.mode != DIRECT:
            yield _mode(step, "output", port)


def _is_data(port: Port, step: Step) -> bool:
    """A data port (typed, or untyped with a mode: a reference to data)."""
    kind = port.type or port.written_type
    return kind in ASSET_TYPES or (kind is None and port.mode is not None)


def _mode(step: Step, what: str, port: Port, mode: str | None = None) -> Diagnostic:
    return rule("K103").at(
        port.span,
        f"{what} `{port.name}` of spark step `{step.name}` is in `{mode or port.mode}` mode",
        "Azure ML spark jobs read and write data in `direct` mode only",
    )
