"""``azpipe run``/``plan`` of parallel component nodes: the component's task emulated locally with the
node's overrides; a prompt flow needs Azure, and ``--input`` lets the rest of the pipeline run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fidelity_support import write
from tests.fixtures.localrun.support import azpipe, last_run, plan
from tests.test_parallel_component import FLOW, SCRIPT

COMPONENT = """\
type: parallel
name: score
inputs:
  data: {type: uri_folder}
  factor: {type: integer, default: 2}
outputs:
  scores: {type: uri_file}
input_data: ${{inputs.data}}
mini_batch_size: "10"
task:
  type: function
  code: ./src
  entry_script: score.py
  environment: azureml:env:1
  program_arguments: --factor ${{inputs.factor}}
  append_row_to: ${{outputs.scores}}
"""
PIPELINE = """\
azpipe: 1
name: batch
defaults: {compute: cpu-cluster}
inputs:
  images: {type: uri_folder, path: ./data}
outputs:
  scores: ${{score.outputs.scores}}
steps:
  score:
    uses: ./components/score.yml
    inputs:
      data: ${{parent.inputs.images}}
    parallel:
      mini_batch_size: "1"
"""
FLOW_PIPELINE = """\
azpipe: 1
name: flows
defaults: {compute: cpu-cluster, environment: azureml:env:1}
inputs:
  examples: {type: uri_folder, path: ./data}
steps:
  answer:
    uses: ./basic/flow.dag.yaml
    inputs:
      data: ${{parent.inputs.examples}}
      text: "${data.text}"
  show:
    command: ls ${{answer.outputs.flow_outputs}}
"""


def _files(tmp_path: Path) -> Path:
    files = {"pipeline.yaml": PIPELINE, "components/score.yml": COMPONENT, "components/src/score.py": SCRIPT}
    return write(tmp_path, {**files, "data/a.txt": "1", "data/b.txt": "2", "data/c.txt": "3"})


def test_a_parallel_component_node_runs_with_the_node_s_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _files(tmp_path)
    planned = plan(capsys, path)["score"]
    assert "3 files in 3 mini-batches" in planned["command"]  # the node's mini_batch_size: "1"
    assert "score.py --factor 2" in planned["command"]  # the component's task and default
    code, _, err = azpipe(capsys, "run", path)
    assert code == 0, err
    record = last_run(path)
    rows = Path(tmp_path, record["outputs"]["scores"]).read_text().split()
    assert sorted(Path(row).name for row in rows) == ["a.txt", "b.txt", "c.txt"]


def test_a_flow_needs_azure_and_input_runs_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"pipeline.yaml": FLOW_PIPELINE, "basic/flow.dag.yaml": FLOW, "basic/hello.py": ""}
    path = write(tmp_path, {**files, "data/a.txt": "1", "given/x.txt": "answer"})
    code, _, err = azpipe(capsys, "run", path)
    assert code != 0
    assert "a prompt flow step runs only on Azure ML" in err
    assert "--input answer.outputs.flow_outputs=PATH" in err
    code, _, err = azpipe(capsys, "run", path, "--input", f"answer.outputs.flow_outputs={tmp_path / 'given'}")
    assert code == 0, err
    assert last_run(path)["steps"]["show"]["status"] == "succeeded"
    assert "answer" not in last_run(path)["steps"]  # not run here: its output was given
