"""Native ``type: parallel`` jobs: read with positions, imported, compiled equal to azure-ai-ml's load."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from tests.fidelity_support import differences, errors, write

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

SCRIPT = "def init():\n    pass\n\n\ndef run(mini_batch):\n    return mini_batch\n"
JOB = """\
type: pipeline
settings: {default_compute: azureml:cpu-cluster}
inputs:
  images: {type: uri_folder, path: ./data}
outputs:
  result: {type: uri_file}
jobs:
  prep:
    type: command
    environment: azureml:env:1
    command: cp -r ${{inputs.x}} ${{outputs.out}}
    inputs:
      x: ${{parent.inputs.images}}
    outputs:
      out: {type: uri_folder}
  score:
    type: parallel
    display_name: scoring
    description: Scores each image
    properties: {p: "1"}
    tags: {team: vision}
    inputs:
      data: {type: uri_folder, path: "${{parent.jobs.prep.outputs.out}}", mode: ro_mount}
      threshold: "0.5"
    outputs:
      scores: ${{parent.outputs.result}}
    input_data: ${{inputs.data}}
    mini_batch_size: "2"
    partition_keys: [a]
    resources: {instance_count: 2}
    max_concurrency_per_instance: 3
    error_threshold: 4
    mini_batch_error_threshold: 1
    logging_level: WARNING
    retry_settings: {max_retries: 2, timeout: 30}
    environment_variables: {A: "1"}
    task:
      type: run_function
      code: ./src
      entry_script: score.py
      environment: {image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"}
      program_arguments: --threshold ${{inputs.threshold}}
      append_row_to: ${{outputs.scores}}
"""


def _files(tmp_path: Path, job: str = JOB) -> Path:
    return write(tmp_path, {"pipeline.yml": job, "src/score.py": SCRIPT, "data/a.txt": "1"})


def test_a_native_parallel_job_is_read(tmp_path: Path) -> None:
    pipeline = azpipe.load(_files(tmp_path))
    assert errors(pipeline) == [], pipeline.check()
    step = pipeline.steps["score"]
    assert step.kind == "parallel" and step.parallel is not None
    assert step.parallel.logging_level == "WARNING" and step.parallel.partition_keys == ["a"]
    assert step.code == "./src" and step.inputs["data"].mode == "ro_mount"


def test_import_then_compile_equals_azure_ml_s_own_load(tmp_path: Path) -> None:
    assert differences(_files(tmp_path)) == []


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("      entry_script: score.py", "      entry_script: none.py", "L103"),
        ("    task:\n", "    component: ./parallel.yml\n    task:\n", "S108"),  # a task over a component's
        ("      type: run_function\n", "      type: run_function\n      model: m\n", "S108"),
        ("--threshold ${{inputs.threshold}}", "--t ${{parent.inputs.images}}", "E202"),
        ('    mini_batch_size: "2"', '    mini_batch_size: "2 files"', "L105"),
        ("    max_concurrency_per_instance: 3", "    max_concurrency_per_instance: -1", "L106"),
        ("    input_data: ${{inputs.data}}", "    input_data: ${{inputs.threshold}}", "L102"),
        ("    retry_settings:", "    retry_setting: {}\n    retry_settings:", "S101"),
        ("    retry_settings:", "    comment: azure-ai-ml cannot load it\n    retry_settings:", "S101"),
        ("    input_data: ${{inputs.data}}\n", "", "S103"),  # azure-ai-ml loads it; the service cannot run it
    ],
)
def test_native_mistakes_are_reported(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in JOB
    pipeline = azpipe.load(_files(tmp_path, JOB.replace(old, new, 1)))
    assert code in errors(pipeline), pipeline.check()
    for diagnostic in pipeline.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
