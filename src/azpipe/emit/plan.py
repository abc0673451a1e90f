"""What to emit, decided once for both targets.

:func:`plan` turns a checked :class:`~azpipe.model.Pipeline` into a :class:`Plan`:
steps in topological order with every port, binding, environment and path
already in the form Azure ML takes, so that the Python and the YAML emitters
only differ in spelling. Paths are made relative to the folder the output is
written to. ``after:`` edges become the synthetic ports described in
``docs/compiling.md``. What cannot be compiled is refused with diagnostics.
"""

from __future__ import annotations

import hashlib
import itertools
import keyword
import os
import re
from dataclasses import field
from typing import Any

from azpipe.checks.targets import inputs_without_value, orders_by_port, target_only, target_only_diagnostic
from azpipe.diagnostics import Diagnostic, Span
from azpipe.emit import CompileRefused
from azpipe.emit.automl import plan_automl
from azpipe.emit.data_transfer import plan_transfer
from azpipe.emit.parallel import plan_parallel
from azpipe.emit.spark import plan_spark, spark_environments
from azpipe.emit.sweep import plan_sweep
from azpipe.expr.ast import RefKind
from azpipe.graph import topological_order
from azpipe.model import (
    ASSET_TYPES,
    Binding,
    Compute,
    EnvRef,
    Pipeline,
    PipelineInput,
    PipelineOutput,
    Port,
    Settings,
    Step,
)
from azpipe.readers.shapes import DISTRIBUTIONS, IDENTITIES, SERVICES, misplaced
from azpipe.records import record
from azpipe.rules import rule

AFTER_OUTPUT = "azpipe_done"
AFTER_INPUT = "azpipe_after_"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@record(frozen=True)
class PathValue:
    """A path as the emitted file writes it: ``local`` ones relative to the emitted file's folder."""

    text: str
    local: bool


@record
class Source:
    """What a node input is bound to.

    ``kind``: ``input`` (pipeline input ``name``), ``output`` (output ``name`` of
    ``step``; ``attr`` when the Python side can name it as an attribute),
    ``literal`` (``value``) or ``asset`` (``path`` of type ``type``).
    """

    kind: str
    name: str = ""
    step: str = ""
    attr: bool = True
    value: Any = None
    type: str | None = None
    path: PathValue | None = None


@record
class InPort:
    """A node input: its component definition (owned steps) and its binding."""

    name: str
    type: str | None = None
    optional: bool = False
    default: Any = None
    description: str | None = None
    source: Source | None = None
    mode: str | None = None  # node-level input mode
    min: Any = None
    max: Any = None
    enum: list[Any] | None = None
    declared_mode: str | None = None  # the component's own input mode
    datastore: str | None = None  # node level: where a local file is uploaded to


@record
class OutPort:
    """A node output; ``pipeline_output`` names the pipeline output it is exposed as."""

    name: str
    type: str | None = None
    mode: str | None = None
    path: str | None = None
    asset_name: str | None = None
    asset_version: str | None = None
    description: str | None = None
    pipeline_output: str | None = None
    declared_mode: str | None = None  # the mode of the component azpipe writes

    @property
    def configured(self) -> bool:
        """True when the node sets more than the type."""
        return any(v is not None for v in (self.mode, self.path, self.asset_name, self.asset_version))


@record
class EnvPlan:
    """A step's environment: a reference (``azureml:NAME:VERSION``...) or an inline image."""

    ref: str | None = None
    image: str | None = None
    conda_file: PathValue | None = None
    build: dict[str, Any] | None = None  # `path` a PathValue
    os_type: str | None = None
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@record
class Details:
    """Settings of a node or of the component azpipe writes for it; empty ones are left out.

    ``limits``, ``resources``, ``distribution``, ``identity``, ``queue_settings``,
    ``properties`` and ``services`` are the plain mappings :mod:`azpipe.readers.shapes` reads.
    """

    display_name: str | None = None
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    distribution: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue_settings: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    is_deterministic: bool | None = None
    additional_includes: list[Any] = field(default_factory=list)  # PathValue once planned

    def given(self) -> dict[str, Any]:
        """The settings that are set, by name, in the order Azure ML's examples write them."""
        values = {name: getattr(self, name) for name in DETAIL_ORDER}
        return {
            name: value for name, value in values.items() if value is not None and value != {} and value != []
        }


DETAIL_ORDER = (
    "display_name", "description", "tags", "is_deterministic", "environment_variables", "resources",
    "distribution", "limits", "identity", "queue_settings", "services", "properties", "comment",
    "additional_includes",
)  # fmt: skip
# Where a step's own settings go, as azure-ai-ml places those of a command job (a node
# without `component:`) when it turns the job into a node and an anonymous component.
OWN_COMPONENT = (
    "description",
    "tags",
    "resources",
    "distribution",
    "is_deterministic",
    "additional_includes",
)
OWN_NODE = (
    "display_name", "description", "tags", "environment_variables", "limits", "identity", "properties",
    "services", "queue_settings", "comment",
)  # fmt: skip
NODE_ONLY = ("limits", "identity", "services", "comment")  # settings a component cannot hold


@record
class StepPlan:
    """One node. ``kind``: ``command`` (azpipe writes the component), ``file`` or ``registered``.

    ``node`` holds the node's own settings, ``details`` those of the component azpipe
    writes (``command`` steps only); ``environment`` is the component's and
    ``node_environment`` the node's (which Azure ML uses over the component's).
    """

    name: str
    kind: str = "command"
    command: str | None = None
    code: PathValue | None = None
    component: str | None = None  # file: its path; registered: its id
    component_name: str | None = None  # file: the `name:` inside it
    environment: EnvPlan | None = None
    node_environment: EnvPlan | None = None
    compute: str | None = None
    inputs: list[InPort] = field(default_factory=list)
    outputs: list[OutPort] = field(default_factory=list)
    details: Details = field(default_factory=Details)
    node: Details = field(default_factory=Details)
    uses_inline: bool = False  # a `command` step whose component is declared, not its own
    parallel: Any = None  # kind `parallel`: its ParallelPlan (emit/parallel.py)
    sweep: Any = None  # kind `sweep`: the step's model.Sweep, written by emit/sweep.py
    spark: Any = None  # kind `spark`: its SparkPlan (emit/spark.py)
    automl: dict[str, Any] | None = None  # kind `automl`: its task and settings (emit/automl.py)
    transfer: dict[str, Any] | None = None  # kind `data_transfer`: task, copy mode, source, sink
    pipeline: Any = None  # a pipeline node: its SubPlan (emit/subpipeline.py)

    def output(self, name: str) -> OutPort | None:
        """The output called ``name``, if the node declares it."""
        return next((port for port in self.outputs if port.name == name), None)


@record
class InputPlan:
    """A pipeline input; ``has_value`` tells whether ``value``/``path`` is set."""

    name: str
    type: str
    value: Any = None
    path: PathValue | None = None
    optional: bool = False
    description: str | None = None
    mode: str | None = None
    datastore: str | None = None

    @property
    def is_asset(self) -> bool:
        """True for data (uri_folder, mltable...), false for parameters."""
        return self.type in ASSET_TYPES

    @property
    def has_value(self) -> bool:
        """True when the input is given a value or a path."""
        return self.path is not None or self.value is not None


@record
class OutputPlan:
    """A pipeline output: a step output exposed under ``name``, with that output's settings.

    ``own_mode`` is the mode the pipeline output itself sets (``{value, mode}``);
    ``mode`` is that, else the one the step's node sets (not its component's: an
    output left without one in CLI v2 has none, whatever the component says).
    """

    name: str
    step: str
    port: str
    type: str | None = None
    mode: str | None = None
    path: str | None = None
    asset_name: str | None = None
    asset_version: str | None = None
    own_mode: str | None = None
    description: str | None = None
    bound_type: str | None = None  # the type of the step output it exposes (when known)
    bound_mode: str | None = None  # the mode its component declares for that output


@record
class EnvironmentPlan:
    """An environment to create or update before submitting."""

    name: str
    version: str | None
    image: str | None
    conda_file: PathValue | None
    description: str | None


@record
class ComputePlan:
    """A compute target to create when missing."""

    name: str
    type: str
    size: str | None
    min_instances: int | None
    max_instances: int | None
    idle_time_before_scale_down: int | None


@record
class DataPlan:
    """A data asset to register before submitting."""

    name: str
    version: str | None
    type: str
    path: PathValue
    description: str | None


@record
class Plan:
    """Everything both emitters write, in order."""

    name: str
    display_name: str | None
    description: str | None
    experiment: str | None  # unset: Azure ML picks the experiment, as `az ml job create` does
    tags: dict[str, str]
    default_compute: str | None
    default_datastore: str | None
    continue_on_step_failure: bool | None
    force_rerun: bool | None
    source_name: str
    source_sha256: str
    on_init: str | None = None
    on_finalize: str | None = None
    extra_settings: dict[str, Any] = field(default_factory=dict)  # passed on as written
    job_name: str | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    inputs: list[InputPlan] = field(default_factory=list)
    outputs: list[OutputPlan] = field(default_factory=list)
    steps: list[StepPlan] = field(default_factory=list)
    environments: list[EnvironmentPlan] = field(default_factory=list)
    compute: list[ComputePlan] = field(default_factory=list)
    data: list[DataPlan] = field(default_factory=list)
    # What only one target can say: (target, where, what) for the other target to refuse (S109).
    target_only: list[tuple[str, Span, str]] = field(default_factory=list)


def refuse_for(the_plan: Plan, target: str) -> None:
    """Raise :class:`CompileRefused` when the plan holds what only the other target can say."""
    found = [
        target_only_diagnostic(only, target, span, what)
        for only, span, what in the_plan.target_only
        if only != target
    ]
    if found:
        raise CompileRefused(sorted(found, key=Diagnostic.sort_key))


def plan(pipeline: Pipeline, out_dir: str | None = None) -> Plan:
    """The plan for ``pipeline``, with paths relative to ``out_dir`` (default: the pipeline's folder).

    Raises :class:`CompileRefused` when the pipeline has errors or uses what the
    targets cannot express. The checks (:mod:`azpipe.checks.targets`) report all of it
    with the same codes (as warnings where another command accepts it: a pipeline input
    with no value, what only one target can write); the rest is asserted here.
    """
    if not pipeline.ok:
        raise CompileRefused(pipeline.check())
    builder = _Planner(pipeline, os.path.abspath(out_dir or pipeline.base_dir))
    result = builder.build()
    from azpipe.emit.subpipeline import merge_entities  # it extends this module

    merge_entities(result)  # what sub-pipeline files declare is provisioned too
    # Run and submit take a value with --set; a compiled file has none to write (S103,
    # a warning in `check`).
    refusals = builder.refusals + list(inputs_without_value(pipeline))
    if refusals:
        raise CompileRefused(sorted(refusals, key=Diagnostic.sort_key))
    return result


class _Planner:
    """Builds a :class:`Plan`; problems go to ``refusals``."""

    def __init__(self, pipeline: Pipeline, out_dir: str) -> None:
        self.pipeline = pipeline
        self.out_dir = out_dir
        self.refusals: list[Diagnostic] = []

    def refuse(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        """Record why the pipeline cannot be compiled; a check must report the same first
        (``tests/test_check_superset.py`` fails otherwise)."""
        self.refusals.append(rule(code).at(span, message, hint))

    def build(self) -> Plan:
        """The whole plan."""
        p = self.pipeline
        result = self._header()
        assert p.steps, "S103: checks.targets reports a pipeline with no steps"
        result.inputs = [self._input(item) for item in p.inputs.values()]
        result.steps = [self._step(p.steps[name]) for name in topological_order(p)]
        self._after(result.steps)
        result.outputs = self._outputs(result.steps)
        _name_registered_outputs(result.steps)
        result.target_only = target_only(p)
        result.environments = [self._environment_entity(name) for name in p.environments]
        result.compute = [_compute(target) for target in p.compute.values()]
        result.data = [
            DataPlan(d.name, d.version, d.type, self.path(d.path), d.description) for d in p.data.values()
        ]
        return result

    def _header(self) -> Plan:
        """The pipeline-level fields: names, settings and where it came from."""
        p = self.pipeline
        name = pipeline_name(p)
        return Plan(
            name=name,
            display_name=p.display_name or None,  # unset (or empty) stays unset, as in `az ml job create`
            description=p.description or None,  # an empty one is none (as azure-ai-ml reads it)
            experiment=p.experiment,
            tags=dict(p.tags),
            default_compute=p.default_compute,
            default_datastore=p.default_datastore,
            continue_on_step_failure=p.continue_on_step_failure,
            force_rerun=p.force_rerun,
            source_name=os.path.basename(p.path),
            source_sha256=hashlib.sha256(p.source_text.encode("utf-8")).hexdigest(),
            on_init=p.on_init,
            on_finalize=p.on_finalize,
            extra_settings=dict(p.extra_settings),
            job_name=p.job_name,
            identity=dict(p.identity),
            properties=dict(p.properties),
            services={name: dict(service) for name, service in p.services.items()},
        )

    # ----------------------------------------------------------------- paths

    def path(self, value: str) -> PathValue:
        """A data or file path: local ones relative to the output folder, others as written."""
        if value.startswith("azureml:") or _URI.match(value):
            return PathValue(value, local=False)
        full = os.path.normpath(os.path.join(self.pipeline.base_dir, value))
        return PathValue(os.path.relpath(full, self.out_dir).replace(os.sep, "/"), local=True)

    def data_ref(self, name: str) -> PathValue:
        """``azureml:NAME:VERSION`` (or ``@latest``) of a declared data asset."""
        asset = self.pipeline.data[name]
        return PathValue(
            f"azureml:{name}:{asset.version}" if asset.version else f"azureml:{name}@latest", False
        )

    # ----------------------------------------------------------------- pipeline inputs and outputs

    def _input(self, item: PipelineInput) -> InputPlan:
        result = InputPlan(
            item.name,
            item.type,
            optional=item.optional,
            description=item.description,
            mode=item.mode,
            datastore=item.datastore,
        )
        if item.data is not None:
            result.path = self.data_ref(item.data)
        elif item.type in ASSET_TYPES and isinstance(item.default, str):
            result.path = self.path(item.default)
        elif item.default is not None:
            result.value = _typed(item.default, item.type)
        return result

    def _outputs(self, steps: list[StepPlan]) -> list[OutputPlan]:
        by_name = {step.name: step for step in steps}
        ports = _output_ports(steps)
        outputs = []
        for output in self.pipeline.outputs.values():
            ref = output.binding.ref if output.binding else None
            if ref is not None and ref.step is not None:
                found = self._output(output, by_name[ref.step], ref.name, ports)
                outputs += [found] if found else []
        return outputs

    def _output(
        self, output: PipelineOutput, step: StepPlan, name: str, ports: dict[tuple[str, str], OutPort]
    ) -> OutputPlan | None:
        """Pipeline output ``output``, exposing output ``name`` of ``step``."""
        port = ports.get((step.name, name))
        if port is None:  # a registered component's output: not declared by the step
            port = ports[(step.name, name)] = OutPort(name)
            step.outputs.append(port)
        assert port.pipeline_output is None, "S106: checks.targets reports a step output exposed twice"
        port.pipeline_output = output.name
        mode = output.mode or port.mode
        declared = self.pipeline.steps[step.name].outputs.get(name)
        bound = declared.type if declared is not None else port.type
        # Unset, a native file's pipeline output is a folder (azure-ai-ml's default); in the
        # azpipe language it has the type of the output it exposes.
        default = "uri_folder" if self.pipeline.source_format != "azpipe" else bound
        return OutputPlan(
            output.name,
            step.name,
            name,
            output.type or default,
            mode,
            output.path or port.path,
            output.asset_name or port.asset_name,
            output.asset_version or port.asset_version,
            output.mode,
            output.description,
            bound,
            port.declared_mode,
        )

    # ----------------------------------------------------------------- steps

    def _step(self, step: Step) -> StepPlan:
        kind = "command" if step.uses is None or step.uses.source == "inline" else step.uses.source
        result = StepPlan(step.name, kind, compute=step.compute)
        result.details, result.node = _placed(step, kind)
        for details in (result.details, result.node):
            _assert_typed(details)
        assert not (step.details.additional_includes and step.uses), "S105: checks.targets reports it"
        result.environment, result.node_environment = self._environments(step, kind)
        if kind == "command":
            code = step.uses.code if step.uses else step.code
            result.command = step.command.unparse() if step.command else ""
            result.code = self.path(code) if code is not None else None
        else:
            assert step.uses is not None
            result.component = self._component_ref(step.uses.path or step.uses.name, kind)
            result.component_name = step.uses.name
        interface = step.uses.inputs if kind == "command" and step.uses is not None else {}
        result.inputs = [self._in_port(port, kind, interface.get(port.name)) for port in step.inputs.values()]
        result.inputs = [port for port in result.inputs if kind == "command" or port.source is not None]
        result.outputs = [_out_port(port) for port in step.outputs.values()]
        self._declared_modes(step, result)
        # A registered component's outputs are those its node states (their type too).
        result.outputs = [
            port for port in result.outputs if kind in ("command", "registered") or port.configured
        ]
        result.details.additional_includes = [self.path(item) for item in result.details.additional_includes]
        if step.sweep is not None:  # a sweep node over this trial (emit/sweep.py)
            plan_sweep(step, result)
        if step.parallel is not None:  # a parallel node (emit/parallel.py)
            plan_parallel(step, result)
        if step.spark is not None:  # a spark node (emit/spark.py)
            plan_spark(step, result)
        if step.automl is not None:  # an AutoML node (emit/automl.py)
            plan_automl(step, result)
        if step.data_transfer is not None:  # a data transfer node (emit/data_transfer.py)
            plan_transfer(self, step, result)
        if step.kind == "pipeline":  # a sub-pipeline (emit/subpipeline.py, which extends this module)
            from azpipe.emit.subpipeline import plan_subpipeline

            plan_subpipeline(self, step, result)
        return result

    def _declared_modes(self, step: Step, result: StepPlan) -> None:
        """Output modes: the component's, and the node's where it sets another."""
        result.uses_inline = result.kind == "command" and step.uses is not None
        declared = step.uses.outputs if step.uses is not None else step.outputs
        for port in result.outputs:
            own = declared.get(port.name)
            port.declared_mode = own.mode if own else None
            if step.uses is not None and own is not None and port.mode == own.mode:
                port.mode = None  # the component's: the node does not restate it

    def _component_ref(self, value: str, kind: str) -> str:
        if kind == "file":
            text = self.path(value).text
            return text if text.startswith("../") else "./" + text
        return value if value.startswith("azureml:") else "azureml:" + value

    def _environments(self, step: Step, kind: str) -> tuple[EnvPlan | None, EnvPlan | None]:
        """The environment of the component azpipe writes, and the node's own."""
        if step.kind in ("automl", "data_transfer"):  # Azure ML picks their environments
            return None, None
        if step.kind == "spark":  # optional for spark (emit/spark.py)
            return spark_environments(self, step)
        own = self._env_plan(step.environment) if step.environment else None
        if kind == "command" and step.uses is None:
            ref = self.pipeline.environment_of(step)
            assert ref is not None, "C902: checks.compute reports a step with no environment"
            return (self._env_plan(ref) if ref else None), None
        if kind == "command":  # an inline component: its own environment, the step's on the node
            assert step.uses is not None
            base = step.uses.environment or (None if own else self.pipeline.default_environment)
            assert base or own, "C902: checks.compute reports a step with no environment"
            return (self._env_plan(base) if base else None), own
        if own is None and kind == "file" and step.uses is not None and step.uses.environment is None:
            default = self.pipeline.default_environment  # a component file without its own environment
            own = self._env_plan(default) if default else None
        return None, own

    def _env_plan(self, ref: EnvRef) -> EnvPlan:
        if ref.kind == "inline" and ref.inline is not None:
            inline = ref.inline
            conda = self.path(inline.conda_file) if inline.conda_file else None
            build = None
            if inline.build:
                build = (
                    {**inline.build, "path": self.path(inline.build["path"])}
                    if "path" in inline.build
                    else dict(inline.build)
                )
            return EnvPlan(image=inline.image, conda_file=conda, build=build, os_type=inline.os_type,
                           description=inline.description, tags=dict(inline.tags))  # fmt: skip
        if ref.kind == "declared":
            declared = self.pipeline.environments[ref.value]
            version = f":{declared.version}" if declared.version else "@latest"
            return EnvPlan(ref=f"azureml:{declared.name}{version}")
        if ref.kind == "registry" or ref.value.startswith("azureml:"):
            return EnvPlan(ref=ref.value)
        return EnvPlan(ref="azureml:" + ref.value)

    def _in_port(self, port: Port, kind: str, declared: Port | None = None) -> InPort:
        """A node input; ``declared`` is the inline component's own port (its interface)."""
        spec = declared or port
        result = InPort(port.name, spec.type, spec.optional, spec.default, spec.description, mode=port.mode)
        result.min, result.max, result.enum = spec.min, spec.max, spec.enum
        result.declared_mode = declared.mode if declared else self._inherited_mode(port, kind)
        result.datastore = port.datastore
        if port.binding is not None:
            result.source = self._source(port.binding, port.type)
        if declared is None and kind == "command" and result.source is not None:
            _literal_is_default(result)
        if kind != "command":
            result.type = result.default = result.description = None
            result.min = result.max = result.enum = None
        return result

    def _inherited_mode(self, port: Port, kind: str) -> str | None:
        """A step's own input bound to a pipeline input takes its mode, as azure-ai-ml gives a
        command job's component the mode of the pipeline input each input is bound to."""
        ref = port.binding.ref if port.binding else None
        if kind != "command" or ref is None or ref.kind is not RefKind.PARENT_INPUT:
            return None
        item = self.pipeline.inputs.get(ref.name)
        return item.mode if item is not None else None

    def _source(self, binding: Binding, port_type: str | None) -> Source:
        ref = binding.ref
        if ref is None:
            kind = binding.type or port_type
            if kind in ASSET_TYPES and isinstance(binding.value, str):
                return Source("asset", type=kind, path=self.path(binding.value))
            return Source("literal", value=_typed(binding.value, port_type))
        if ref.kind is RefKind.PARENT_INPUT:
            return Source("input", name=ref.name)
        if ref.kind is RefKind.DATA:
            return Source("asset", type=self.pipeline.data[ref.name].type, path=self.data_ref(ref.name))
        assert ref.step is not None
        return Source("output", name=ref.name, step=ref.step)

    # ----------------------------------------------------------------- after: edges

    def _after(self, steps: list[StepPlan]) -> None:
        by_name = {step.name: step for step in steps}
        done: dict[str, OutPort] = {}
        taken: dict[str, set[str]] = {}  # port names of each step, folded: built once, kept up to date
        for step in steps:
            own = self.pipeline.steps[step.name]
            for earlier_name in dict(own.after):
                # S105 in checks.targets: only components azpipe writes take the ordering port.
                assert orders_by_port(own) and orders_by_port(self.pipeline.steps[earlier_name])
                _link(by_name[earlier_name], step, done, taken)

    # ----------------------------------------------------------------- entities

    def _environment_entity(self, name: str) -> EnvironmentPlan:
        env = self.pipeline.environments[name]
        conda = self.path(env.conda_file) if env.conda_file else None
        return EnvironmentPlan(name, env.version, env.image, conda, env.description)


def _output_ports(steps: list[StepPlan]) -> dict[tuple[str, str], OutPort]:
    """Each step's outputs by (step, name), the first of a name winning as in :meth:`StepPlan.output`.

    One index instead of a scan of a step's outputs per lookup: a step may have
    thousands of outputs, each exposed or read elsewhere.
    """
    ports: dict[tuple[str, str], OutPort] = {}
    for step in steps:
        for port in step.outputs:
            ports.setdefault((step.name, port.name), port)
    return ports


def _name_registered_outputs(steps: list[StepPlan]) -> None:
    """Bindings to a registered component's output its node does not declare: by string in Python."""
    by_name = {step.name: step for step in steps}
    ports = _output_ports(steps)
    for step in steps:
        for port in step.inputs:
            source = port.source
            if source and source.kind == "output" and by_name[source.step].kind == "registered":
                source.attr = (source.step, source.name) in ports


def _compute(target: Compute) -> ComputePlan:
    return ComputePlan(
        target.name,
        target.type,
        target.size,
        target.min_instances,
        target.max_instances,
        target.idle_time_before_scale_down,
    )


def pipeline_name(pipeline: Pipeline) -> str:
    """The pipeline's name; a file without one (a native Azure ML job) is named after the file."""
    if pipeline.name.isidentifier() and not keyword.iskeyword(pipeline.name):
        return pipeline.name
    stem = os.path.splitext(os.path.basename(pipeline.path))[0].lower()
    name = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_") or "pipeline"
    name = "_" + name if name[0].isdigit() else name
    return name + "_" if keyword.iskeyword(name) else name


def _link(earlier: StepPlan, later: StepPlan, done: dict[str, OutPort], taken: dict[str, set[str]]) -> None:
    """The ``after:`` pattern: a never-written folder output bound to a direct-mode input."""
    if earlier.name not in done:
        done[earlier.name] = OutPort(_free_name(AFTER_OUTPUT, earlier, taken), "uri_folder")
        earlier.outputs.append(done[earlier.name])
    source = Source("output", name=done[earlier.name].name, step=earlier.name)
    name = _free_name(AFTER_INPUT + earlier.name, later, taken)
    later.inputs.append(InPort(name, "uri_folder", source=source, mode="direct"))


def _free_name(wanted: str, step: StepPlan, taken: dict[str, set[str]]) -> str:
    """``wanted``, else ``wanted_2``, ``wanted_3``...: the first name no port of ``step`` has (any case).

    ``taken`` holds each step's folded port names, built on first use and kept
    up to date, so a step with thousands of ``after:`` entries is not rescanned
    for each of them.
    """
    if step.name not in taken:
        taken[step.name] = {port.name.lower() for port in step.inputs + step.outputs}
    names = taken[step.name]
    candidates = itertools.chain([wanted], (f"{wanted}_{n}" for n in itertools.count(2)))
    name = next(name for name in candidates if name.lower() not in names)
    names.add(name.lower())
    return name


def _assert_typed(details: Details) -> None:
    """The readers report settings a typed object's type does not take (S101, S103)."""
    assert not details.distribution or "type" in details.distribution
    typed = [(details.distribution, DISTRIBUTIONS), (details.identity, IDENTITIES)]
    typed += [(service, SERVICES) for service in details.services.values()]
    assert not any(misplaced(values, table) for values, table in typed)


def _out_port(port: Port) -> OutPort:
    return OutPort(
        port.name, port.type, port.mode, port.path, port.asset_name, port.asset_version, port.description
    )


def _placed(step: Step, kind: str) -> tuple[Details, Details]:
    """The settings of the component azpipe writes for ``step``, and of its node.

    A step with its own command places them as azure-ai-ml places a command job's;
    a step using an inline component keeps the component's settings on the
    component and its own on the node, as for a component file. ``is_deterministic``
    and ``additional_includes`` are component settings: a step's override its component's.
    """
    own = _details(step.details)
    if kind == "command" and step.uses is None:
        return _only(own, OWN_COMPONENT), _only(own, OWN_NODE)
    node = _only(
        own, tuple(name for name in DETAIL_ORDER if name not in ("is_deterministic", "additional_includes"))
    )
    if kind != "command":
        return Details(), node
    assert step.uses is not None
    component = _details(step.uses.details)
    component.limits = component.identity = component.services = {}
    component.comment = None
    if own.is_deterministic is not None:
        component.is_deterministic = own.is_deterministic
    return component, node


def _details(settings: Settings) -> Details:
    return Details(
        display_name=settings.display_name,
        description=settings.description or None,
        tags=dict(settings.tags),
        environment_variables=dict(settings.environment_variables),
        resources=_present(settings.resources),
        distribution=_present(settings.distribution),
        limits=_present(settings.limits),
        identity=_present(settings.identity),
        properties=dict(settings.properties),
        services={name: _present(service) for name, service in settings.services.items()},
        queue_settings=_present(settings.queue_settings),
        comment=settings.comment,
        is_deterministic=settings.is_deterministic,
        additional_includes=list(settings.additional_includes),
    )


def _only(details: Details, names: tuple[str, ...]) -> Details:
    """``details`` with only the settings ``names`` kept."""
    kept = Details()
    for name in names:
        setattr(kept, name, getattr(details, name))
    return kept


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _typed(value: Any, kind: str | None) -> Any:
    """A literal as its declared type needs it: a ``number`` written ``1`` is ``1.0``."""
    if kind == "number" and type(value) is int:
        return float(value)
    return value


def _literal_is_default(port: InPort) -> None:
    """A command step's own input given a literal: azure-ai-ml builds the step's component with
    that literal as the input's default, and an asset's mode as the input's mode, so both
    targets write them there too (the node still binds the value)."""
    assert port.source is not None
    if port.source.kind == "literal" and port.default is None:
        port.default = port.source.value
    elif port.source.kind == "asset" and port.declared_mode is None:
        port.declared_mode = port.mode
