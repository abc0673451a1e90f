"""Hypothesis strategies for parallel steps: azpipe pipelines and native files nobody wrote by hand.

Each draw is a pipeline with one parallel step (and sometimes a command step that
produces its data): a folder or table input split into mini-batches, a random
subset of the parallel settings (within the values Azure ML takes), primitive
inputs used in the program arguments, outputs of either kind with ``append_row_to``
on one of them or none, input modes, node settings and an environment by
reference or inline. ``files`` are what the pipeline points at (the entry script,
the data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

SCRIPT = "def init():\n    pass\n\n\ndef run(mini_batch):\n    return mini_batch\n"
NAMES = st.sampled_from(["alpha", "beta", "gamma", "delta", "count", "label", "size"])


@dataclass
class Drawn:
    """A drawn pipeline: its document (dumped as YAML) and the files it points at."""

    document: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The pipeline file's text."""
        return yaml.safe_dump(self.document, sort_keys=False)


@st.composite
def _settings(draw: st.DrawFn, table: bool) -> dict[str, Any]:
    """A random subset of the node's parallel settings (not input_data or the task)."""
    values: dict[str, Any] = {}
    if draw(st.booleans()):
        values["mini_batch_size"] = draw(st.sampled_from(["1", "3", "10", "5kb", "2mb", "1gb", "7KB"]))
    if table and draw(st.booleans()):
        values["partition_keys"] = draw(st.lists(NAMES, min_size=1, max_size=2, unique=True))
    for key, low, high in (
        ("max_concurrency_per_instance", 1, 4),
        ("error_threshold", -1, 20),
        ("mini_batch_error_threshold", -1, 20),
    ):
        if draw(st.booleans()):
            values[key] = draw(st.integers(low, high))
    if draw(st.booleans()):
        values["logging_level"] = draw(st.sampled_from(["DEBUG", "INFO", "WARNING"]))
    retry = {}
    if draw(st.booleans()):
        retry["max_retries"] = draw(st.integers(1, 5))
    if draw(st.booleans()):
        retry["timeout"] = draw(st.integers(1, 600))
    if retry:
        values["retry_settings"] = retry
    return values


@st.composite
def _node_settings(draw: st.DrawFn) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if draw(st.booleans()):
        values["display_name"] = draw(st.sampled_from(["Score", "batch scoring", "x"]))
    if draw(st.booleans()):
        values["description"] = "Scores every file"
    if draw(st.booleans()):
        values["tags"] = {"team": draw(st.sampled_from(["a", "vision"]))}
    if draw(st.booleans()):
        values["environment_variables"] = {"MODE": draw(st.sampled_from(["1", "fast"]))}
    if draw(st.booleans()):
        resources: dict[str, Any] = {"instance_count": draw(st.integers(1, 4))}
        if draw(st.booleans()):
            resources["instance_type"] = "STANDARD_D2_V2"
        values["resources"] = resources
    if draw(st.booleans()):
        values["properties"] = {"owner": "me"}
    return values


@st.composite
def _interface(draw: st.DrawFn) -> tuple[dict[str, tuple[str, Any]], dict[str, str], str | None, bool]:
    """(primitive inputs: name → (type, value), outputs: name → type, append_row_to, data is a table)."""
    names = draw(st.lists(NAMES, max_size=2, unique=True))
    kinds = {"count": ("integer", 3), "size": ("number", 0.5)}
    primitives = {name: kinds.get(name, ("string", name + " value")) for name in names}
    outputs = draw(
        st.dictionaries(st.sampled_from(["scores", "summary"]), st.sampled_from(["uri_folder", "uri_file"]))
    )
    append = draw(st.sampled_from([None, *outputs])) if outputs else None
    return primitives, outputs, append, draw(st.booleans())


def _arguments(
    primitives: dict[str, tuple[str, Any]], used: list[str], outputs: dict[str, str]
) -> str | None:
    parts = [f"--{name} ${{{{inputs.{name}}}}}" for name in used]
    parts += [f"--{name} ${{{{outputs.{name}}}}}" for name in outputs]
    return " ".join(parts) or None


def _files(table: bool) -> dict[str, str]:
    files = {"src/score.py": SCRIPT}
    if table:
        files["table/MLTable"] = "paths:\n  - file: ./rows.csv\ntransformations:\n  - read_delimited: {}\n"
        files["table/rows.csv"] = "alpha,beta\n1,2\n"
    else:
        files["data/a.txt"] = "1"
    return files


@st.composite
def parallel_pipelines(draw: st.DrawFn) -> Drawn:
    """An azpipe pipeline with one parallel step."""
    primitives, outputs, append, table = draw(_interface())
    data_type = "mltable" if table else "uri_folder"
    used = [name for name in primitives if draw(st.booleans())]
    task: dict[str, Any] = {"code": "src", "entry_script": "score.py"}
    arguments = _arguments(primitives, used, {k: v for k, v in outputs.items() if k != append})
    if arguments:
        task["program_arguments"] = arguments
    if append:
        task["append_row_to"] = f"${{{{outputs.{append}}}}}"
    block = {"input_data": "${{inputs.data}}", **draw(_settings(table)), "task": task}
    data: Any = "${{parent.inputs.data}}"
    mode = draw(st.sampled_from([None, "ro_mount", "download", "direct"]))
    if mode:
        data = {"value": data, "mode": mode}
    step: dict[str, Any] = {"inputs": {"data": data}}
    for name in used:
        step["inputs"][name] = (
            f"${{{{parent.inputs.{name}}}}}" if draw(st.booleans()) else primitives[name][1]
        )
    if outputs:
        step["outputs"] = dict(outputs)
    step.update(draw(_node_settings()))
    if draw(st.booleans()):
        step["environment"] = {"image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"}
    step["parallel"] = block
    inputs: dict[str, Any] = {"data": {"type": data_type, "path": "./table" if table else "./data"}}
    inputs.update({name: {"type": kind, "default": value} for name, (kind, value) in primitives.items()})
    document = {
        "azpipe": 1,
        "name": "generated",
        "defaults": {"compute": "cpu-cluster", "environment": "azureml:env:1"},
        "inputs": inputs,
        "steps": {"score": step},
    }
    return Drawn(document, _files(table))


@st.composite
def native_parallel_jobs(draw: st.DrawFn) -> Drawn:
    """A native pipeline job file with one inline ``type: parallel`` job."""
    primitives, outputs, append, table = draw(_interface())
    used = [name for name in primitives if draw(st.booleans())]
    task: dict[str, Any] = {
        "type": "run_function",
        "code": "./src",
        "entry_script": "score.py",
        "environment": draw(
            st.sampled_from(
                ["azureml:env:1", {"image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"}]
            )
        ),
    }
    arguments = _arguments(primitives, used, {k: v for k, v in outputs.items() if k != append})
    if arguments:
        task["program_arguments"] = arguments
    if append:
        task["append_row_to"] = f"${{{{outputs.{append}}}}}"
    data: dict[str, Any] = {"type": "mltable" if table else "uri_folder", "path": "${{parent.inputs.data}}"}
    mode = draw(st.sampled_from([None, "ro_mount", "download", "direct"]))
    if mode:
        data["mode"] = mode
    job: dict[str, Any] = {"type": "parallel", "compute": "azureml:cpu-cluster", "inputs": {"data": data}}
    for name in used:
        job["inputs"][name] = (
            f"${{{{parent.inputs.{name}}}}}" if draw(st.booleans()) else str(primitives[name][1])
        )
    if outputs:
        job["outputs"] = {name: {"type": kind} for name, kind in outputs.items()}
    job.update(draw(_node_settings()))
    job.update({"input_data": "${{inputs.data}}", **draw(_settings(table)), "task": task})
    inputs: dict[str, Any] = {
        "data": {"type": "mltable" if table else "uri_folder", "path": "./table" if table else "./data"}
    }
    inputs.update({name: str(value) for name, (_, value) in primitives.items()})
    document = {"type": "pipeline", "inputs": inputs, "jobs": {"score": job}}
    return Drawn(document, _files(table))


# ------------------------------------------------------------ parallel components and flows

FLOW = (
    "$schema: https://azuremlschemas.azureedge.net/promptflow/latest/Flow.schema.json\n"
    "inputs:\n  text: {type: string}\noutputs:\n  output: {type: string, reference: '${llm.output}'}\n"
    "nodes:\n- {name: llm, type: python, source: {type: code, path: hello.py}, inputs: {text: '${inputs.text}'}}\n"
)
RUN = "$schema: https://azuremlschemas.azureedge.net/promptflow/latest/Run.schema.json\nflow: ./flow\n"


@st.composite
def _component(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, tuple[str, Any]], bool]:
    """A parallel component file's document, its primitive inputs and whether its data is a table."""
    primitives, outputs, append, table = draw(_interface())
    inputs: dict[str, Any] = {"data": {"type": "mltable" if table else "uri_folder"}}
    if draw(st.booleans()):
        inputs["data"]["mode"] = draw(st.sampled_from(["ro_mount", "download", "direct"]))
    inputs.update({name: {"type": kind, "default": value} for name, (kind, value) in primitives.items()})
    task: dict[str, Any] = {
        "type": draw(st.sampled_from(["run_function", "function"])),
        "code": "./src",
        "entry_script": "score.py",
        "environment": {"image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"},
    }
    arguments = _arguments(primitives, list(primitives), {k: v for k, v in outputs.items() if k != append})
    if arguments:
        task["program_arguments"] = arguments
    if append:
        task["append_row_to"] = f"${{{{outputs.{append}}}}}"
    document: dict[str, Any] = {
        "$schema": "https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json",
        "type": "parallel",
        "name": "score",
        "version": "1",
        "inputs": inputs,
        "outputs": {name: {"type": kind} for name, kind in outputs.items()},
        "input_data": "${{inputs.data}}",
        **draw(_settings(table)),
        "task": task,
    }
    if not document["outputs"]:
        del document["outputs"]
    return document, primitives, table


def _component_files(component: dict[str, Any], table: bool) -> dict[str, str]:
    files = {f"components/{path}": text for path, text in _files(table).items() if path.startswith("src/")}
    files["components/score.yml"] = yaml.safe_dump(component, sort_keys=False)
    files.update({path: text for path, text in _files(table).items() if not path.startswith("src/")})
    files.update({"flows/flow/flow.dag.yaml": FLOW, "flows/flow/hello.py": "", "flows/run.yml": RUN})
    return files


@st.composite
def native_parallel_component_jobs(draw: st.DrawFn) -> Drawn:
    """A native pipeline job whose ``type: parallel`` nodes use a parallel component file (overriding
    some of its settings on the node) and, sometimes, a prompt flow (a flow.dag.yaml or a run file)."""
    component, primitives, table = draw(_component())
    node: dict[str, Any] = {"type": "parallel", "component": "./components/score.yml"}
    data: Any = "${{parent.inputs.data}}"
    mode = draw(st.sampled_from([None, "ro_mount", "download", "direct"]))
    node["inputs"] = {"data": {"path": data, "mode": mode} if mode else data}
    for name in primitives:
        if draw(st.booleans()):
            node["inputs"][name] = str(primitives[name][1])
    node.update(draw(_node_settings()))
    node.update(draw(_settings(table)))
    jobs: dict[str, Any] = {"score": node}
    if draw(st.booleans()):
        flow = draw(st.sampled_from(["./flows/flow/flow.dag.yaml", "./flows/run.yml"]))
        jobs["answer"] = {
            "type": "parallel",
            "component": flow,
            "inputs": {"data": "${{parent.inputs.data}}"},
        }
        jobs["answer"]["inputs"]["text"] = "${data.text}"
        if draw(st.booleans()):
            jobs["answer"]["environment_variables"] = {"KEY": "<key>"}
    inputs = {
        "data": {"type": "mltable" if table else "uri_folder", "path": "./table" if table else "./data"}
    }
    document = {
        "type": "pipeline",
        "settings": {"default_compute": "azureml:cpu-cluster"},
        "inputs": inputs,
        "jobs": jobs,
    }
    return Drawn(document, _component_files(component, table))


@st.composite
def parallel_component_steps(draw: st.DrawFn) -> Drawn:
    """An azpipe pipeline whose steps ``uses:`` a parallel component file (with or without a
    ``parallel:`` block of node settings), a prompt flow, or a registered parallel component."""
    component, primitives, table = draw(_component())
    step: dict[str, Any] = {"uses": "./components/score.yml", "inputs": {"data": "${{parent.inputs.data}}"}}
    for name in primitives:
        if draw(st.booleans()):
            step["inputs"][name] = primitives[name][1]
    step.update(draw(_node_settings()))
    overrides = draw(_settings(table))
    if overrides:
        step["parallel"] = overrides
    steps: dict[str, Any] = {"score": step}
    if draw(st.booleans()):
        flow = draw(st.sampled_from(["./flows/flow/flow.dag.yaml", "./flows/run.yml"]))
        steps["answer"] = {
            "uses": flow,
            "inputs": {"data": "${{parent.inputs.data}}", "text": "${data.text}"},
        }
    if draw(st.booleans()):
        steps["registered"] = {
            "uses": "azureml:score:3",
            "inputs": {"data": "${{parent.inputs.data}}"},
            "parallel": draw(_settings(table)),
        }
    inputs = {
        "data": {"type": "mltable" if table else "uri_folder", "path": "./table" if table else "./data"}
    }
    document = {
        "azpipe": 1,
        "name": "generated",
        "defaults": {"compute": "cpu-cluster"},
        "inputs": inputs,
        "steps": steps,
    }
    return Drawn(document, _component_files(component, table))
