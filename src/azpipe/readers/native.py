"""Native Azure ML pipeline job files (``type: pipeline`` with ``jobs:``).

The file is read into the same model as the azpipe language, so every check,
drawing, local run and compilation works on it, with positions in the native
file. Azure ML's long binding forms map onto the model directly:
``${{parent.jobs.J.outputs.y}}`` is a step output, ``${{parent.inputs.x}}`` a
pipeline input, and a job output written as ``${{parent.outputs.z}}`` binds
pipeline output ``z``. Node types other than ``command`` are reported as not
supported yet (S107) and the rest of the file is still checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

from azpipe.diagnostics import Diagnostic, Severity
from azpipe.expr.ast import Ref, RefKind
from azpipe.model import INPUT_MODES, Binding, Component, Pipeline, PipelineOutput, Port, Step
from azpipe.naming import MAX_LENGTH
from azpipe.readers.automl import read_native_automl
from azpipe.readers.bindings import read_binding, read_template
from azpipe.readers.component_file import is_component_file, read_component_file, read_component_mapping
from azpipe.readers.data_transfer import import_node, read_native_transfer
from azpipe.readers.details import DETAIL_KEYS, read_details
from azpipe.readers.entities import read_compute_ref, read_env_ref
from azpipe.readers.interface import read_inputs, read_output_settings
from azpipe.readers.parallel import read_native_parallel
from azpipe.readers.ports import read_output, read_type
from azpipe.readers.reader import Reader
from azpipe.readers.settings import read_extra_settings, read_settings_mapping
from azpipe.readers.shapes import IDENTITIES, read_services, read_typed
from azpipe.readers.spark import read_native_spark
from azpipe.readers.steps import read_step_hooks, registered_component, written_type
from azpipe.readers.subpipeline import read_pipeline_node
from azpipe.readers.sweep import read_sweep_node
from azpipe.schema.pipeline_job import WALKED_NODE_KINDS
from azpipe.source.nodes import Map, Node, Scalar
from azpipe.suggest import did_you_mean

# The node kinds whose every mapping the native schema describes (schema.pipeline_job.PIPELINE_JOB's
# `jobs`), so the schema walker checks their keys; the readers of the others check their keys.
WALKED_KINDS = WALKED_NODE_KINDS
# The keys this reader reads where they apply (tests/test_fidelity_schema.py holds them to
# azure-ai-ml's schemas); the schema walker checks the keys a file holds.
TOP_KEYS = (
    "$schema", "type", "name", "display_name", "description", "experiment_name", "tags", "settings",
    "inputs", "outputs", "jobs", "compute", "identity", "properties", "services",
)  # fmt: skip
SETTING_KEYS = ("default_compute", "default_datastore", "continue_on_step_failure", "force_rerun",
                "on_init", "on_finalize")  # fmt: skip
# Settings a node with a component may also write at its top level (azure-ai-ml passes them to
# `command()`, which writes them into the component's settings too): refused (S108), with the
# nested setting to write instead. A job without a component takes none of them.
FLAT_SETTINGS = {
    "instance_count": ("resources", "instance_count"), "instance_type": ("resources", "instance_type"),
    "locations": ("resources", "locations"), "docker_args": ("resources", "docker_args"),
    "shm_size": ("resources", "shm_size"), "timeout": ("limits", "timeout"),
    "job_tier": ("queue_settings", "job_tier"), "priority": ("queue_settings", "priority"),
}  # fmt: skip
JOB_KEYS = (
    "type", "component", "command", "code", "environment", "compute", "inputs", "outputs", "comment",
    "experiment_name", "name", "parent_job_name", *DETAIL_KEYS,
)  # fmt: skip
NODE_KEYS = (*JOB_KEYS, *FLAT_SETTINGS)  # with a component
OUTPUT_KEYS = ("type", "mode", "path", "name", "version", "description")
NODE_INPUT_KEYS = (
    "type", "path", "mode", "optional", "description", "default", "datastore", "path_on_compute", "value",
)  # fmt: skip
# Fields azure-ai-ml reads on a node and then drops (a node is named after its key).
IGNORED_NODE_KEYS = ("experiment_name", "is_deterministic")  # a node's is its component's
# Fields azure-ai-ml takes that azpipe does not carry: refused (S108), never silently lost.
UNSUPPORTED_NODE_KEYS = ("parent_job_name",)
UNSUPPORTED_INPUT_KEYS = ("path_on_compute",)
# The job types a pipeline job's nodes may have (azure-ai-ml 1.35's NodeType; a flow is a parallel job).
NODE_TYPES = ("command", "pipeline", "sweep", "parallel", "spark", "automl", "data_transfer", "import")
UNSUPPORTED_NODES = ("import",)  # the other node types have readers of their own
# Not node types (azure-ai-ml refuses them): a prompt flow is a parallel node (readers/parallel_component.py).
FLOW_TYPES = ("flow", "promptflow_parallel")
JOB_BINDINGS = (RefKind.PARENT_INPUT, RefKind.STEP_OUTPUT)


def is_native(root: Node) -> bool:
    """True when ``root`` is an Azure ML pipeline job document."""
    if not isinstance(root, Map) or "azpipe" in root:
        return False
    kind = root.get("type")
    return isinstance(kind, Scalar) and kind.value == "pipeline" and "jobs" in root


def build_native(root: Node, path: str, base_dir: str) -> tuple[Pipeline, list[Diagnostic]]:
    """Read a native pipeline job file (``is_native(root)`` holds) into the model."""
    assert isinstance(root, Map)
    reader = Reader()
    pipeline = Pipeline(path=path, base_dir=base_dir, span=root.span, source_format="native")
    schema = root.get("$schema")
    component_file = isinstance(schema, Scalar) and "pipelineComponent" in str(schema.value)
    reader.mapping(root, "the pipeline job", None, required=("jobs",))
    if isinstance(schema, Scalar) and component_file:
        # Its compute and inputs come from the pipeline that uses it (readers/subpipeline.py).
        pipeline.source_format = "native-component"
    pipeline.display_name = reader.string(root.get("display_name"), "`display_name`")
    given = reader.string(root.get("name"), "`name`")
    pipeline.name = default_name(given or pipeline.display_name, path)
    if pipeline.source_format == "native":  # a pipeline job's `name` names the job itself
        pipeline.job_name = given
    pipeline.description = reader.string(root.get("description"), "`description`")
    experiment = root.get("experiment_name")
    pipeline.experiment = reader.string(experiment, "`experiment_name`")
    pipeline.experiment_span = experiment.span if experiment is not None else None
    pipeline.tags = reader.string_map(root.get("tags"), "`tags`")
    pipeline.identity = read_typed(reader, root.get("identity"), "`identity`", IDENTITIES)
    pipeline.properties = reader.string_map(root.get("properties"), "`properties`")
    pipeline.services = read_services(reader, root.get("services"), "`services`")
    settings = _settings(reader, pipeline, root)
    read_inputs(reader, pipeline, root.get("inputs"), native=True)
    for name, key, node in reader.named(root.get("outputs"), "`outputs`"):
        pipeline.outputs[name] = _pipeline_output(reader, name, key, node)
    jobs = _JobReader(reader, pipeline)
    for name, key, node in reader.named(root.get("jobs"), "`jobs`"):
        step = jobs.read(name, key, node)
        if step:
            pipeline.steps[name] = step
    if settings is not None:
        read_step_hooks(reader, pipeline, settings)
    _unbound_outputs(reader, pipeline)
    _unloadable_identities(reader, root)
    return pipeline, reader.diagnostics


def _unloadable_identities(reader: Reader, root: Map) -> None:
    """``identity.msi_resource_id``: azure-ai-ml 1.35 cannot load it from YAML (its loader
    passes it to ``ManagedIdentityConfiguration``, which has no such parameter), so
    ``az ml job create`` refuses the file: azpipe too, at the key."""
    jobs = root.get("jobs")
    owners = [root] + ([entry.value for entry in jobs] if isinstance(jobs, Map) else [])
    for owner in owners:
        identity = owner.get("identity") if isinstance(owner, Map) else None
        key = identity.key_node("msi_resource_id") if isinstance(identity, Map) else None
        if key is not None:
            reader.report("S106", key.span, "azure-ai-ml cannot load `identity.msi_resource_id` from a YAML file",
                          "it has no such parameter to pass it to: name the identity by `client_id` or "
                          "`object_id`, or compile from the azpipe language to the Python target")  # fmt: skip


def _unbound_outputs(reader: Reader, pipeline: Pipeline) -> None:
    """A pipeline output no job writes: Azure ML keeps it and leaves it empty; azpipe says it
    leaves it out (the Python target cannot declare an output no node returns)."""
    if any(step.incomplete for step in pipeline.steps.values()) or any(
        d.code == "R308" for d in reader.diagnostics
    ):
        return  # a job azpipe could not read, or a misspelt binding, may be meant for it
    for output in pipeline.outputs.values():
        if output.binding is None:
            reader.report("S110", output.span, f"pipeline output `{output.name}` is bound to no job output",
                          "Azure ML would leave it empty, and azpipe leaves it out of the compiled job: "
                          f"bind a job output to `${{{{parent.outputs.{output.name}}}}}` or remove it")  # fmt: skip


def default_name(given: str | None, path: str) -> str:
    """A valid node name for a native pipeline: its name or display name, else its file's."""
    raw = given or os.path.splitext(os.path.basename(path))[0]
    name = re.sub(r"[^a-z0-9_]", "_", raw.lower()).strip("_") or "pipeline"
    name = "_" + name if name[0].isdigit() else name
    # Cut to the length a node name may have: a long display name is valid in Azure ML (no
    # limit), so the name made from it must be too.
    return name[:MAX_LENGTH]


def _settings(reader: Reader, pipeline: Pipeline, root: Map) -> Map | None:
    compute = root.get("compute")  # the older name of `settings.default_compute`, as azure-ai-ml reads it
    if compute is not None:
        pipeline.default_compute = read_compute_ref(reader, compute, "`compute`")
        pipeline.default_compute_span = compute.span
    settings = read_settings_mapping(reader, root.get("settings"))
    if settings is None:
        return None
    read_extra_settings(reader, pipeline, settings, SETTING_KEYS)
    default = settings.get("default_compute")
    if default is not None:
        pipeline.default_compute = read_compute_ref(reader, default, "`settings.default_compute`")
        pipeline.default_compute_span = default.span
    datastore = reader.string(settings.get("default_datastore"), "`settings.default_datastore`")
    pipeline.default_datastore = datastore.removeprefix("azureml:") if datastore else None
    pipeline.continue_on_step_failure = reader.boolean(
        settings.get("continue_on_step_failure"), "`settings.continue_on_step_failure`"
    )
    pipeline.force_rerun = reader.boolean(settings.get("force_rerun"), "`settings.force_rerun`")
    return settings


def _pipeline_output(reader: Reader, name: str, key: Scalar, node: Node) -> PipelineOutput:
    output = PipelineOutput(name, key.span)
    where = f"pipeline output `{name}`"
    if isinstance(node, Scalar) and node.value is None:
        return output
    mapping = reader.mapping(node, where, None)
    if mapping is None:
        return output
    read_output_settings(reader, mapping, output, where)
    return output


def _output_binding(node: Node) -> Node | None:
    """The ``${{parent.outputs.X}}`` a node output is bound to: written alone, or as the
    ``path`` of a mapping (azure-ai-ml reads ``{type, path: ${{...}}}`` as the binding)."""
    if isinstance(node, Map):
        node = node.get("path")  # type: ignore[assignment]
    if isinstance(node, Scalar) and isinstance(node.value, str) and _PARENT_OUTPUT.match(node.value):
        return node
    return None


_PARENT_OUTPUT = re.compile(r"^\s*\$\{\{\s*parent\.outputs\.")


class _JobReader:
    """Reads one node of ``jobs:`` into a step."""

    def __init__(self, reader: Reader, pipeline: Pipeline) -> None:
        self.reader = reader
        self.pipeline = pipeline

    def read(self, name: str, key: Scalar, node: Node) -> Step | None:
        """The step of node ``name``; in a node of a kind the schema does not describe whole, the
        shared readers (inputs, outputs, inline environments) check keys themselves."""
        kind = node.get("type") if isinstance(node, Map) else None
        text = kind.value if isinstance(kind, Scalar) else "command"
        before, self.reader.walked = self.reader.walked, str(text).lower() in WALKED_KINDS
        try:
            return self._read(name, key, node)
        finally:
            self.reader.walked = before

    def _read(self, name: str, key: Scalar, node: Node) -> Step | None:
        where = f"job `{name}`"
        mapping = node if isinstance(node, Map) else self.reader.mapping(node, where, ())
        if mapping is None:
            return None
        step = Step(name, key.span)
        kind_node = mapping.get("type")
        kind = self.reader.string(kind_node, f"`type` of {where}") if kind_node else "command"
        kind = kind.lower() if kind else kind  # azure-ai-ml reads `COMMAND` as `command`
        if kind == "sweep":  # its own fields: azpipe.readers.sweep
            read_sweep_node(self.reader, step, mapping, where)
            self._ignored_and_refused(name, mapping, where)
            if "trial" in mapping:
                self._component(step, mapping, where, key="trial")
            return step
        if kind == "pipeline":  # a sub-pipeline: azpipe.readers.subpipeline
            read_pipeline_node(
                self.reader, self.pipeline, step, mapping, where, (self._inputs, self._outputs)
            )
            return step
        if kind == "import":  # azure-ai-ml 1.35 cannot build one (azpipe.readers.data_transfer)
            import_node(self.reader, step, kind_node or key)
            return step
        if kind == "data_transfer":  # its own fields: azpipe.readers.data_transfer
            read_native_transfer(self, step, mapping, where)
            return step
        if kind == "automl":  # its own fields: azpipe.readers.automl
            read_native_automl(self, step, mapping, where)
            return step
        if kind == "spark":  # its own fields: azpipe.readers.spark
            read_native_spark(self, step, mapping, where)
            return step
        if kind == "parallel":  # its own fields: azpipe.readers.parallel
            read_native_parallel(self, step, mapping, where)
            return step
        if kind != "command":
            self._unsupported(step, kind or "?", kind_node or key)
            return step
        # With a component, azure-ai-ml ignores unknown keys (the walker warns, S101); without one it
        # reads an inline command job, which rejects them (tests/test_unknown_keys_azure.py).
        self.reader.mapping(mapping, where, None)
        self._ignored_and_refused(name, mapping, where)
        compute = mapping.get("compute")
        step.compute = read_compute_ref(self.reader, compute, f"`compute` of {where}")
        step.compute_span = compute.span if compute else None
        step.environment = read_env_ref(self.reader, mapping.get("environment"), f"`environment` of {where}")
        if step.environment and step.environment.kind == "registered":
            step.environment.value = step.environment.value.removeprefix("azureml:")
        step.details = read_details(self.reader, mapping, where)
        step.details.is_deterministic = None  # azure-ai-ml keeps the component's (S110 above)
        self._flat_settings(step, mapping, where)
        before = len(self.reader.diagnostics)
        if "component" in mapping:
            self._component(step, mapping, where)
        else:
            self._command(step, mapping, where)
        step.incomplete |= any(d.code in ("E201", "S103", "R307") for d in self.reader.diagnostics[before:])
        return step

    def _ignored_and_refused(self, name: str, mapping: Map, where: str) -> None:
        """Keys azure-ai-ml drops (S110, a warning) and keys azpipe would lose (S108)."""
        for key in IGNORED_NODE_KEYS:
            found = mapping.key_node(key)
            if found is not None:
                self.reader.report("S110", found.span, f"azure-ai-ml ignores `{key}` on {where}",
                                   "a pipeline's jobs run in the pipeline's experiment; remove it")  # fmt: skip
        given = mapping.get("name")
        if isinstance(given, Scalar) and given.value != name:
            self.reader.report("S110", given.span, f"azure-ai-ml names {where} after its key, not `{given.value}`",
                               f"remove `name:` or rename the job to `{given.value}`")  # fmt: skip
        for key in UNSUPPORTED_NODE_KEYS:
            found = mapping.key_node(key)
            if found is not None:
                self.reader.report("S108", found.span, f"azpipe does not carry `{key}` of {where} to Azure ML",
                                   "remove it, or submit this file with `az ml job create`")  # fmt: skip

    def _flat_settings(self, step: Step, mapping: Map, where: str) -> None:
        """``instance_count: 2`` on a node itself: azure-ai-ml also writes it into the component's
        settings (they share one object), which azpipe does not do: refused, with what to write."""
        if "component" not in mapping:
            return  # a job without a component does not take them (S101 above)
        for key, (group, name) in FLAT_SETTINGS.items():
            found = mapping.key_node(key)
            if found is not None:
                self.reader.report("S108", found.span, f"azpipe does not carry `{key}` written on {where} itself",
                                   f"write it as `{group}: {{{name}: ...}}`")  # fmt: skip

    def _unsupported(self, step: Step, kind: str, node: Node) -> None:
        step.incomplete = True
        known = kind in UNSUPPORTED_NODES
        message = f"`{kind}` jobs are not supported yet" if known else f"unknown job type `{kind}`"
        hint = did_you_mean(kind, NODE_TYPES) or "a job is one of: " + ", ".join(NODE_TYPES)
        if known:
            hint = "the rest of the file is still checked"
        if kind in FLOW_TYPES:
            hint = "a prompt flow is a `type: parallel` job with `component: ./flow.dag.yaml` (or a flow run file)"
        self.reader.report("S107" if known else "S106", node.span, f"job `{step.name}`: {message}", hint)

    def _component(self, step: Step, mapping: Map, where: str, key: str = "component") -> None:
        node = mapping.get(key)
        assert node is not None
        component: Component | None = None
        if isinstance(node, Map):
            component = read_component_mapping(self.reader, node, "inline", f"inline component of {where}")
            if component:
                component.source, component.path = "inline", None
        elif isinstance(node, Scalar) and isinstance(node.value, str):
            value = node.value
            if is_component_file(value.removeprefix("file:")):
                component = read_component_file(
                    self.reader, value.removeprefix("file:"), node, self.pipeline.base_dir
                )
            elif not value.startswith("azureml:"):
                component = self._bare_component(node, value)
            else:
                component = registered_component(value, node) or Component(
                    value, node.span, source="registered"
                )
        else:
            self.reader.wrong_shape(node, f"`{key}` of {where}", "file path, name or mapping")
        if component is None:
            step.incomplete = True
            return
        step.uses, step.uses_span = component, node.span
        step.command, step.command_node = component.command, component.command_node
        self._inputs(step, mapping.get("inputs"), where, component)
        self._outputs(step, mapping.get("outputs"), where, component)

    def _bare_component(self, node: Scalar, value: str) -> Component | None:
        """A component named without ``azureml:``: azure-ai-ml reads it as a file path only
        (ComponentFileRefField; ArmVersionedStr and RegistryStr need the prefix), so `train:1`
        or `train@latest` is refused unless a file of that name exists."""
        if os.path.isfile(os.path.join(self.pipeline.base_dir, value)):
            return read_component_file(self.reader, value, node, self.pipeline.base_dir)
        self.reader.report(
            "R307",
            node.span,
            f"component `{value}` is not a file, and a registered component needs `azureml:`",
            f"write `azureml:{value}` for a registered component, or the path of a component file",
        )
        return None

    def _command(self, step: Step, mapping: Map, where: str) -> None:
        if "command" not in mapping:
            self.reader.report("S103", step.span, f"{where} needs `component` or `command`")
        code = mapping.get("code")
        step.code = self.reader.string(code, f"`code` of {where}")
        step.code_span = code.span if code else None
        self._inputs(step, mapping.get("inputs"), where, None)
        self._outputs(step, mapping.get("outputs"), where, None)
        parsed = read_template(self.reader, mapping.get("command"), f"`command` of {where}")
        if parsed:
            step.command, step.command_node = parsed
            for ref in step.command.refs():
                if ref.kind not in (RefKind.INPUT, RefKind.OUTPUT):
                    self.reader.report("E202", step.ref_span(ref), f"`{ref}` cannot be used in a job's command",
                                       "bind it under `inputs:` and use `${{inputs.NAME}}`")  # fmt: skip

    def _inputs(self, step: Step, node: Node | None, where: str, component: Component | None) -> None:
        for name, key, value in self.reader.named(node, f"inputs of {where}"):
            declared = component.inputs.get(name) if component else None
            if component is not None and component.known and declared is None:
                hint = did_you_mean(name, component.inputs) or "its inputs: " + (
                    ", ".join(component.inputs) or "none"
                )
                # azure-ai-ml drops such a binding without a word and the job runs without it: a
                # warning, so that the mistake is seen, and azpipe drops it too (same job).
                self.reader.report("R302", key.span, f"component of {where} has no input `{name}`: "
                                   "azure-ai-ml drops this binding", hint)  # fmt: skip
                self.reader.diagnostics[-1] = self.reader.diagnostics[-1].with_severity(Severity.WARNING)
                continue
            port = replace(declared, span=key.span) if declared else Port(name, key.span)
            step.inputs[name] = self._input(port, value, f"input `{name}` of {where}", component)
        if component:
            for name, declared in component.inputs.items():
                step.inputs.setdefault(name, replace(declared, span=step.span))

    def _input(self, port: Port, node: Node, where: str, component: Component | None) -> Port:
        port.mode = None  # the node's own mode; the component's stays on the component
        if not isinstance(node, Map):
            port.binding = read_binding(self.reader, node, where, JOB_BINDINGS)
            return port
        self.reader.mapping(node, where, self.reader.unwalked(NODE_INPUT_KEYS))
        for key in UNSUPPORTED_INPUT_KEYS:
            found = node.key_node(key)
            if found is not None:
                self.reader.report("S108", found.span, f"azpipe does not carry `{key}` of {where} to Azure ML",
                                   "remove it, or submit this file with `az ml job create`")  # fmt: skip
        written = read_type(self.reader, node.get("type"), f"`type` of {where}", ignore_case=True)
        port.mode = (
            self.reader.choice(node.get("mode"), f"`mode` of {where}", INPUT_MODES, ignore_case=True)
            if "mode" in node
            else None
        )
        port.datastore = self.reader.string(node.get("datastore"), f"`datastore` of {where}")
        value = node.get("path") or node.get("default") or node.get("value")  # `value`: a literal's form
        if value is not None:
            port.binding = read_binding(self.reader, value, where, JOB_BINDINGS)
        if written is not None:
            written_type(port, written, component is None)
        return port

    def _outputs(self, step: Step, node: Node | None, where: str, component: Component | None) -> None:
        if component:
            step.outputs = {name: replace(port) for name, port in component.outputs.items()}
        for name, key, value in self.reader.named(node, f"outputs of {where}"):
            declared = component.outputs.get(name) if component else None
            if component is not None and component.known and declared is None:
                hint = did_you_mean(name, component.outputs) or "its outputs: " + (
                    ", ".join(component.outputs) or "none"
                )
                self.reader.report("R302", key.span, f"component of {where} has no output `{name}`", hint)
                continue
            step.outputs[name] = self._output(step, name, key, value, declared, where)

    def _output(
        self, step: Step, name: str, key: Scalar, node: Node, declared: Port | None, where: str
    ) -> Port:
        # A job's own output is a folder unless it says otherwise; a registered component's is unknown.
        unknown = step.uses is not None and not step.uses.known
        base = (
            replace(declared, span=key.span)
            if declared
            else Port(name, key.span, type=None if unknown else "uri_folder")
        )
        binding_node = _output_binding(node)
        if binding_node is not None:
            if isinstance(node, Map) and any(k in node for k in ("mode", "name", "version")):
                self.reader.report("S108", node.span, f"azpipe does not carry the settings of output `{name}` of {where}, "
                                   "bound to a pipeline output", "set them on the pipeline output")  # fmt: skip
            binding = read_binding(
                self.reader, binding_node, f"output `{name}` of {where}", (RefKind.PARENT_OUTPUT,)
            )
            if binding and binding.ref:
                self._bind_pipeline_output(step, name, binding)
                if step.uses is None:
                    self._own_bound_output(base, binding, node)
            return base
        if isinstance(node, Scalar) and node.value is None:
            return base
        port = read_output(self.reader, name, key, node, f"output `{name}` of {where}")
        port.type = port.type or base.type
        return port

    def _own_bound_output(self, port: Port, binding: Binding, node: Node) -> None:
        """The type and mode of a job's own output bound to a pipeline output, as azure-ai-ml gives
        them: the pipeline output's for ``${{parent.outputs.x}}``; for ``{path: ${{...}}}`` (an
        output object whose path is the binding) its own ``type``, else a folder, and no mode."""
        assert binding.ref is not None
        if isinstance(node, Map):
            port.type = (
                read_type(self.reader, node.get("type"), "`type` of an output", ignore_case=True)
                or "uri_folder"
            )
            port.mode = None
            return
        exposed = self.pipeline.outputs.get(binding.ref.name)
        port.type = (exposed.type if exposed else None) or "uri_folder"
        port.mode = exposed.mode if exposed else None

    def _bind_pipeline_output(self, step: Step, port: str, binding: Binding) -> None:
        assert binding.ref is not None
        target = binding.ref.name
        output = self.pipeline.outputs.get(target)
        if output is None:
            hint = did_you_mean(target, self.pipeline.outputs) or "declare it under the pipeline's `outputs:`"
            self.reader.report("R308", binding.span, f"no pipeline output `{target}`", hint)
            return
        ref = Ref(RefKind.STEP_OUTPUT, port, step.name, start=binding.ref.start, end=binding.ref.end)
        output.binding = Binding(binding.span, ref=ref)
