"""The Python target: a ``@dsl.pipeline`` module for azure-ai-ml.

Each step becomes a component built with ``command(...)`` at module level (a
component file is loaded with ``load_component``, a registered component is
named by id), called inside the ``@dsl.pipeline`` function in topological
order; node names are the local variable names. The module also holds the
declared entities, ``provision(ml_client)``, ``build_pipeline()`` and ``main()``.
This module writes text only: it never imports azure-ai-ml.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from azpipe import __version__
from azpipe.emit import automl, data_transfer, paused_gc, spark
from azpipe.emit import sweep as sweeps
from azpipe.emit.names import ModuleNames, module_names
from azpipe.emit.parallel import (
    REGISTERED_NODE,
    python_component,
    python_imports,
    python_node_settings,
    python_task_type,
)
from azpipe.emit.plan import (
    ComputePlan,
    DataPlan,
    EnvironmentPlan,
    EnvPlan,
    InPort,
    InputPlan,
    OutPort,
    OutputPlan,
    PathValue,
    Plan,
    Source,
    StepPlan,
    plan,
    refuse_for,
)
from azpipe.emit.subpipeline import python_function
from azpipe.emit.templates import render
from azpipe.emit.values import INDENT, WIDTH, Call, Code, Long, call, py, py_str, width
from azpipe.model import Pipeline
from azpipe.naming import NODE_NAME

DISTRIBUTIONS = {
    "pytorch": "PyTorchDistribution",
    "mpi": "MpiDistribution",
    "tensorflow": "TensorFlowDistribution",
    "ray": "RayDistribution",
}
IDENTITIES = {
    "managed": "ManagedIdentityConfiguration",
    "managed_identity": "ManagedIdentityConfiguration",
    "user_identity": "UserIdentityConfiguration",
    "aml_token": "AmlTokenConfiguration",
}
IDENTITY_ARGUMENTS = {"msi_resource_id": "resource_id"}  # YAML's name → the Python keyword
SERVICES = {
    "ssh": "SshJobService",
    "tensor_board": "TensorBoardJobService",
    "vs_code": "VsCodeJobService",
    "jupyter_lab": "JupyterLabJobService",
}
ML_IMPORTS = (
    "automl",
    "Input",
    "MLClient",
    "MpiDistribution",
    "Output",
    "PyTorchDistribution",
    "RayDistribution",
    "TensorFlowDistribution",
    "dsl",
    "load_component",
)
ENTITY_IMPORTS = (
    "AmlCompute",
    "AmlTokenConfiguration",
    "BuildContext",
    "Command",
    "CommandComponent",
    "ComputeInstance",
    "Data",
    "Environment",
    "JobResourceConfiguration",
    "JobService",
    "JupyterLabJobService",
    "ManagedIdentityConfiguration",
    "Parallel",
    "Pipeline",
    "PipelineJob",
    "QueueSettings",
    "SshJobService",
    "SparkComponent",
    "SparkResourceConfiguration",
    "TensorBoardJobService",
    "UserIdentityConfiguration",
    "VsCodeJobService",
)


def emit_python(pipeline: Pipeline, out_dir: str | None = None) -> str:
    """The module text; paths relative to ``out_dir`` (default: the pipeline's folder).

    Raises :class:`azpipe.emit.CompileRefused` when the pipeline has errors.
    """
    with paused_gc():
        return render_python(plan(pipeline, out_dir))


def render_python(the_plan: Plan) -> str:
    """The module text for a plan (refused when it holds what only YAML can say)."""
    refuse_for(the_plan, "python")
    names = module_names(the_plan.name, [s.name for s in the_plan.steps], [i.name for i in the_plan.inputs])
    return _Module(the_plan, names).render()


class _Module:
    """Lays out the pieces of one module; every name it uses is recorded for the imports."""

    def __init__(self, the_plan: Plan, names: ModuleNames) -> None:
        self.plan = the_plan
        self.names = names
        self.used: set[str] = {"MLClient", "PipelineJob", "dsl"}  # the template's own; the rest as used
        self.steps = {step.name: step for step in the_plan.steps}
        self.referenced = _referenced(the_plan)

    def render(self) -> str:
        """The whole module (the imports are computed last, from what was used)."""
        pieces = {
            "entities": self._entities(),
            "components": [self._component(step) for step in _components_first(self.plan.steps)],
            "decorator": "@" + py(self._decorator(), 0, 1),
            "signature": self._signature(),
            "body": self._body(),
            "build": self._build(),
        }
        return render(
            "pipeline.py.j2",
            plan=self.plan,
            version=__version__,
            function=self.names.function,
            imports=self._imports(),
            **pieces,
        )

    def _imports(self) -> list[str]:
        lines = [_from_import("azure.ai.ml", [n for n in ML_IMPORTS if n in self.used])]
        entities = [n for n in ENTITY_IMPORTS if n in self.used]
        lines += [_from_import("azure.ai.ml.entities", entities)] if entities else []
        lines[1:1] = data_transfer.python_imports(
            self.used
        )  # azure.ai.ml.data_transfer sorts before .entities
        return lines + python_imports(self.used) + sweeps.python_imports(self.used)

    def use(self, name: str) -> str:
        """Record that the module uses ``name``; returns it."""
        self.used.add(name)
        return name

    # --------------------------------------------------------------- values

    def path(self, value: PathValue, as_str: bool = False) -> Any:
        """A path expression: local paths relative to the module's own folder."""
        if not value.local:
            return labelled(value.text)
        expression = "HERE" if value.text == "." else f"HERE / {py_str(value.text)}"
        return Code(f"str({expression})" if as_str else expression)

    def environment(self, env: EnvPlan | None) -> Any:
        """An environment reference, or an anonymous ``Environment`` (an image, or a Docker build)."""
        if env is None or env.ref is not None:
            return labelled(env.ref) if env and env.ref else None
        conda = self.path(env.conda_file) if env.conda_file else None
        build = None
        if env.build:
            path = env.build.get("path")
            build = call(
                self.use("BuildContext"),
                path=self.path(path) if isinstance(path, PathValue) else path,
                dockerfile_path=env.build.get("dockerfile_path"),
            )
        return call(
            self.use("Environment"),
            image=env.image,
            conda_file=conda,
            build=build,
            os_type=env.os_type,
            description=env.description,
            tags=env.tags or None,
        )

    def distribution(self, values: dict[str, Any]) -> Call | None:
        """``PyTorchDistribution(...)`` and friends."""
        if not values:
            return None
        settings = {key: value for key, value in values.items() if key != "type"}
        return call(self.use(DISTRIBUTIONS[values["type"]]), **settings)

    def identity(self, values: dict[str, Any]) -> Call | None:
        """``ManagedIdentityConfiguration(client_id=...)`` and friends."""
        if not values:
            return None
        settings = {IDENTITY_ARGUMENTS.get(key, key): value for key, value in values.items() if key != "type"}
        return call(self.use(IDENTITIES[values["type"]]), **settings)

    def services(self, values: dict[str, dict[str, Any]]) -> dict[str, Call] | None:
        """``{"NAME": SshJobService(...)}``; a type without a class of its own is a ``JobService``."""
        if not values:
            return None
        found = {}
        for name, service in values.items():
            kind = service.get("type")
            settings = {key: value for key, value in service.items() if key != "type"}
            if kind in SERVICES or kind is None:  # untyped, azure-ai-ml reads a service as ssh
                found[name] = call(self.use(SERVICES[kind or "ssh"]), **settings)
            else:  # azure-ai-ml keeps no other type (S110 said so)
                found[name] = call(self.use("JobService"), **settings)
        return found

    def resources(self, values: dict[str, Any]) -> Call | None:
        """``JobResourceConfiguration(...)``."""
        return call(self.use("JobResourceConfiguration"), **values) if values else None

    def queue_settings(self, values: dict[str, Any]) -> Call | None:
        """``QueueSettings(job_tier=..., priority=...)``."""
        return call(self.use("QueueSettings"), **values) if values else None

    def source(self, source: Source) -> Any:
        """A binding as a Python expression inside the pipeline function."""
        if source.kind == "input":
            return Code(source.name)
        if source.kind == "output":
            if not source.attr:
                return "${{parent.jobs." + source.step + ".outputs." + source.name + "}}"
            return Code(f"{self.names.locals[source.step]}.outputs.{source.name}")
        if source.kind == "asset":
            assert source.path is not None
            return call(self.use("Input"), type=source.type, path=self.path(source.path))
        return source.value

    # --------------------------------------------------------------- entities and components

    def _entities(self) -> list[str]:
        """``ENVIRONMENTS = [...]``, ``COMPUTE = [...]``, ``DATA = [...]``: what ``provision()`` creates."""
        lists = {
            "ENVIRONMENTS": [self._environment(env) for env in self.plan.environments],
            "COMPUTE": [self._compute(target) for target in self.plan.compute],
            "DATA": [self._data(asset) for asset in self.plan.data],
        }
        return [f"{name} = {py(items, 0, len(name) + 3)}" for name, items in lists.items()]

    def _environment(self, env: EnvironmentPlan) -> Call:
        conda = self.path(env.conda_file) if env.conda_file else None
        return call(
            self.use("Environment"),
            name=env.name,
            version=env.version,
            image=env.image,
            conda_file=conda,
            description=env.description,
        )

    def _compute(self, target: ComputePlan) -> Call:
        if target.type == "computeinstance":
            return call(self.use("ComputeInstance"), name=target.name, size=target.size)
        return call(
            self.use("AmlCompute"),
            name=target.name,
            size=target.size,
            min_instances=target.min_instances,
            max_instances=target.max_instances,
            idle_time_before_scale_down=target.idle_time_before_scale_down,
        )

    def _data(self, asset: DataPlan) -> Call:
        path = self.path(asset.path, as_str=True)
        return call(
            self.use("Data"),
            name=asset.name,
            version=asset.version,
            type=asset.type,
            path=path,
            description=asset.description,
        )

    def _component(self, step: StepPlan) -> str:
        if step.pipeline is not None:  # a sub-pipeline: a nested @dsl.pipeline function
            return python_function(self, step, _Module)
        variable = self.names.components[step.name]
        if step.kind == "file":
            assert step.component is not None
            value = call(
                self.use("load_component"),
                source=self.path(_file_path(step.component)),
                params_override=_valid_name_override(step),
            )
        elif step.kind == "parallel":  # emit/parallel.py
            value = python_component(self, step)
        elif data_transfer.is_copy(step):  # emit/data_transfer.py
            value = data_transfer.python_component(self, step)
        elif step.spark is not None:  # emit/spark.py
            value = spark.python_component(self, step)
        else:
            value = self._command(step)
        return f"{variable} = {py(value, 0, len(variable) + 3)}" + python_task_type(step, variable)

    def _command(self, step: StepPlan) -> Call:
        """The component azpipe writes for a step: only the component's own settings."""
        details = step.details
        return call(
            self.use("CommandComponent"),
            display_name=details.display_name,
            description=details.description,
            tags=details.tags or None,
            is_deterministic=details.is_deterministic,
            command=Long(step.command or ""),
            code=self.code(step.code),
            environment=self.environment(step.environment),
            inputs={port.name: self._input_spec(port) for port in step.inputs} or None,
            outputs={port.name: self._output_spec(port) for port in step.outputs} or None,
            environment_variables=details.environment_variables or None,
            resources=self.resources(details.resources),
            distribution=self.distribution(details.distribution),
            queue_settings=self.queue_settings(details.queue_settings),
            properties=details.properties or None,
            additional_includes=[self.path(item, as_str=True) for item in details.additional_includes]
            or None,
        )

    def code(self, code: PathValue | None) -> Any:
        """The code folder: a local path, or a registered code asset (``azureml:NAME:VERSION``)."""
        if code is None:
            return None
        return self.path(code) if code.local else code.text

    def _input_spec(self, port: InPort) -> Call:
        return call(
            self.use("Input"),
            type=port.type,
            optional=port.optional or None,
            default=port.default,
            description=port.description,
            min=port.min,
            max=port.max,
            enum=port.enum,
            mode=port.declared_mode,
        )

    def _output_spec(self, port: OutPort) -> Call:
        return call(self.use("Output"), type=port.type, mode=port.declared_mode, description=port.description)

    def _registered_output(self, port: OutPort) -> Call:
        if port.pipeline_output is not None:  # its settings go to the pipeline output
            return call(self.use("Output"), type=port.type)
        return call(
            self.use("Output"),
            type=port.type,
            mode=port.mode,
            path=port.path,
            name=port.asset_name,
            version=port.asset_version,
        )

    # --------------------------------------------------------------- the pipeline function

    def _decorator(self) -> Call:
        p = self.plan
        return call(
            "dsl.pipeline",
            name=p.name,
            display_name=p.display_name,
            description=p.description,
            experiment_name=p.experiment,
            tags=p.tags or None,
            default_compute=p.default_compute,
            default_datastore=p.default_datastore,
            continue_on_step_failure=p.continue_on_step_failure,
            force_rerun=p.force_rerun,
            on_init=p.on_init,
            on_finalize=p.on_finalize,
        )

    def _signature(self) -> str:
        """``def NAME(...):`` with the pipeline inputs; those without a default come first."""
        ordered = sorted(self.plan.inputs, key=lambda item: _has_default(item))
        head = f"def {self.names.function}("
        flat = [self._parameter(item, None) for item in ordered]
        if width(head + ", ".join(flat) + "):") <= WIDTH:
            return head + ", ".join(flat) + "):"
        lines = [INDENT + self._parameter(item, 4) for item in ordered]
        return head + "\n" + "".join(line + ",\n" for line in lines) + "):"

    def _parameter(self, item: InputPlan, indent: int | None) -> str:
        annotation = call(
            self.use("Input"), type=item.type, optional=item.optional or None, description=item.description
        )
        default = f" = {py(item.value) if item.value is not None else 'None'}" if _has_default(item) else ""
        if indent is None:
            return f"{item.name}: {py(annotation)}{default}"
        written = py(annotation, indent, len(item.name) + 2, len(default) + 1)
        return f"{item.name}: {written}{default}"

    def _body(self) -> list[str]:
        lines: list[str] = []
        for step in self.plan.steps:
            lines += self._call(step)
        outputs = {o.name: Code(f"{self.names.locals[o.step]}.outputs.{o.port}") for o in self.plan.outputs}
        if outputs:
            lines.append(f"{INDENT}return {py(outputs, 4, 7)}")
        return lines or [INDENT + "pass"]

    def _call(self, step: StepPlan) -> list[str]:
        local = self.names.locals[step.name]
        bound = {port.name: self.source(port.source) for port in step.inputs if port.source is not None}
        if step.kind == "registered":
            outputs = {port.name: self._registered_output(port) for port in step.outputs} or None
            value = call(
                self.use(_registered_node(step)),
                component=step.component,
                inputs=bound or None,
                outputs=outputs,
                _from_component_func=True,
            )
        elif step.automl is not None:  # emit/automl.py
            value = automl.python_call(self, step)
        elif step.transfer is not None and not data_transfer.is_copy(step):  # emit/data_transfer.py
            value = data_transfer.python_call(self, step)
        else:
            value = Call(self.names.components[step.name], tuple(bound.items()))
        trial = []
        if step.sweep is not None:  # the trial node, then the sweep node made from it (emit/sweep.py)
            line, value = sweeps.python_lines(self, step.sweep, local, value, step.kind == "registered")
            trial.append(line)
        first, *rest = f"{INDENT}{local} = {py(value, 4, len(local) + 3)}".split("\n")
        after = self._after_call(step, local)
        after += automl.python_settings(self, step, local) if step.automl is not None else []
        if not after and not trial and step.name not in self.referenced:  # the variable names the node
            first += "  # noqa: F841"
        return [*trial, first, *rest, *after]

    def _after_call(self, step: StepPlan, local: str) -> list[str]:
        """Statements that set what the call cannot: the node name, input modes, node settings."""
        lines = []
        if self.names.renamed(step.name):
            lines.append(f"{INDENT}{local}.name = {py_str(step.name)}")
        for port in step.inputs:
            if port.mode and port.source is not None:
                lines.append(f"{INDENT}{local}.inputs.{port.name}.mode = {py_str(port.mode)}")
        return lines + self._node_settings(step, local)

    def _node_settings(self, step: StepPlan, local: str) -> list[str]:
        """The node's own settings (those of its component are in the component)."""
        node = step.node
        values = {
            "display_name": node.display_name,
            "description": node.description,
            "tags": node.tags or None,
            "compute": step.compute,
            "environment": self.environment(step.node_environment),
            "environment_variables": node.environment_variables or None,
            "resources": self.resources(node.resources)
            if step.spark is None
            else spark.python_resources(self, node.resources),
            "distribution": self.distribution(node.distribution),
            "identity": self.identity(node.identity),
            "queue_settings": self.queue_settings(node.queue_settings),
            "services": self.services(node.services),
            "properties": node.properties or None,
            "comment": node.comment,
        }
        lines = [_assign(f"{local}.{attr}", value) for attr, value in values.items() if value is not None]
        lines += python_node_settings(step, local)  # a parallel component's node (emit/parallel.py)
        if node.limits:
            lines.append(INDENT + py(call(f"{local}.set_limits", **node.limits), 4))
        for port in step.outputs:
            if port.pipeline_output is None:  # else they are the pipeline output's settings
                lines += self._output_settings(local, port, step)
        return lines

    def _output_settings(self, local: str, port: OutPort, step: StepPlan) -> list[str]:
        values = {
            "type": port.type if port.configured else None,  # as the YAML target's node states it
            "mode": port.mode,
            "path": port.path,
            "name": port.asset_name,
            "version": port.asset_version,
        }
        target = f"{local}.outputs.{port.name}"
        return [_assign(f"{target}.{attr}", value) for attr, value in values.items() if value is not None]

    def _build(self) -> list[str]:
        """The body of ``build_pipeline()``: asset inputs get their paths here, the job its own settings."""
        values = {
            item.name: call(
                self.use("Input"),
                type=item.type,
                path=self.path(item.path),
                mode=item.mode,
                datastore=item.datastore,
            )
            for item in self.plan.inputs
            if item.path is not None
        }
        job = Call(self.names.function, tuple(values.items()))
        settings = [line for output in self.plan.outputs for line in self._pipeline_output(output)]
        settings += self._job_settings()
        if not settings:
            return [f"{INDENT}return {py(job, 4, 7)}"]
        return [f"{INDENT}job = {py(job, 4, 6)}", *settings, f"{INDENT}return job"]

    def _job_settings(self) -> list[str]:
        """The job's name, identity, properties and services (``@dsl.pipeline`` takes none of them)."""
        p = self.plan
        values = {
            "name": p.job_name,
            "identity": self.identity(p.identity),
            "properties": p.properties or None,
            "services": self.services(p.services),
        }
        lines = [_assign(f"job.{attr}", value) for attr, value in values.items() if value is not None]
        lines += [_set_setting(key, value) for key, value in p.extra_settings.items()]
        if p.display_name is None:  # `@dsl.pipeline` would name it after the function
            lines.insert(0, f"{INDENT}job.display_name = None")
        return lines

    def _pipeline_output(self, output: OutputPlan) -> list[str]:
        """Settings of a pipeline output that the step output's component does not carry."""
        values = {
            "type": output.type if output.type != output.bound_type else None,  # else the step output's
            "path": output.path,
            "name": output.asset_name,
            "version": output.asset_version,
            "description": output.description,
            "mode": output.mode,  # last: setting the path starts a new output, without a mode
        }
        target = f"job.outputs.{output.name}"
        lines = [_assign(f"{target}.{attr}", value) for attr, value in values.items() if value is not None]
        if output.mode is None and output.bound_mode is not None:  # @dsl.pipeline takes the component's
            lines.append(f"{INDENT}{target}.mode = None")
        return lines


def _components_first(steps: list[StepPlan]) -> list[StepPlan]:
    """The steps whose component the module defines: sub-pipelines' functions last (each is
    preceded by two blank lines, as ruff puts them after a function)."""
    own = [step for step in steps if step.kind not in ("registered", "automl")]  # AutoML: no component
    own = [
        step for step in own if step.transfer is None or data_transfer.is_copy(step)
    ]  # import/export: none
    return [step for step in own if step.pipeline is None] + [
        step for step in own if step.pipeline is not None
    ]


def _referenced(the_plan: Plan) -> set[str]:
    """Steps whose node a later binding or a pipeline output reads."""
    found = {output.step for output in the_plan.outputs}
    for step in the_plan.steps:
        for port in step.inputs:
            if port.source and port.source.kind == "output" and port.source.attr:
                found.add(port.source.step)
    return found


def _has_default(item: InputPlan) -> bool:
    """Parameters with a value in the signature: literals, and optional inputs left unset."""
    return item.value is not None or (item.optional and item.path is None)


def _assign(target: str, value: Any) -> str:
    """``target = value`` in the function body; a long string goes in parentheses as ruff puts it."""
    text = py(value, 4, len(target) + 3)
    line = f"{INDENT}{target} = {text}"
    if isinstance(value, str) and width(line) > WIDTH and width(text) + 2 * len(INDENT) <= WIDTH:
        return f"{INDENT}{target} = (\n{INDENT * 2}{text}\n{INDENT})"
    return line


def _set_setting(key: str, value: Any) -> str:
    """A setting ``@dsl.pipeline`` does not take, set on the job's settings as written."""
    if key.isidentifier() and not keyword.iskeyword(key):
        return _assign(f"job.settings.{key}", value)
    return f"{INDENT}setattr(job.settings, {py(key, 4, 25)}, {py(value, 4, 30)})"


def _file_path(reference: str) -> PathValue:
    return PathValue(reference.removeprefix("./") or ".", local=True)


def _from_import(module: str, names: list[str]) -> str:
    """``from MODULE import A, B`` (split one name per line when long), in isort's order."""
    ordered = sorted(names, key=_import_order)
    flat = f"from {module} import {', '.join(ordered)}"
    if len(flat) <= WIDTH:
        return flat
    return f"from {module} import (\n" + "".join(f"{INDENT}{name},\n" for name in ordered) + ")"


def _import_order(name: str) -> tuple[int, str]:
    """isort's order within one ``from`` import: constants, classes, then functions."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def _valid_name_override(step: StepPlan) -> list[dict[str, str]] | None:
    """``load_component`` refuses a file whose ``name:`` breaks Azure ML's rule
    (``r-iris-example``) although ``load_job`` accepts the same file in a pipeline,
    where the component is anonymous anyway: give it the step's name instead."""
    name = step.component_name
    if name is None or NODE_NAME.fullmatch(name):
        return None
    return [{"name": step.name}]


_LABELLED = re.compile(r"azureml:([^:/@]+@[^:/@]+)$")


def labelled(reference: str) -> str:
    """``azureml:NAME@LABEL`` written as ``NAME@LABEL`` for the Python SDK.

    azure-ai-ml 1.35.2 resolves ``NAME@LABEL`` but, given the prefixed form in
    Python, looks up an asset literally named ``azureml:NAME`` (its YAML loader
    strips the prefix, so the YAML target keeps it).
    """
    match = _LABELLED.match(reference)
    return match.group(1) if match else reference


def _registered_node(step: StepPlan) -> str:
    """The node class of a registered component: a pipeline, parallel or command component's."""
    if step.pipeline is not None:
        return "Pipeline"
    return REGISTERED_NODE if step.parallel is not None else "Command"
