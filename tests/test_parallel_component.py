"""Parallel components and prompt flows (issue 11): native nodes with ``component:``, ``uses:`` steps,
component files checked on their own, both targets equal to azure-ai-ml's load of the original."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import azpipe
from azpipe.emit.values import call, py, py_flat
from azpipe.loading import check_file
from tests.fidelity_support import differences, errors, same_graph, write

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

SCRIPT = "def init():\n    pass\n\n\ndef run(mini_batch):\n    return mini_batch\n"
COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json
type: parallel
name: score
version: 1
display_name: Score
inputs:
  data: {type: uri_folder, mode: ro_mount}
  threshold: {type: number, default: 0.5}
outputs:
  scores: {type: uri_file, mode: rw_mount}
input_data: ${{inputs.data}}
mini_batch_size: "2"
resources: {instance_count: 2}
max_concurrency_per_instance: 2
error_threshold: 3
retry_settings: {max_retries: 2, timeout: 60}
logging_level: DEBUG
task:
  type: run_function
  code: ./src
  entry_script: score.py
  environment: {image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"}
  program_arguments: --threshold ${{inputs.threshold}}
  append_row_to: ${{outputs.scores}}
"""
NATIVE = """\
type: pipeline
settings: {default_compute: azureml:cpu-cluster}
inputs:
  images: {type: uri_folder, path: ./data}
outputs:
  result: {type: uri_file}
jobs:
  score:
    type: parallel
    component: ./components/score.yml
    inputs:
      data: {path: "${{parent.inputs.images}}", mode: ro_mount}
      threshold: 0.7
    outputs:
      scores: ${{parent.outputs.result}}
    environment_variables: {A: "1"}
    mini_batch_size: "100kb"
    mini_batch_error_threshold: 10
    max_concurrency_per_instance: 3
    logging_level: WARNING
    retry_settings: {max_retries: 5}
  again:
    type: parallel
    component: ./components/score.yml
    compute: azureml:gpu-cluster
    inputs:
      data: ${{parent.inputs.images}}
    outputs:
      scores: {type: uri_file, mode: rw_mount, path: "azureml://datastores/workspaceblobstore/paths/x.csv"}
"""
FLOW = """\
$schema: https://azuremlschemas.azureedge.net/promptflow/latest/Flow.schema.json
inputs:
  text: {type: string, default: Hello}
outputs:
  output: {type: string, reference: "${llm.output}"}
nodes:
- {name: llm, type: python, source: {type: code, path: hello.py}, inputs: {text: "${inputs.text}"}}
environment_variables: {FROM_FLOW: "1"}
"""
RUN = """\
$schema: https://azuremlschemas.azureedge.net/promptflow/latest/Run.schema.json
flow: ./basic
environment_variables: {FROM_RUN: "2"}
"""
FLOW_JOB = """\
type: pipeline
display_name: flows
compute: azureml:cpu-cluster
inputs:
  examples: {type: uri_file, path: ./data/data.jsonl}
outputs:
  answers: {}
jobs:
  from_dag:
    type: parallel
    component: ./basic/flow.dag.yaml
    inputs:
      data: ${{parent.inputs.examples}}
      text: "${data.text}"
    outputs:
      flow_outputs: ${{parent.outputs.answers}}
    environment_variables: {KEY: "<key>"}
  from_run:
    type: parallel
    component: ./run.yml
    inputs:
      data: ${{parent.inputs.examples}}
      text: "${data.text}"
      connections.llm.deployment_name: gpt
"""


def _native(tmp_path: Path, job: str = NATIVE, component: str = COMPONENT) -> Path:
    files = {"pipeline.yml": job, "components/score.yml": component, "components/src/score.py": SCRIPT}
    return write(tmp_path, {**files, "data/a.txt": "1"})


def _flows(tmp_path: Path, job: str = FLOW_JOB, run: str = RUN) -> Path:
    files = {"pipeline.yml": job, "basic/flow.dag.yaml": FLOW, "basic/hello.py": "", "run.yml": run}
    return write(tmp_path, {**files, "data/data.jsonl": "{}\n"})


def test_a_native_node_of_a_parallel_component_file_is_read(tmp_path: Path) -> None:
    pipeline = azpipe.load(_native(tmp_path))
    assert errors(pipeline) == [], pipeline.check()
    step = pipeline.steps["score"]
    assert step.kind == "parallel" and step.uses is not None and step.uses.parallel is not None
    assert step.uses.parallel.entry_script == "score.py" and step.uses.code == "./src"
    assert step.parallel is not None and step.parallel.mini_batch_size == "100kb"
    assert step.parallel.retry_settings == {"max_retries": 5}


def test_a_parallel_component_node_round_trips_equal_in_both_targets(tmp_path: Path) -> None:
    assert differences(_native(tmp_path)) == []


def test_prompt_flows_read_check_and_round_trip_equal(tmp_path: Path) -> None:
    path = _flows(tmp_path)
    pipeline = azpipe.load(path)
    assert pipeline.check() == [] or all(d.severity.name != "ERROR" for d in pipeline.diagnostics)
    step = pipeline.steps["from_run"]
    assert step.uses is not None and step.uses.parallel is not None
    assert step.uses.parallel.flow == "basic/flow.dag.yaml"
    assert step.inputs["text"].type == "string" and "connections.llm.deployment_name" in step.inputs
    assert differences(path) == []


def test_language_steps_use_parallel_components_flows_and_registered_ones(tmp_path: Path) -> None:
    files = {
        "pipeline.yaml": """\
azpipe: 1
name: scoring
defaults: {compute: cpu-cluster}
inputs:
  images: {type: uri_folder, path: ./data}
outputs:
  result: ${{score.outputs.scores}}
steps:
  score:
    uses: ./components/score.yml
    inputs:
      data: ${{parent.inputs.images}}
      threshold: 0.7
    parallel:
      mini_batch_size: "1mb"
      partition_keys: [a, b]
      retry_settings: {max_retries: 4}
  plain:
    uses: ./components/score.yml
    inputs:
      data: ${{parent.inputs.images}}
  flow:
    uses: ./basic/flow.dag.yaml
    inputs:
      data: ${{parent.inputs.images}}
      text: "${data.text}"
  registered:
    uses: azureml:score_registered:3
    inputs:
      data: ${{parent.inputs.images}}
    parallel: {mini_batch_size: "3", logging_level: INFO}
""",
        "components/score.yml": COMPONENT,
        "components/src/score.py": SCRIPT,
        "basic/flow.dag.yaml": FLOW,
        "data/a.txt": "1",
    }
    pipeline = azpipe.load(write(tmp_path, files))
    assert errors(pipeline) == [], pipeline.check()
    assert {step.kind for step in pipeline.steps.values()} == {"parallel"}
    assert "I001" in [d.code for d in pipeline.diagnostics]
    assert same_graph(pipeline, tmp_path / "out") == []


def test_the_task_type_and_dropped_task_keys_follow_azure_ml(tmp_path: Path) -> None:
    """Issue 10: azure-ai-ml accepts `task.type: function` (sent as written) and drops `task.args`."""
    fixture = Path(__file__).parent / "fixtures" / "native" / "parallel_task_function"
    files = {
        str(path.relative_to(fixture)): path.read_text() for path in fixture.rglob("*") if path.is_file()
    }
    path = write(tmp_path, {"pipeline.yml": files.pop("pipeline.yml"), **files})
    pipeline = azpipe.load(path)
    assert errors(pipeline) == [], pipeline.check()
    warned = [(d.code, d.span.line) for d in pipeline.diagnostics if "task.args" in d.message]
    assert warned == [("S110", 24)]
    assert (
        pipeline.steps["score"].parallel is not None
        and pipeline.steps["score"].parallel.task_type == "function"
    )
    assert differences(path) == []


def test_a_parallel_component_file_is_checked_on_its_own(tmp_path: Path) -> None:
    path = _native(tmp_path, component=COMPONENT.replace("entry_script: score.py", "entry_script: scor.py"))
    checked = check_file(str(tmp_path / "components" / "score.yml"))
    assert checked.kind.checked and [d.code for d in checked.diagnostics] == ["L103"]
    assert checked.diagnostics[0].hint is not None and "score.py" in checked.diagnostics[0].hint
    assert "L103" in errors(azpipe.load(path))


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("input_data: ${{inputs.data}}", "input_data: ${{inputs.dta}}", "L101"),
        ("append_row_to: ${{outputs.scores}}", "append_row_to: ${{outputs.score}}", "L101"),
        ("--threshold ${{inputs.threshold}}", "--threshold ${{inputs.treshold}}", "P405"),
        ('mini_batch_size: "2"', 'mini_batch_size: "2 files"', "L105"),
        ("error_threshold: 3", "error_threshold: -3", "L106"),
        ("logging_level: DEBUG", "logging_level: LOUD", "V002"),
        ("  entry_script: score.py\n", "  entry_script: score.py\n  entry: x\n", "S101"),
    ],
)
def test_mistakes_in_a_parallel_component_file(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in COMPONENT
    path = _native(tmp_path, component=COMPONENT.replace(old, new, 1))
    found = azpipe.load(path).diagnostics
    assert code in [d.code for d in found], found
    assert all(d.span.line >= 1 and d.span.column >= 1 for d in found)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (
            "    component: ./components/score.yml\n    inputs:\n      data: {",
            "    component: ./components/score.yml\n    task: {type: run_function}\n    inputs:\n      data: {",
            "S108",
        ),
        ('    mini_batch_size: "100kb"', '    mini_batch_size: "100 kb"', "L105"),
        ("    retry_settings: {max_retries: 5}", "    retry_settings: {max_retries: 0}", "L106"),
        ("      threshold: 0.7", "      treshold: 0.7", "R302"),
        ("  again:\n    type: parallel\n", "  again:\n    type: command\n", "L108"),
        (
            "  again:\n    type: parallel\n    component: ./components/score.yml",
            "  again:\n    type: parallel\n    component: {type: parallel}",
            "S107",
        ),
        (
            "    component: ./components/score.yml\n    compute",
            "    component: ./components/missing.yml\n    compute",
            "F801",
        ),
    ],
)
def test_mistakes_on_a_native_node(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in NATIVE
    found = azpipe.load(_native(tmp_path, NATIVE.replace(old, new, 1))).diagnostics
    assert code in [d.code for d in found], found
    assert all(d.span.line >= 1 and d.span.column >= 1 for d in found)


def test_a_command_component_in_a_parallel_node_is_refused(tmp_path: Path) -> None:
    command = "type: command\nname: c\ncommand: echo ${{inputs.data}}\ninputs: {data: {type: uri_folder}}\n"
    command += "environment: azureml:env:1\n"
    found = azpipe.load(_native(tmp_path, component=command)).diagnostics
    assert [d.span.line for d in found if d.code == "L108"] == [10, 24]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("flow: ./basic", "flow: ./nowhere", "F801"),
        ("flow: ./basic\n", "", "S103"),
        (
            "https://azuremlschemas.azureedge.net/promptflow/latest/Run.schema.json",
            "https://example.com/x.json",
            "L108",
        ),
    ],
)
def test_mistakes_in_a_flow_run_file(tmp_path: Path, old: str, new: str, code: str) -> None:
    found = azpipe.load(_flows(tmp_path, run=RUN.replace(old, new, 1))).diagnostics
    assert code in [d.code for d in found], found


@pytest.mark.parametrize(
    ("block", "code"),
    [
        ("    parallel: {task: {entry_script: x.py}}\n", "S105"),
        ("    environment: azureml:env:1\n", "L107"),
        ("    parallel: {mini_batch_size: nine}\n", "L105"),
        ("    parallel: {input_data: '${{inputs.threshold}}'}\n", "L102"),
    ],
)
def test_mistakes_on_a_language_step(tmp_path: Path, block: str, code: str) -> None:
    text = (
        "azpipe: 1\nname: p\ndefaults: {compute: c}\ninputs:\n  images: {type: uri_folder, path: ./data}\n"
        "steps:\n  score:\n    uses: ./components/score.yml\n    inputs:\n      data: ${{parent.inputs.images}}\n"
    )
    files = {
        "pipeline.yaml": text + block,
        "components/score.yml": COMPONENT,
        "components/src/score.py": SCRIPT,
    }
    found = azpipe.load(write(tmp_path, {**files, "data/a.txt": "1"})).diagnostics
    assert code in [d.code for d in found], found


def test_a_parallel_block_on_a_command_component_is_refused(tmp_path: Path) -> None:
    text = "azpipe: 1\nname: p\ndefaults: {compute: c, environment: azureml:e:1}\nsteps:\n  s:\n"
    text += "    uses: ./c.yml\n    parallel: {mini_batch_size: '1'}\n"
    component = "type: command\nname: c\ncommand: echo hi\n"
    found = azpipe.load(write(tmp_path, {"pipeline.yaml": text, "c.yml": component})).diagnostics
    assert [(d.code, d.span.line) for d in found if d.code == "L108"] == [("L108", 6)]


def test_nodes_of_components_and_flows_are_drawn_as_parallel_steps(tmp_path: Path) -> None:
    from azpipe.render import render

    pipeline = azpipe.load(_flows(tmp_path))
    assert "parallel step from_dag" in render(pipeline, "text")
    assert render(pipeline, "dot").count('peripheries="2"') == 2
    native = azpipe.load(_native(tmp_path / "native"))
    assert "parallel step score" in render(native, "text") and "parallel step again" in render(native, "text")


def test_hostile_flow_input_names_stay_strings_in_both_targets(tmp_path: Path) -> None:
    """A flow's column mappings: a name azure-ai-ml refuses is N701, and is still never code."""
    job = FLOW_JOB.replace(
        "      connections.llm.deployment_name: gpt\n",
        '      \'connections.a.b"]=1;import os#\': x\n      \'x) or __import__("os").system("id") or (y\': z\n',
    )
    path = _flows(tmp_path, job)
    pipeline = azpipe.load(path)
    # azure-ai-ml's YAML loader takes them, its Python builder refuses them: N701, at each name.
    assert [(d.code, d.span.line) for d in pipeline.diagnostics if d.severity.name == "ERROR"] == [
        ("N701", 24),
        ("N701", 25),
    ]
    for name in ('connections.a.b"]=1;import os#', 'x) or __import__("os").system("id") or (y'):
        for text in (py_flat(call("f", **{name: "v"})), py(call("f", **{name: "v" * 200}), 4)):
            [statement] = ast.parse(text).body  # one call whose one argument is a dict
            assert isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            assert [type(k.value) for k in statement.value.keywords] == [ast.Dict]


def test_registered_parallel_components_round_trip_equal(tmp_path: Path) -> None:
    job = """\
type: pipeline
settings: {default_compute: azureml:cpu-cluster}
inputs:
  images: {type: uri_folder, path: ./data}
outputs:
  out: {type: uri_folder}
jobs:
  a:
    type: parallel
    component: azureml:score:3
    inputs:
      data: ${{parent.inputs.images}}
      k: 3
    outputs:
      scores: ${{parent.outputs.out}}
  b:
    type: parallel
    component: azureml://registries/azureml/components/score/versions/1
    inputs:
      data: ${{parent.inputs.images}}
    mini_batch_size: "4"
    max_concurrency_per_instance: 2
"""
    path = write(tmp_path, {"pipeline.yml": job, "data/a.txt": "1"})
    found = azpipe.load(path).diagnostics
    assert [(d.code, d.span.line) for d in found if d.code == "I001"] == [("I001", 10), ("I001", 18)]
    assert differences(path) == []
    assert "    parallel: {}" in (tmp_path / "pipeline.azpipe.yaml").read_text()  # `a` is a parallel node


def test_a_falsy_override_takes_the_component_s_value_as_azure_ml_does(tmp_path: Path) -> None:
    """Found by Hypothesis: azure-ai-ml's node of a parallel component file reads an override of 0
    as unset (`node.x or component.x`); azpipe warns (S110) and both targets send the component's."""
    job = NATIVE.replace("    mini_batch_error_threshold: 10", "    mini_batch_error_threshold: 0")
    path = _native(
        tmp_path,
        job,
        COMPONENT.replace("error_threshold: 3", "error_threshold: 3\nmini_batch_error_threshold: 4"),
    )
    found = [(d.code, d.span.line) for d in azpipe.load(path).diagnostics if d.code == "S110"]
    assert found == [("S110", 18)]
    assert differences(path) == []
