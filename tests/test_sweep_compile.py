"""Sweeps compiled: both targets load and validate in azure-ai-ml and give the same job graph.

Also: ``azpipe import`` of native sweep nodes, the job graph detecting a changed sweep
field, and a Hypothesis strategy drawing search spaces over every distribution.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import azpipe
from azpipe.emit import CompileRefused
from azpipe.emit.jobgraph import diff, job_graph
from azpipe.emit.python import emit_python
from azpipe.emit.yaml import emit_yaml
from tests.compile_support import import_file
from tests.fidelity_support import compiled_jobs, differences, imported, same_graph, write
from tests.native_corpus import PIPELINES, prepared_copy
from tests.sweep_strategies import sweeps

pytest.importorskip("azure.ai.ml")

TRAINER = """\
  trainer:
    code: ./src
    command: >-
      python train.py --lr ${{inputs.lr}} --depth ${{inputs.depth}} --kernel ${{inputs.kernel}}
      --data ${{inputs.data}} --model ${{outputs.model}}
    inputs:
      lr: {type: number}
      depth: {type: integer}
      kernel: {type: string, default: rbf}
      data: {type: uri_folder}
    outputs:
      model: {type: uri_folder}
"""


def _pipeline(sweep: str, steps_extra: str = "", uses: str = "trainer") -> str:
    return f"""\
azpipe: 1
name: tuned
defaults: {{compute: cpu-cluster, environment: azureml:sklearn:1}}
inputs:
  data: {{type: uri_folder, default: ./data}}
outputs:
  model: ${{{{train.outputs.model}}}}
components:
{TRAINER}steps:
  train:
    uses: {uses}
    inputs:
      data: ${{{{parent.inputs.data}}}}
{steps_extra}    sweep:
{sweep}"""


FULL = """\
      search_space:
        lr: {type: loguniform, min_value: 0.001, max_value: 0.1}
        depth: {type: randint, upper: 8}
        kernel: {type: choice, values: [rbf, linear]}
      objective: {goal: maximize, primary_metric: accuracy}
      sampling_algorithm: {type: random, seed: 7, rule: sobol}
      limits: {max_total_trials: 6, max_concurrent_trials: 2, timeout: 3600, trial_timeout: 600}
      early_termination: {type: bandit, slack_factor: 0.2, evaluation_interval: 2, delay_evaluation: 1}
"""


def _folder(tmp_path: Path, text: str) -> Path:
    return write(tmp_path, {"pipeline.yaml": text, "src/train.py": "", "data/": ""})


def test_every_sweep_field_reaches_both_targets_alike(tmp_path: Path) -> None:
    path = _folder(tmp_path, _pipeline(FULL, "    display_name: tuning\n    tags: {team: ml}\n"))
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []
    jobs = compiled_jobs(pipeline, tmp_path / "out2")
    for job in jobs.values():
        node = job.jobs["train"]
        assert node.type == "sweep" and node.display_name == "tuning"
        assert node.objective.primary_metric == "accuracy" and node.objective.goal == "maximize"
        assert node.sampling_algorithm.seed == 7 and node.sampling_algorithm.rule == "sobol"
        assert (node.limits.max_total_trials, node.limits.trial_timeout) == (6, 600)
        assert node.early_termination.slack_factor == 0.2
        assert sorted(node.search_space) == ["depth", "kernel", "lr"]
        assert "lr" not in node.inputs or node.inputs["lr"]._data is None


@pytest.mark.parametrize(
    "sweep",
    [
        # the algorithm as a name, grid over choices, and bayesian
        FULL.replace("{type: random, seed: 7, rule: sobol}", "random"),
        """\
      search_space:
        lr: {type: choice, values: [0.01, 0.1]}
        depth: {type: choice, values: [2, 4]}
      objective: {goal: minimize, primary_metric: loss}
      sampling_algorithm: grid
      limits: {max_total_trials: 4}
""",
        """\
      search_space:
        lr: {type: uniform, min_value: 0.01, max_value: 0.1}
        depth: {type: quniform, min_value: 2, max_value: 10, q: 2}
      objective: {goal: minimize, primary_metric: loss}
      sampling_algorithm: {type: bayesian}
      limits: {max_total_trials: 20, max_concurrent_trials: 4}
""",
        # every other distribution and policy
        """\
      search_space:
        lr: {type: qlognormal, mu: 0, sigma: 1, q: 0.5}
        depth: {type: qnormal, mu: 4, sigma: 2, q: 1}
      objective: {goal: minimize, primary_metric: loss}
      limits: {max_total_trials: 3}
      early_termination: {type: truncation_selection, truncation_percentage: 20, evaluation_interval: 1}
""",
        """\
      search_space:
        lr: {type: lognormal, mu: -3, sigma: 1}
        depth: {type: choice, values: [3]}
        kernel: {type: choice, values: [poly]}
      objective: {goal: minimize, primary_metric: loss}
      sampling_algorithm: random
      limits: {max_total_trials: 3}
      early_termination: {type: median_stopping, evaluation_interval: 1, delay_evaluation: 5}
""",
        """\
      search_space:
        lr: {type: normal, mu: 0.1, sigma: 0.01}
        depth: {type: randint, upper: 3}
      objective: {goal: minimize, primary_metric: loss}
      sampling_algorithm: {type: random, logbase: e}
      limits: {max_total_trials: 3}
""",
        """\
      search_space:
        lr: {type: qloguniform, min_value: 0.001, max_value: 1, q: 0.001}
        depth: {type: randint, upper: 3}
      objective: {goal: minimize, primary_metric: loss}
      sampling_algorithm: random
      limits: {max_total_trials: 3}
""",
    ],
)
def test_sweep_forms_compile_to_equal_jobs(tmp_path: Path, sweep: str) -> None:
    pipeline = azpipe.load(_folder(tmp_path, _pipeline(sweep)))
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []


def test_a_step_with_its_own_command_and_a_component_file(tmp_path: Path) -> None:
    own = """\
azpipe: 1
name: own
defaults: {compute: cpu-cluster, environment: azureml:sklearn:1}
steps:
  train:
    code: ./src
    command: python train.py --lr ${{inputs.lr}} --out ${{outputs.model}}
    sweep:
      search_space:
        lr: {type: uniform, min_value: 0.1, max_value: 1}
      objective: {goal: minimize, primary_metric: loss}
      sampling_algorithm: random
      limits: {max_total_trials: 2}
  use:
    code: ./src
    command: python use.py --model ${{train.outputs.model}}
"""
    component = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: train
code: ./src
environment: azureml:sklearn:1
inputs:
  lr: {type: number, default: 0.1}
outputs:
  model: {type: uri_folder}
command: python train.py --lr ${{inputs.lr}} --out ${{outputs.model}}
"""
    path = write(
        tmp_path, {"pipeline.yaml": own, "train.yml": component, "src/train.py": "", "src/use.py": ""}
    )
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []
    uses_file = own.replace("    code: ./src\n    command: python train.py --lr ${{inputs.lr}} --out ${{outputs.model}}\n",
                            "    uses: ./train.yml\n", 1)  # fmt: skip
    path.write_text(uses_file, encoding="utf-8")
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out2") == []


def test_a_sweep_of_a_registered_component_passes_its_search_space_to_sweep(tmp_path: Path) -> None:
    text = _pipeline(FULL, uses="azureml:trainer:3").replace("components:\n" + TRAINER, "")
    pipeline = azpipe.load(_folder(tmp_path, text))
    assert pipeline.ok, pipeline.check()
    module = emit_python(pipeline, str(tmp_path))
    assert "search_space={" in module and "lr=LogUniform" not in module
    assert same_graph(pipeline, tmp_path / "out") == []


def test_a_changed_sweep_field_shows_in_the_job_graph(tmp_path: Path) -> None:
    pipeline = azpipe.load(_folder(tmp_path, _pipeline(FULL)))
    jobs = compiled_jobs(pipeline, tmp_path / "out")
    changed = tmp_path / "out" / "changed.yml"
    changed.write_text(
        emit_yaml(pipeline, str(tmp_path / "out")).replace("seed: 7", "seed: 8"), encoding="utf-8"
    )
    from azure.ai.ml import load_job

    lines = diff(job_graph(jobs["python"]), job_graph(load_job(changed)))
    assert lines and all("sampling_algorithm" in line for line in lines), lines


def test_emitted_python_has_no_injection_from_a_metric_name(tmp_path: Path) -> None:
    sweep = FULL.replace("primary_metric: accuracy", "primary_metric: 'acc\"); import os #'")
    pipeline = azpipe.load(_folder(tmp_path, _pipeline(sweep)))
    assert pipeline.ok, pipeline.check()
    jobs = compiled_jobs(pipeline, tmp_path / "out")
    for job in jobs.values():
        assert job.jobs["train"].objective.primary_metric == 'acc"); import os #'


def test_the_corpus_sweep_pipeline_round_trips(tmp_path: Path) -> None:
    source = PIPELINES / "pipeline_with_hyperparameter_sweep" / "pipeline.yml"
    if not source.exists():
        pytest.skip("the Azure ML examples corpus is not on this machine")
    copy = prepared_copy(source, tmp_path)
    assert differences(copy) == []
    text = imported(copy).source_text
    assert '    sweep:\n      sampling_algorithm: "random"\n      search_space:\n' in text


# --------------------------------------------------------------- generated search spaces

EXAMPLES = 500 if os.environ.get("AZPIPE_LONG") == "1" else 15  # each compiles and loads twice


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(block=sweeps())
def test_generated_search_spaces_compile_to_equal_jobs(
    tmp_path_factory: pytest.TempPathFactory, block: dict
) -> None:
    folder = tmp_path_factory.mktemp("gen")
    names = list(block["search_space"])
    command = "python t.py " + " ".join(f"--{n} ${{{{inputs.{n}}}}}" for n in names)
    text = (
        "azpipe: 1\nname: gen\ndefaults: {compute: cpu, environment: azureml:e:1}\nsteps:\n  t:\n"
        f"    code: ./src\n    command: {json.dumps(command)}\n    sweep: {json.dumps(block)}\n"
    )
    pipeline = azpipe.load(write(folder, {"pipeline.yaml": text, "src/t.py": ""}))
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, folder / "out") == []


def test_a_sweep_step_s_identity_is_python_only(tmp_path: Path) -> None:
    """Found by the generated pipelines: azure-ai-ml's YAML loader keeps a sweep node's identity
    on the node but never sends it, so only the Python target can state it (S109)."""
    pipeline = azpipe.load(_folder(tmp_path, _pipeline(FULL, "    identity: {type: aml_token}\n")))
    assert [(d.code, d.severity.name) for d in pipeline.check()] == [("S109", "WARNING")]
    with pytest.raises(CompileRefused):
        emit_yaml(pipeline, str(tmp_path))
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "m.py").write_text(emit_python(pipeline, str(folder)), encoding="utf-8")
    job = import_file(folder / "m.py").build_pipeline()
    assert job.jobs["train"].identity is not None


NATIVE_FULL = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
settings: {default_compute: azureml:cpu-cluster}
inputs:
  depth: 4
jobs:
  sweep_step:
    type: sweep
    display_name: tune
    trial:
      type: command
      command: python train.py --lr ${{inputs.lr}} --depth ${{inputs.depth}} --k ${{inputs.k}} --out ${{outputs.model}}
      environment: azureml:sklearn:1
      inputs:
        lr: {type: number}
        depth: {type: integer}
        k: {type: string}
      outputs:
        model: {type: uri_folder}
    inputs:
      depth: ${{parent.inputs.depth}}
    outputs:
      model: ${{parent.outputs.best}}
    search_space:
      lr: {type: loguniform, min_value: -5, max_value: -1}
      k: {type: choice, values: [a, b]}
    objective: {goal: Maximize, primary_metric: acc}
    sampling_algorithm: {type: random, seed: 3, rule: sobol}
    limits: {max_total_trials: 8, trial_timeout: 600}
    early_termination: {type: truncation_selection, truncation_percentage: 10, evaluation_interval: 2}
    queue_settings: {job_tier: spot}
    resources: {instance_count: 2}
outputs:
  best:
    mode: upload
"""


def test_a_native_sweep_node_with_every_field_round_trips(tmp_path: Path) -> None:
    """An inline trial, bindings in and out, every sweep field and node setting: both targets,
    directly and after ``azpipe import``, equal azure-ai-ml's load of the original."""
    path = write(tmp_path, {"pipeline.yml": NATIVE_FULL})
    assert differences(path) == []


@pytest.mark.skipif(shutil.which("ruff", path=str(Path(sys.executable).parent)) is None, reason="no ruff")
@pytest.mark.parametrize("uses", ["trainer", "azureml:trainer:3"])
def test_the_emitted_sweep_module_passes_ruff(tmp_path: Path, uses: str) -> None:
    text = _pipeline(FULL, uses=uses)
    if uses != "trainer":
        text = text.replace("components:\n" + TRAINER, "")
    module = tmp_path / "out" / "module.py"
    module.parent.mkdir()
    module.write_text(emit_python(azpipe.load(_folder(tmp_path, text)), str(module.parent)), encoding="utf-8")
    ruff = str(Path(sys.executable).parent / "ruff")
    for args in (["check", "--isolated"], ["format", "--isolated", "--check", "--diff"]):
        result = subprocess.run([ruff, *args, str(module)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_emitted_sweep_module_holds_only_expected_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """azpipe's template plus the sweep classes and ``.sweep()``: nothing from the file becomes code."""
    from azpipe.emit.sweep import SWEEP_IMPORTS
    from tests import test_compile_safety as safety

    monkeypatch.setattr(
        safety, "ALLOWED_IMPORTS", safety.ALLOWED_IMPORTS | {f"azure.ai.ml.sweep.{n}" for n in SWEEP_IMPORTS}
    )
    monkeypatch.setattr(safety, "ALLOWED_CALLS", safety.ALLOWED_CALLS | set(SWEEP_IMPORTS) | {"train.sweep"})
    hostile = FULL.replace("primary_metric: accuracy", 'primary_metric: \'__import__("os").system("x")\'')
    hostile = hostile.replace("values: [rbf, linear]", "values: ['\"); import os #', \"'''\"]")
    pipeline = azpipe.load(_folder(tmp_path, _pipeline(hostile)))
    assert pipeline.ok, pipeline.check()
    safety.assert_only_expected_code(emit_python(pipeline, str(tmp_path)))
    jobs = compiled_jobs(pipeline, tmp_path / "out")
    for job in jobs.values():
        assert job.jobs["train"].objective.primary_metric == '__import__("os").system("x")'
