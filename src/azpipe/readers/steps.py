"""Steps and components: keys, ports, bindings, and implicit-port desugaring."""

from __future__ import annotations

from dataclasses import replace
from itertools import islice

from azpipe.diagnostics import Span
from azpipe.expr.ast import Part, Placeholder, Ref, RefKind, Segment, Template
from azpipe.model import INPUT_MODES, Binding, Component, Pipeline, Port, Step
from azpipe.readers.automl import read_automl_step
from azpipe.readers.bindings import read_binding, read_template
from azpipe.readers.component_file import is_component_file
from azpipe.readers.data_transfer import read_transfer_step
from azpipe.readers.details import read_details
from azpipe.readers.entities import read_compute_ref, read_env_ref
from azpipe.readers.parallel import read_parallel
from azpipe.readers.parallel_component import fit_flow_inputs, parallel_of_uses
from azpipe.readers.ports import read_output, read_type, read_typed_input
from azpipe.readers.reader import Reader
from azpipe.readers.shapes import DISTRIBUTIONS, IDENTITIES, LIMITS, RESOURCES, union
from azpipe.readers.spark import read_spark_step, spark_of_uses
from azpipe.readers.subpipeline import STEP_KEYS as SUBPIPELINE_KEYS
from azpipe.readers.subpipeline import read_uses_file, refuse_step_keys
from azpipe.readers.sweep import read_step_sweep, sweep_conflicts
from azpipe.schema.language import COMPONENT_DECLARATION, STEP_DECLARATION, STEP_INPUT, keys_of
from azpipe.source.nodes import Map, Node, Scalar
from azpipe.suggest import Suggestions, did_you_mean

# The language's keys are its schema's (azpipe.schema.language).
STEP_KEYS = keys_of(STEP_DECLARATION)
COMPONENT_KEYS = keys_of(COMPONENT_DECLARATION)
STEP_INPUT_KEYS = keys_of(STEP_INPUT)
RESOURCE_KEYS = tuple(RESOURCES)
LIMIT_KEYS = tuple(LIMITS)
DISTRIBUTION_KEYS = ("type", *union(DISTRIBUTIONS))
IDENTITY_KEYS = ("type", *union(IDENTITIES))
BINDABLE = (RefKind.PARENT_INPUT, RefKind.STEP_OUTPUT, RefKind.DATA)
IMPLICIT = (RefKind.PARENT_INPUT, RefKind.STEP_OUTPUT)
REGISTERED_PREFIXES = ("azureml:",)
LISTED_PORTS = 8  # ports named in a hint


def read_step_hooks(reader: Reader, pipeline: Pipeline, settings: Map) -> None:
    """``settings.on_init``/``on_finalize``: the steps Azure ML runs first and last (after the steps are read)."""
    for key in ("on_init", "on_finalize"):
        node = settings.get(key)
        name = reader.string(node, f"`settings.{key}`", allow_numbers=False)
        if name is None or node is None:
            continue
        if name not in pipeline.steps:
            hint = did_you_mean(name, pipeline.steps) or "name one of the pipeline's steps"
            reader.report("R301", node.span, f"`settings.{key}` names no step `{name}`", hint)
            continue
        setattr(pipeline, key, name)


def read_component(reader: Reader, name: str, key: Scalar, node: Node) -> Component | None:
    """A component under ``components:``: a command with a typed interface."""
    where = f"component `{name}`"
    mapping = reader.mapping(node, where, None, required=("command",))
    if mapping is None:
        return None
    component = Component(name, key.span, source="inline")
    component.code = reader.string(mapping.get("code"), f"`code` of {where}")
    component.code_span = getattr(mapping.get("code"), "span", None)
    component.environment = read_env_ref(reader, mapping.get("environment"), f"`environment` of {where}")
    component.version = reader.string(mapping.get("version"), f"`version` of {where}")
    component.details = read_details(reader, mapping, where)
    for port_name, port_key, port_node in reader.named(mapping.get("inputs"), f"inputs of {where}"):
        port = read_typed_input(reader, port_name, port_key, port_node, f"input `{port_name}` of {where}")
        component.inputs[port_name] = port
    for port_name, port_key, port_node in reader.named(mapping.get("outputs"), f"outputs of {where}"):
        component.outputs[port_name] = read_output(
            reader, port_name, port_key, port_node, f"output `{port_name}` of {where}"
        )
    parsed = read_template(reader, mapping.get("command"), f"`command` of {where}")
    if parsed:
        component.command, component.command_node = parsed
        _own_ports_only(reader, component)
    return component


def _own_ports_only(reader: Reader, component: Component) -> None:
    assert component.command is not None and component.command_node is not None
    for ref in component.command.refs():
        if ref.kind not in (RefKind.INPUT, RefKind.OUTPUT):
            span = component.command_node.span_of(ref.start, ref.end)
            reader.report(
                "E202",
                span,
                f"`{ref}` cannot be used in a component's command",
                "a component only sees its own ports: `inputs.NAME` and `outputs.NAME`",
            )


def registered_component(value: str, span: Scalar) -> Component | None:
    """A registered component (``azureml:NAME:VERSION``, ``NAME@label``, ``NAME:VERSION``)."""
    if value.startswith(REGISTERED_PREFIXES) or "@" in value or ":" in value:
        return Component(value, span.span, source="registered")
    return None


class StepReader:
    """Reads one step; ``components`` are the pipeline's resolved components."""

    def __init__(self, reader: Reader, components: dict[str, Component], base_dir: str = ".") -> None:
        self.reader = reader
        self.components = components
        self.base_dir = base_dir  # component files are relative to the pipeline file
        # For unknown components and ports; each step read adds to the budget.
        ports = sum(len(c.inputs) + len(c.outputs) for c in components.values())
        self.suggestions = Suggestions.for_names(len(components) + ports)

    def read(self, name: str, key: Scalar, node: Node) -> Step | None:
        """The step, with implicit ports desugared."""
        where = f"step `{name}`"
        mapping = self.reader.mapping(node, where, None)
        if mapping is None:
            return None
        step = Step(name, key.span)
        step.environment = read_env_ref(self.reader, mapping.get("environment"), f"`environment` of {where}")
        compute = mapping.get("compute")
        step.compute = read_compute_ref(self.reader, compute, f"`compute` of {where}")
        step.compute_span = compute.span if compute else None
        step.details = read_details(self.reader, mapping, where)
        after = self.reader.string_list(mapping.get("after"), f"`after` of {where}")
        step.after = [(text, scalar.span) for text, scalar in after]
        self.suggestions.add_names(1)
        errors_before = len(self.reader.diagnostics)
        sweep_conflicts(self.reader, mapping, where)  # `sweep:` with another kind (readers/sweep.py)
        if "data_transfer" in mapping:  # a data transfer step (readers/data_transfer.py)
            read_transfer_step(self, step, mapping, where)
            step.incomplete |= self._new_errors(errors_before)
            return step
        if "automl" in mapping:  # an AutoML step (readers/automl.py)
            read_automl_step(self, step, mapping, where)
            step.incomplete |= self._new_errors(errors_before)
            return step
        if "spark" in mapping:  # a spark step (readers/spark.py)
            read_spark_step(self, step, mapping, where)
            step.incomplete = self._new_errors(errors_before)
            return step
        if "parallel" in mapping:  # a parallel step (readers/parallel.py)
            read_parallel(self, step, mapping, where)
            step.incomplete = self._new_errors(errors_before)
            return step
        if "uses" in mapping:
            self._uses(step, mapping, where)
            spark_of_uses(step)  # a spark component: a spark step (readers/spark.py)
            parallel_of_uses(
                self.reader, step, mapping
            )  # a parallel component or flow (readers/parallel_component.py)
        else:
            self._command(step, mapping, where)
        if "sweep" in mapping:  # a sweep over this step's command (readers/sweep.py)
            read_step_sweep(self.reader, step, mapping, where)
        known = step.uses is None or step.uses.known
        step.incomplete = (
            step.command is None and step.kind not in ("pipeline", "parallel") and known
        )  # a sub-pipeline or a parallel component's node has none
        step.incomplete |= self._new_errors(errors_before)
        return step

    def _new_errors(self, since: int) -> bool:
        """True when a diagnostic reported after the first ``since`` makes the step incomplete
        (only the new ones are looked at: a file may hold one per step)."""
        return any(d.code in ("E201", "R307", "S103") for d in self.reader.diagnostics[since:])

    def _command(self, step: Step, mapping: Map, where: str) -> None:
        if "command" not in mapping:
            self.reader.report("S103", step.span, f"{where} needs `command` (or `uses:` a component)")
        code = mapping.get("code")
        step.code = self.reader.string(code, f"`code` of {where}")
        step.code_span = code.span if code else None
        self._inputs(step, mapping.get("inputs"), where, None)
        outputs = mapping.get("outputs")
        for port_name, port_key, port_node in self.reader.named(outputs, f"outputs of {where}"):
            port = read_output(
                self.reader, port_name, port_key, port_node, f"output `{port_name}` of {where}"
            )
            step.outputs[port_name] = replace(port, type=port.type or "uri_folder")
        parsed = read_template(self.reader, mapping.get("command"), f"`command` of {where}")
        if parsed:
            template, step.command_node = parsed
            step.command = self._desugar(step, template, declare_outputs=outputs is None)

    def _uses(self, step: Step, mapping: Map, where: str) -> None:
        for conflict in ("command", "code"):
            key = mapping.key_node(conflict)
            if key is not None:
                self.reader.report(
                    "S105",
                    key.span,
                    f"{where} has both `uses` and `{conflict}`",
                    "a step either runs its own command or uses a component",
                )
        uses_node = mapping.get("uses")
        value = self.reader.string(uses_node, f"`uses` of {where}", allow_numbers=False)
        if value is None or not isinstance(uses_node, Scalar):
            return
        step.uses_span = uses_node.span
        component = self.components.get(value)
        if component is None and is_component_file(value):
            component = read_uses_file(self.reader, value, uses_node, self.base_dir)
            if component is None:  # missing or broken: already reported
                return
        component = component or registered_component(value, uses_node)
        if component is None:
            hint = self.suggestions.did_you_mean(value, self.components) or (
                "declare it under `components:`, or name a file (`./train.yml`) or a "
                "registered component (`azureml:NAME:VERSION`, `NAME@latest`)"
            )
            self.reader.report("R307", uses_node.span, f"`uses: {value}` names no component", hint)
            return
        component = fit_flow_inputs(self.reader, component, mapping.get("inputs"))  # a flow's column mappings
        step.uses = component
        if component.source == "pipeline":  # a sub-pipeline: a pipeline node (readers/subpipeline.py)
            step.kind = "pipeline"
            refuse_step_keys(self.reader, mapping, where, SUBPIPELINE_KEYS, ("command", "code"), STEP_KEYS)
        if not component.known:
            self.reader.report(
                "I001",
                uses_node.span,
                f"the interface of `{value}` is unknown offline; its bindings are passed as written",
                "declare it under `components:` or use a component file to have it checked",
            )
        step.command, step.command_node = component.command, component.command_node
        self._inputs(step, mapping.get("inputs"), where, component)
        self._uses_outputs(step, mapping.get("outputs"), where, component)

    def _inputs(self, step: Step, node: Node | None, where: str, component: Component | None) -> None:
        for port_name, port_key, port_node in self.reader.named(node, f"inputs of {where}"):
            port_where = f"input `{port_name}` of {where}"
            declared = component.inputs.get(port_name) if component else None
            if component and component.known and declared is None:
                hint = self.suggestions.did_you_mean(port_name, component.inputs) or _ports_hint(
                    component.inputs
                )
                self.reader.report(
                    "R302", port_key.span, f"component `{component.name}` has no input `{port_name}`", hint
                )
                continue
            port = replace(declared, span=port_key.span) if declared else Port(port_name, port_key.span)
            step.inputs[port_name] = self._input(port, port_node, port_where, component)
        if component:
            for port_name, declared in component.inputs.items():
                step.inputs.setdefault(port_name, replace(declared, span=step.span))

    def _input(self, port: Port, node: Node, where: str, component: Component | None = None) -> Port:
        port.mode = None  # the step's own mode; a component's stays on the component
        value = node
        if isinstance(node, Map):
            self.reader.mapping(node, where, None, required=("value",))
            value = node.get("value") or node
            declared = read_type(self.reader, node.get("type"), f"`type` of {where}")
            port.mode = self.reader.choice(node.get("mode"), f"`mode` of {where}", INPUT_MODES)
            optional = self.reader.boolean(node.get("optional"), f"`optional` of {where}")
            port.optional = port.optional if optional is None else optional
            port.datastore = self.reader.string(node.get("datastore"), f"`datastore` of {where}")
            if value is node:
                return port
            port.binding = read_binding(self.reader, value, where, BINDABLE)
            if declared is not None:
                written_type(port, declared, component is None)
            return port
        port.binding = read_binding(self.reader, value, where, BINDABLE)
        return port

    def _uses_outputs(self, step: Step, node: Node | None, where: str, component: Component) -> None:
        step.outputs = {name: replace(port) for name, port in component.outputs.items()}
        for port_name, port_key, port_node in self.reader.named(node, f"outputs of {where}"):
            if component.known and port_name not in component.outputs:
                hint = self.suggestions.did_you_mean(port_name, component.outputs) or _ports_hint(
                    component.outputs
                )
                self.reader.report(
                    "R302", port_key.span, f"component `{component.name}` has no output `{port_name}`", hint
                )
                continue
            port = read_output(
                self.reader, port_name, port_key, port_node, f"output `{port_name}` of {where}"
            )
            declared = component.outputs.get(port_name)
            # A registered component's output keeps no type unless the step states one: unknown.
            port.type = port.type or (declared.type if declared else None)
            step.outputs[port_name] = port

    def _desugar(self, step: Step, template: Template, declare_outputs: bool) -> Template:
        """Turn command references to upstream ports into step inputs (implicit ports)."""
        names = _ImplicitNames(step)
        parts: list[Part] = []
        for part in template.parts:
            if isinstance(part, Placeholder):
                parts.append(self._implicit(step, names, part, declare_outputs))
            elif isinstance(part, Segment):
                inner = tuple(
                    self._implicit(step, names, p, declare_outputs) if isinstance(p, Placeholder) else p
                    for p in part.parts
                )
                parts.append(replace(part, parts=inner))
            else:
                parts.append(part)
        return Template(tuple(parts))

    def _implicit(
        self, step: Step, names: _ImplicitNames, placeholder: Placeholder, declare_outputs: bool
    ) -> Placeholder:
        ref = placeholder.ref
        span = step.ref_span(ref)
        if ref.kind is RefKind.OUTPUT and declare_outputs and ref.name not in step.outputs:
            step.outputs[ref.name] = Port(ref.name, span, type="uri_folder", implicit=True)
        if ref.kind in (RefKind.DATA, RefKind.PARENT_OUTPUT):
            self.reader.report(
                "E202",
                span,
                f"`{ref}` cannot be used in a command",
                "bind it to a step input (`inputs:`) or a pipeline input",
            )
        if ref.kind not in IMPLICIT:
            return placeholder
        name = names.bind(ref, span)
        return Placeholder(
            Ref(RefKind.INPUT, name, start=ref.start, end=ref.end), placeholder.start, placeholder.end
        )


class _ImplicitNames:
    """The input that each upstream reference of one step's command goes through.

    A command may hold tens of thousands of distinct references: each is looked up
    in an index of the bound inputs instead of a scan of all of them, and fresh
    names resume their numbering where the last one stopped, so desugaring a
    command is linear in its number of references.
    """

    def __init__(self, step: Step) -> None:
        self.step = step
        self.by_ref: dict[str, str] = {}
        for name, port in step.inputs.items():
            if port.binding and port.binding.ref:
                self.by_ref.setdefault(port.binding.ref.canonical(), name)
        self.next_number: dict[str, int] = {}

    def bind(self, ref: Ref, span: Span) -> str:
        """The input bound to ``ref``: an existing one, else a new implicit input."""
        canonical = ref.canonical()
        name = self.by_ref.get(canonical)
        if name is None:
            name = self._fresh(ref)
            self.step.inputs[name] = Port(name, span, binding=Binding(span, ref=ref), implicit=True)
            self.by_ref[canonical] = name
        return name

    def _fresh(self, ref: Ref) -> str:
        """``NAME``, else ``PREFIX_NAME``, else ``PREFIX_NAME_2``, ``_3``... (the first one free)."""
        prefix = "parent" if ref.kind is RefKind.PARENT_INPUT else ref.step
        for candidate in (ref.name, f"{prefix}_{ref.name}"):
            if candidate not in self.step.inputs:
                return candidate
        base = f"{prefix}_{ref.name}"
        number = self.next_number.get(base, 2)
        while f"{base}_{number}" in self.step.inputs:
            number += 1
        self.next_number[base] = number + 1
        return f"{base}_{number}"


def written_type(port: Port, written: str, own_interface: bool) -> None:
    """A `type:` on a step input: the interface of a step with its own command; on a step that uses
    a component, the type of a literal path, or (next to a reference) a type azpipe checks the
    reference against and Azure ML drops."""
    if not own_interface and port.binding is not None and port.binding.ref is None:
        port.binding.type = written
        return
    port.written_type = written
    if own_interface:
        port.type = written


def _ports_hint(ports: dict[str, Port]) -> str:
    """``its ports: a, b``: the first eight, and how many in all when there are more."""
    if not ports:
        return "it declares none"
    more = f", … ({len(ports)} in all)" if len(ports) > LISTED_PORTS else ""
    return "its ports: " + ", ".join(islice(ports, LISTED_PORTS)) + more
