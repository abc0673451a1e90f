"""Hypothesis strategies: valid pipelines across the whole azpipe language, and native Azure ML files.

A generated pipeline is a DAG of 1 to 6 steps, each running its own command,
using a ``components:`` entry, a component file or a registered component;
steps read pipeline inputs of every type (with and without defaults, optional
ones inside ``$[[ ]]``, every input mode that applies, local paths with a
datastore), literals and the outputs of earlier steps (fan-out and fan-in);
outputs have every asset type, modes, datastore paths and asset names; some
steps wait for others with ``after:``; pipeline outputs expose step outputs
(registered, path-bound, typed). Job fields are drawn too: display names, tags,
properties, identities, services, queue settings, resources (Docker arguments,
locations...), every distribution (Ray too), limits, environment variables,
additional includes, registered code, environments built from a Docker
context, component inputs' bounds and allowed values, settings with
``on_init``/``on_finalize``.

Every pipeline drawn is valid by construction: types are chosen to fit what
they are bound to, and every port appears in its command. ``files`` holds the
files it needs (code folders, component files, conda files, data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.sweep_strategies import add_sweep

ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
FOLDER_TYPES = ("uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model")
OUTPUT_TYPES = ("uri_folder", "uri_file", "mltable", "mlflow_model", "custom_model")
PRIMITIVES = ("integer", "number", "string", "boolean")
# Input modes azure-ai-ml accepts for each type (eval_* only for mltable).
MODES = {
    "uri_folder": ("ro_mount", "download", "direct"),
    "uri_file": ("ro_mount", "download", "direct"),
    "mltable": ("ro_mount", "download", "direct", "eval_mount", "eval_download"),
    "mlflow_model": ("ro_mount", "download", "direct"),
    "custom_model": ("ro_mount", "download", "direct"),
    "triton_model": ("ro_mount", "download", "direct"),
}
OUTPUT_MODES = ("rw_mount", "upload")
LITERALS = {
    "integer": st.integers(-5, 100),
    "number": st.sampled_from([0.5, 1.0, 2.25, -3.0]),
    "string": st.sampled_from(["fast", "a b", "x-1", "yes", "012"]),
    "boolean": st.booleans(),
}


@dataclass
class Generated:
    """A pipeline file's document, and the other files (relative path → text; ``/``: a folder)."""

    document: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The pipeline file's text."""
        return yaml.safe_dump(self.document, sort_keys=False, allow_unicode=True, width=1000)


@dataclass
class _Source:
    """Something a step input can be bound to."""

    reference: str  # `${{...}}`
    type: str
    optional: bool = False


@st.composite
def _identity(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["managed", "user_identity", "aml_token"]))
    found: dict[str, Any] = {"type": kind}
    if kind == "managed" and draw(st.booleans()):
        found["client_id"] = "00000000-0000-0000-0000-00000000000" + str(draw(st.integers(0, 9)))
    if kind == "managed" and draw(st.booleans()):
        found["object_id"] = "11111111-0000-0000-0000-000000000000"
    return found


@st.composite
def _services(draw: st.DrawFn) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(["ssh", "board", "code", "lab"]), unique=True, max_size=2)):
        found[name] = {
            "ssh": {"type": "ssh", "ssh_public_keys": "ssh-rsa AAAA", "nodes": "all"},
            "board": {"type": "tensor_board", "log_dir": "outputs/logs"},
            "code": {"type": "vs_code", "port": 8080},
            "lab": {"type": "jupyter_lab", "properties": {"note": "x"}},
        }[name]
    return found


@st.composite
def _resources(draw: st.DrawFn) -> dict[str, Any]:
    options = {
        "instance_count": st.integers(1, 4),
        "instance_type": st.sampled_from(["Standard_DS3_v2", "Standard_NC6"]),
        "shm_size": st.sampled_from(["2g", "512m"]),
        "docker_args": st.sampled_from(["--ipc=host", "--privileged"]),
        "locations": st.just(["westeurope"]),
        "max_instance_count": st.integers(1, 4),
    }
    keys = draw(st.lists(st.sampled_from(sorted(options)), unique=True, min_size=1, max_size=3))
    return {key: draw(options[key]) for key in keys}


@st.composite
def _distribution(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["pytorch", "mpi", "tensorflow", "ray"]))
    if kind in ("pytorch", "mpi"):
        return {"type": kind, "process_count_per_instance": draw(st.integers(1, 4))}
    if kind == "tensorflow":
        return {"type": kind, "worker_count": draw(st.integers(1, 3)), "parameter_server_count": 1}
    ray: dict[str, Any] = {"type": "ray"}
    if draw(st.booleans()):
        ray["port"] = 6379
    if draw(st.booleans()):
        ray["include_dashboard"] = True
    return ray


@st.composite
def _details(draw: st.DrawFn, own_command: bool) -> dict[str, Any]:
    """Job fields of a step (``own_command``: it may also hold its component's settings)."""
    found: dict[str, Any] = {}
    simple = {
        "display_name": st.sampled_from(["Step", "Ünïcode step", "a: b"]),
        "description": st.sampled_from(["does it", "multi\nline"]),
        "tags": st.just({"team": "ml", "yes": "no"}),
        "properties": st.just({"stage": "dev"}),
        "environment_variables": st.just({"MODE": "fast", "EMPTY": ""}),
        "limits": st.builds(dict, timeout=st.integers(60, 3600)),
        "queue_settings": st.sampled_from(
            [{"job_tier": "spot"}, {"job_tier": "standard", "priority": "high"}]
        ),
        "comment": st.just("a comment"),
        "identity": _identity(),
        "services": _services(),
        "resources": _resources(),
        "distribution": _distribution(),
    }
    if own_command:
        simple["is_deterministic"] = st.booleans()
    for key in draw(st.lists(st.sampled_from(sorted(simple)), unique=True, max_size=5)):
        value = draw(simple[key])
        if value != {}:
            found[key] = value
    return found


def _command(inputs: dict[str, bool], outputs: list[str], prefix: str = "inputs") -> str:
    """A command naming each input (optional ones inside ``$[[ ]]``) and each output."""
    parts = ["python run.py"]
    for name, optional in inputs.items():
        placeholder = "${{" + f"{prefix}.{name}" + "}}"
        parts.append(f"$[[--{name} {placeholder}]]" if optional else f"--{name} {placeholder}")
    parts += [f"--{name} ${{{{outputs.{name}}}}}" for name in outputs]
    return " ".join(parts)


class _Builder:
    """Draws one pipeline, step by step (each step sees what earlier ones produce)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.document: dict[str, Any] = {"azpipe": 1, "name": "generated"}
        self.files: dict[str, str] = {"src/": "", "data/": "", "data/table.csv": "a,b\n1,2\n"}
        self.sources: list[_Source] = []
        self.steps: dict[str, Any] = {}
        self.components: dict[str, Any] = {}
        self.ordered: list[str] = []  # steps azpipe writes the component of (may be ordered with after:)
        self.outputs_of: dict[str, dict[str, str]] = {}

    def build(self) -> Generated:
        self._header()
        self._inputs()
        for number in range(self.draw(st.integers(1, 5))):
            self._step(f"s{number}")
        self._hooks()
        self._outputs()
        if self.components:
            self.document["components"] = self.components
        self.document["steps"] = self.steps
        return Generated(self.document, self.files)

    # ------------------------------------------------------------------ the pipeline

    def _header(self) -> None:
        draw, doc = self.draw, self.document
        for key, value in (("display_name", "Generated pipeline"), ("description", "drawn by Hypothesis"),
                           ("experiment", "generated-exp"), ("job_name", "generated_run_1"),
                           ("tags", {"owner": "ml"}), ("properties", {"source": "hypothesis"})):  # fmt: skip
            if draw(st.booleans()):
                doc[key] = value
        if draw(st.integers(0, 3)) == 0:
            doc["identity"] = draw(_identity())
        if draw(st.integers(0, 4)) == 0:
            doc["services"] = draw(_services()) or {"ssh": {"type": "ssh", "ssh_public_keys": "k"}}
        defaults: dict[str, Any] = {"compute": draw(st.sampled_from(["cpu-cluster", "serverless"]))}
        if draw(st.booleans()):
            defaults["environment"] = ENV
        if draw(st.booleans()):
            defaults["datastore"] = "workspaceblobstore"
        doc["defaults"] = defaults
        if draw(st.booleans()):
            doc["environments"] = {"built": {"build": {"path": "context", "dockerfile_path": "Dockerfile"}},
                                   "conda": {"image": "python:3.11-slim", "conda_file": "env.yml", "version": "1"}}  # fmt: skip
            self.files.update(
                {"context/": "", "context/Dockerfile": "FROM python:3.11\n", "env.yml": "name: e\n"}
            )
        settings = {}
        for key in ("continue_on_step_failure", "force_rerun"):
            if draw(st.booleans()):
                settings[key] = draw(st.booleans())
        if settings:
            doc["settings"] = settings

    def _inputs(self) -> None:
        draw = self.draw
        inputs: dict[str, Any] = {}
        for number in range(draw(st.integers(0, 4))):
            name = f"p{number}"
            kind = draw(st.sampled_from([*PRIMITIVES, "local", "remote", "registered", "optional"]))
            if kind in PRIMITIVES:
                value = draw(LITERALS[kind])
                inputs[name] = value if draw(st.booleans()) else {"type": kind, "default": value}
                self.sources.append(_Source("${{parent.inputs." + name + "}}", kind))
            elif kind == "local":
                kind_, path = draw(
                    st.sampled_from([("uri_folder", "./data"), ("uri_file", "./data/table.csv")])
                )
                spec: dict[str, Any] = {"type": kind_, "path": path}
                if draw(st.booleans()):
                    spec["mode"] = draw(st.sampled_from(MODES[kind_]))
                if draw(st.booleans()):
                    spec["datastore"] = "workspaceblobstore"
                inputs[name] = spec
                self.sources.append(_Source("${{parent.inputs." + name + "}}", kind_))
            elif kind == "remote":
                inputs[name] = {
                    "type": "uri_folder",
                    "path": "azureml://datastores/workspaceblobstore/paths/data/",
                }
                self.sources.append(_Source("${{parent.inputs." + name + "}}", "uri_folder"))
            elif kind == "registered":
                kind_ = draw(st.sampled_from(["mltable", "mlflow_model", "custom_model", "uri_folder"]))
                inputs[name] = {"type": kind_, "path": f"azureml:asset_{number}:1"}
                self.sources.append(_Source("${{parent.inputs." + name + "}}", kind_))
            else:
                kind_ = draw(st.sampled_from(["integer", "string", "uri_folder"]))
                inputs[name] = {"type": kind_, "optional": True}
                self.sources.append(_Source("${{parent.inputs." + name + "}}", kind_, optional=True))
        if inputs:
            self.document["inputs"] = inputs

    # ------------------------------------------------------------------ steps

    def _step(self, name: str) -> None:
        draw = self.draw
        kind = draw(st.sampled_from(["own", "own", "component", "file", "registered"]))
        bound = self._bindings()
        outputs = self._output_types()
        step: dict[str, Any]
        if kind == "own":
            step = self._own(name, bound, outputs)
        elif kind == "component":
            step = self._uses_component(name, bound, outputs)
        elif kind == "file":
            step = self._uses_file(name, bound, outputs)
        else:
            step = self._uses_registered(name, bound, outputs)
        if (
            "environment" not in self.document["defaults"]
            and "environment" not in step
            and kind != "registered"
        ):
            step["environment"] = self._environment()
        if draw(st.integers(0, 3)) == 0:
            step["compute"] = draw(st.sampled_from(["gpu-cluster", "serverless"]))
        step.update(draw(_details(kind in ("own", "component"))))
        if kind in ("file", "registered"):
            step.pop("is_deterministic", None)
        if kind == "own" and draw(st.integers(0, 5)) == 0:  # a sweep step (tests/sweep_strategies.py)
            add_sweep(step, draw)
        if kind in ("own", "component") and self.ordered and draw(st.integers(0, 3)) == 0:
            step["after"] = draw(st.lists(st.sampled_from(self.ordered), unique=True, min_size=1, max_size=2))
        if kind in ("own", "component"):
            self.ordered.append(name)
        self.steps[name] = step
        self.outputs_of[name] = outputs
        for output, output_type in outputs.items():
            self.sources.append(_Source("${{" + f"{name}.outputs.{output}" + "}}", output_type))

    def _bindings(self) -> dict[str, _Source | Any]:
        """Input name → what it is bound to: sources drawn (fan-in), or a literal."""
        draw = self.draw
        bound: dict[str, _Source | Any] = {}
        if self.sources:
            chosen = draw(st.lists(st.sampled_from(range(len(self.sources))), unique=True, max_size=3))
            for number, index in enumerate(chosen):
                bound[f"i{number}"] = self.sources[index]
        if draw(st.booleans()):
            kind = draw(st.sampled_from(PRIMITIVES))
            bound["lit"] = (kind, draw(LITERALS[kind]))
        return bound

    def _output_types(self) -> dict[str, str]:
        count = self.draw(st.integers(0, 2))
        return {f"o{number}": self.draw(st.sampled_from(OUTPUT_TYPES)) for number in range(count)}

    def _environment(self) -> Any:
        choices: list[Any] = [ENV, "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:1",
                              {"image": "python:3.11-slim"}]  # fmt: skip
        if "environments" in self.document:
            choices += ["built", "conda", {"build": {"path": "context"}}]
        return self.draw(st.sampled_from(choices))

    def _port_inputs(self, bound: dict[str, Any]) -> dict[str, Any]:
        """A component's typed inputs for ``bound`` (optional where the source may be absent)."""
        ports: dict[str, Any] = {}
        for name, source in bound.items():
            if isinstance(source, _Source):
                spec: dict[str, Any] = {"type": source.type}
                if source.optional:
                    spec["optional"] = True
                if source.type in MODES and self.draw(st.integers(0, 3)) == 0:
                    spec["mode"] = self.draw(st.sampled_from(MODES[source.type]))
            else:
                kind, _value = source
                spec = {"type": kind}
                if kind == "integer" and self.draw(st.booleans()):
                    spec.update(min=-10, max=1000)
                if kind == "string" and self.draw(st.booleans()):
                    spec["enum"] = list(LITERAL_STRINGS)
                if self.draw(st.booleans()):
                    spec["default"] = _value
            ports[name] = spec
        return ports

    def _optional(self, bound: dict[str, Any]) -> dict[str, bool]:
        return {name: isinstance(source, _Source) and source.optional for name, source in bound.items()}

    def _values(self, bound: dict[str, Any]) -> dict[str, Any]:
        """The step's `inputs:` mapping (a few with a node mode, or a datastore)."""
        values: dict[str, Any] = {}
        for name, source in bound.items():
            if not isinstance(source, _Source):
                values[name] = source[1]
                continue
            value: Any = source.reference
            if source.type in MODES and self.draw(st.integers(0, 4)) == 0:
                value = {"value": source.reference, "mode": self.draw(st.sampled_from(MODES[source.type]))}
            values[name] = value
        return values

    def _outputs_spec(self, outputs: dict[str, str], own: bool) -> dict[str, Any]:
        draw = self.draw
        spec: dict[str, Any] = {}
        for name, kind in outputs.items():
            settings: dict[str, Any] = {"type": kind} if own else {}
            if draw(st.integers(0, 3)) == 0:
                settings["mode"] = draw(st.sampled_from(OUTPUT_MODES))
            if draw(st.integers(0, 4)) == 0:
                file = "/result.txt" if kind == "uri_file" else "/"
                settings["path"] = "azureml://datastores/workspaceblobstore/paths/${{name}}" + file
            if draw(st.integers(0, 4)) == 0:
                settings.update(name=f"asset-{name}", version="1")
            if settings and (own or set(settings) - {"type"}):
                spec[name] = settings if set(settings) != {"type"} else kind
        return spec

    def _own(self, name: str, bound: dict[str, Any], outputs: dict[str, str]) -> dict[str, Any]:
        step: dict[str, Any] = {"code": "src" if self.draw(st.integers(0, 5)) else "azureml:code_asset:1"}
        step["command"] = _command(self._optional(bound), list(outputs))
        if bound:
            step["inputs"] = self._own_values(bound)
        spec = self._outputs_spec(outputs, own=True)
        spec.update({name: kind for name, kind in outputs.items() if name not in spec})
        if spec:
            step["outputs"] = spec
        if self.draw(st.integers(0, 4)) == 0:
            step["additional_includes"] = ["data"]
        return step

    def _own_values(self, bound: dict[str, Any]) -> dict[str, Any]:
        """A step's own inputs: literals declare their type (the interface), optional ones say so."""
        values = self._values(bound)
        for name, source in bound.items():
            if isinstance(source, _Source) and source.optional:
                values[name] = {"value": source.reference, "optional": True}
            elif not isinstance(source, _Source):
                kind, literal = source
                values[name] = {"value": literal, "type": kind} if kind != "string" else literal
        return values

    def _uses_component(self, name: str, bound: dict[str, Any], outputs: dict[str, str]) -> dict[str, Any]:
        component: dict[str, Any] = {"code": "src", "command": _command(self._optional(bound), list(outputs))}
        if "environment" not in self.document["defaults"]:
            component["environment"] = self._environment()
        if bound:
            component["inputs"] = self._port_inputs(bound)
        if outputs:
            component["outputs"] = {
                output: ({"type": kind, "mode": "upload"} if self.draw(st.integers(0, 3)) == 0 else kind)
                for output, kind in outputs.items()
            }
        component.update({k: v for k, v in self.draw(_details(True)).items()
                          if k in ("display_name", "description", "tags", "is_deterministic", "resources",
                                   "distribution", "properties", "queue_settings", "environment_variables")})  # fmt: skip
        if self.draw(st.integers(0, 4)) == 0:
            component["additional_includes"] = ["data"]
        self.components[f"c_{name}"] = component
        step: dict[str, Any] = {"uses": f"c_{name}"}
        if bound:
            step["inputs"] = self._values(bound)
        spec = self._outputs_spec(outputs, own=False)
        if spec:
            step["outputs"] = spec
        return step

    def _uses_file(self, name: str, bound: dict[str, Any], outputs: dict[str, str]) -> dict[str, Any]:
        document: dict[str, Any] = {
            "$schema": "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json",
            "type": "command", "name": f"file_{name}", "code": "./src", "environment": ENV,
            "command": _command(self._optional(bound), list(outputs)),
        }  # fmt: skip
        if bound:
            document["inputs"] = self._port_inputs(bound)
        if outputs:
            document["outputs"] = {output: {"type": kind} for output, kind in outputs.items()}
        if self.draw(st.booleans()):
            document["resources"] = {"instance_count": 1}
        path = f"components/{name}.yml"
        self.files[path] = yaml.safe_dump(document, sort_keys=False)
        self.files["components/src/"] = ""
        step: dict[str, Any] = {"uses": f"./{path}"}
        if bound:
            step["inputs"] = self._values(bound)
        spec = self._outputs_spec(outputs, own=False)
        if spec:
            step["outputs"] = spec
        return step

    def _uses_registered(self, name: str, bound: dict[str, Any], outputs: dict[str, str]) -> dict[str, Any]:
        step: dict[str, Any] = {
            "uses": self.draw(st.sampled_from([f"azureml:reg_{name}:2", f"reg_{name}@latest"]))
        }
        if bound:
            step["inputs"] = self._values(bound)
        spec = self._outputs_spec(outputs, own=True)  # an unknown interface: the step states the types
        spec.update({output: kind for output, kind in outputs.items() if output not in spec})
        if spec:
            step["outputs"] = spec
        return step

    # ------------------------------------------------------------------ hooks and outputs

    def _hooks(self) -> None:
        """``on_init``/``on_finalize``: steps of their own, with no data edge (Azure ML's rule)."""
        draw = self.draw
        hooks = draw(st.lists(st.sampled_from(["on_init", "on_finalize"]), unique=True, max_size=2))
        if not hooks or draw(st.integers(0, 2)):
            return
        settings = self.document.setdefault("settings", {})
        for hook in hooks:
            name = hook.removeprefix("on_")
            step: dict[str, Any] = {"code": "src", "command": f"echo {name}"}
            if "environment" not in self.document["defaults"]:
                step["environment"] = ENV
            self.steps[name] = step
            settings[hook] = name

    def _outputs(self) -> None:
        draw = self.draw
        exposed = [(step, output) for step, outputs in self.outputs_of.items() for output in outputs]
        chosen = draw(st.lists(st.sampled_from(exposed), unique=True, max_size=3)) if exposed else []
        found: dict[str, Any] = {}
        for number, (step, output) in enumerate(chosen):
            reference = "${{" + f"{step}.outputs.{output}" + "}}"
            kind = self.outputs_of[step][output]
            settings: dict[str, Any] = {}
            if draw(st.integers(0, 2)) == 0:
                settings["mode"] = draw(st.sampled_from(OUTPUT_MODES))
            if draw(st.integers(0, 3)) == 0:
                settings.update(name=f"out-{number}", version=str(draw(st.integers(1, 9))))
            if draw(st.integers(0, 3)) == 0:
                file = "/out.txt" if kind == "uri_file" else "/"
                settings["path"] = "azureml://datastores/workspaceblobstore/paths/out${{name}}" + file
            if draw(st.integers(0, 4)) == 0:
                settings["type"] = kind
            found[f"r{number}"] = {"value": reference, **settings} if settings else reference
        if found:
            self.document["outputs"] = found


LITERAL_STRINGS = ("fast", "a b", "x-1", "yes", "012")


@st.composite
def azpipe_pipelines(draw: st.DrawFn) -> Generated:
    """A valid azpipe pipeline file, with the files it needs."""
    return _Builder(draw).build()


class _NativeBuilder:
    """Draws an Azure ML CLI v2 pipeline job file, as people write them (command jobs without a
    component, component files, inline components, registered components)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.document: dict[str, Any] = {"$schema": "https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json",
                                         "type": "pipeline"}  # fmt: skip
        self.files: dict[str, str] = {"src/": "", "data/": "", "data/table.csv": "a,b\n1,2\n"}
        self.sources: list[_Source] = []
        self.jobs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}

    def build(self) -> Generated:
        draw, doc = self.draw, self.document
        for key, value in (("display_name", "native"), ("description", "drawn"), ("experiment_name", "exp"),
                           ("tags", {"a": "b"}), ("properties", {"p": "q"})):  # fmt: skip
            if draw(st.booleans()):
                doc[key] = value
        if draw(st.integers(0, 3)) == 0:
            doc["identity"] = draw(_identity())
        settings: dict[str, Any] = {}
        if draw(st.booleans()):
            settings["default_compute"] = draw(st.sampled_from(["azureml:cpu-cluster", "serverless"]))
        if draw(st.booleans()):
            settings["default_datastore"] = "azureml:workspaceblobstore"
        if draw(st.booleans()):
            settings["continue_on_step_failure"] = draw(st.booleans())
        self._inputs()
        for number in range(draw(st.integers(1, 4))):
            self._job(f"j{number}", compute="default_compute" not in settings)
        if draw(st.integers(0, 3)) == 0:
            self.jobs["init"] = {"command": "echo init", "environment": ENV, "compute": "azureml:cpu-cluster"}
            settings["on_init"] = "init"
        if settings:
            doc["settings"] = settings
        if self.outputs:
            doc["outputs"] = self.outputs
        doc["jobs"] = self.jobs
        return Generated(doc, self.files)

    def _inputs(self) -> None:
        draw = self.draw
        inputs: dict[str, Any] = {}
        for number in range(draw(st.integers(0, 3))):
            name = f"p{number}"
            kind = draw(st.sampled_from(["integer", "string", "boolean", "value", "local", "remote"]))
            if kind in ("integer", "string", "boolean"):
                inputs[name] = draw(LITERALS[kind])
                self.sources.append(_Source("${{parent.inputs." + name + "}}", kind))
            elif kind == "value":
                inputs[name] = {"value": draw(st.sampled_from(["fast", "slow"]))}
                self.sources.append(_Source("${{parent.inputs." + name + "}}", "string"))
            elif kind == "local":
                spec: dict[str, Any] = {"type": "uri_folder", "path": "./data"}
                if draw(st.booleans()):
                    spec["mode"] = draw(st.sampled_from(MODES["uri_folder"]))
                inputs[name] = spec
                self.sources.append(_Source("${{parent.inputs." + name + "}}", "uri_folder"))
            else:
                inputs[name] = {"type": "uri_file", "path": "https://example.com/data.csv"}
                self.sources.append(_Source("${{parent.inputs." + name + "}}", "uri_file"))
        if inputs:
            self.document["inputs"] = inputs

    def _job(self, name: str, compute: bool) -> None:
        draw = self.draw
        kind = draw(st.sampled_from(["command", "command", "file", "inline", "registered"]))
        chosen = (
            draw(st.lists(st.sampled_from(range(len(self.sources))), unique=True, max_size=2))
            if self.sources
            else []
        )
        bound = {f"i{n}": self.sources[index] for n, index in enumerate(chosen)}
        outputs = {
            f"o{n}": draw(st.sampled_from(("uri_folder", "uri_file", "mlflow_model")))
            for n in range(draw(st.integers(0, 2)))
        }
        command = "python run.py " + " ".join(
            [f"--{i} ${{{{inputs.{i}}}}}" for i in bound] + [f"--{o} ${{{{outputs.{o}}}}}" for o in outputs]
        )
        job: dict[str, Any] = {"type": "command"} if draw(st.booleans()) or kind != "command" else {}
        interface_inputs = {i: {"type": source.type} for i, source in bound.items()}
        interface_outputs = {o: {"type": t} for o, t in outputs.items()}
        if kind == "command":
            job.update(command=command, environment=ENV, code="./src")
        elif kind == "file":
            component = {"type": "command", "name": f"c_{name}", "code": "./src", "environment": ENV, "command": command,
                         "inputs": interface_inputs, "outputs": interface_outputs}  # fmt: skip
            self.files[f"components/{name}.yml"] = yaml.safe_dump(component, sort_keys=False)
            self.files["components/src/"] = ""
            job["component"] = f"./components/{name}.yml"
        elif kind == "inline":
            component = {"type": "command", "code": "./src", "environment": ENV, "command": command,
                         "inputs": interface_inputs, "outputs": interface_outputs}  # fmt: skip
            if draw(st.booleans()):
                component["is_deterministic"] = False
            if draw(st.booleans()):
                component["resources"] = draw(_resources())
            job["component"] = component
        else:
            job["component"] = f"azureml:registered_{name}:1"
        if bound:
            job["inputs"] = {i: self._binding(source, kind == "command") for i, source in bound.items()}
        if outputs:
            job["outputs"] = {o: self._output(o, t, name, kind) for o, t in outputs.items()}
        if compute or draw(st.integers(0, 3)) == 0:
            job["compute"] = draw(st.sampled_from(["azureml:cpu-cluster", "azureml:gpu-cluster"]))
        job.update(self._settings(kind))
        self.jobs[name] = job
        for output, output_type in outputs.items():
            written = job["outputs"][output]
            reference = "${{parent.jobs." + f"{name}.outputs.{output}" + "}}"
            if written is None:  # a job's own output left unset is a folder; a component's keeps its type
                self.sources.append(_Source(reference, "uri_folder" if kind == "command" else output_type))
            elif isinstance(written, dict) and "path" not in written:
                self.sources.append(_Source(reference, output_type))

    def _binding(self, source: _Source, own: bool) -> Any:
        draw = self.draw
        if source.type in MODES and draw(st.integers(0, 3)) == 0:
            return (
                {"path": source.reference, "mode": draw(st.sampled_from(MODES[source.type]))}
                if not own
                else source.reference
            )
        return source.reference

    def _output(self, output: str, kind: str, job: str, node: str) -> Any:
        draw = self.draw
        choice = draw(st.integers(0, 3))
        if choice == 0:  # exposed as a pipeline output
            exposed = f"{job}_{output}"
            settings: dict[str, Any] = {}
            if draw(st.booleans()):
                settings["type"] = kind
            if draw(st.booleans()):
                settings["mode"] = draw(st.sampled_from(OUTPUT_MODES))
            self.outputs[exposed] = settings or None
            reference = "${{parent.outputs." + exposed + "}}"
            return {"path": reference} if draw(st.booleans()) else reference
        if choice == 1 and node != "registered":
            return None
        settings = {"type": kind}
        if draw(st.booleans()):
            settings["mode"] = draw(st.sampled_from(OUTPUT_MODES))
        return settings

    def _settings(self, kind: str) -> dict[str, Any]:
        draw = self.draw
        found: dict[str, Any] = {}
        options: dict[str, Any] = {
            "display_name": st.just("A job"), "description": st.just("does it"), "tags": st.just({"t": "v"}),
            "properties": st.just({"k": "v"}), "environment_variables": st.just({"A": "1"}),
            "resources": _resources(), "distribution": _distribution(), "limits": st.just({"timeout": 60}),
            "identity": _identity(), "services": _services(), "queue_settings": st.just({"job_tier": "spot"}),
        }  # fmt: skip
        if kind != "command":
            options["comment"] = st.just("a comment")
        for key in draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=4)):
            value = draw(options[key])
            if value != {}:
                found[key] = value
        return found


@st.composite
def native_pipelines(draw: st.DrawFn) -> Generated:
    """A valid Azure ML pipeline job file, with the files it needs."""
    return _NativeBuilder(draw).build()
