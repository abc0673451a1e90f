"""Sub-pipelines compiled (issue 11 item 1): a nested `@dsl.pipeline` in Python, a pipeline
component file in YAML; both loaded and validated by azure-ai-ml, with equal job graphs."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import azpipe
from azpipe.emit.jobgraph import diff, job_dict, job_graph
from azpipe.emit.python import emit_python
from azpipe.emit.yaml import emit_yaml_files
from tests.compile_support import azure, import_file
from tests.test_subpipeline_check import FEATURES, OUTER, write

CORPUS = os.environ.get("AZPIPE_CORPUS", "")
TRAIN_EVAL = "cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/pipeline_with_train_eval_pipeline_component"


def both_targets(source: Path, out: Path) -> tuple[Any, Any, dict[str, str]]:
    """The Python and YAML jobs of ``source`` compiled into ``out``, each validated."""
    logging.getLogger("azure.ai.ml").setLevel(logging.CRITICAL)
    pipeline = azpipe.load(source)
    assert [d for d in pipeline.diagnostics if d.severity.name == "ERROR"] == []
    out.mkdir(parents=True, exist_ok=True)
    files = emit_yaml_files(pipeline, str(out))
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "module.py").write_text(emit_python(pipeline, str(out)), encoding="utf-8")
    yaml_job = azure().load_job(out / next(iter(files)))
    python_job = import_file(out / "module.py").build_pipeline()
    for job in (yaml_job, python_job):
        assert job._validate().passed
    return python_job, yaml_job, files


def test_a_sub_pipeline_used_twice_compiles_to_equal_jobs(tmp_path: Path) -> None:
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": OUTER})
    python_job, yaml_job, files = both_targets(tmp_path / "pipeline.yaml", tmp_path / "out")
    assert sorted(files) == ["features.pipeline.yml", "outer.yml"]  # one component file for both uses
    assert "pipelineComponent.schema.json" in files["features.pipeline.yml"]
    assert diff(job_graph(python_job), job_graph(yaml_job)) == []
    assert diff(job_dict(python_job), job_dict(yaml_job)) == []
    graph = job_graph(yaml_job)
    assert graph["jobs"]["one"]["type"] == "pipeline"
    assert graph["jobs"]["one"]["pipeline"]["jobs"]["build"]["compute"] is None  # the outer default applies
    assert graph["jobs"]["one"]["pipeline"]["inputs"]["ratio"]["default"] == "0.2"


def test_a_changed_inner_field_is_a_difference(tmp_path: Path) -> None:
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": OUTER})
    python_job, yaml_job, _ = both_targets(tmp_path / "pipeline.yaml", tmp_path / "out")
    component = yaml_job.jobs["one"].component
    component.jobs["build"].component.command += " --more"
    assert any(
        "pipeline.jobs.build.command" in line for line in diff(job_graph(python_job), job_graph(yaml_job))
    )


def test_nested_two_deep(tmp_path: Path) -> None:
    middle = (
        "azpipe: 1\nname: middle\ndefaults: {environment: azureml:sklearn:1}\n"
        "inputs:\n  raw: {type: uri_folder}\noutputs:\n  table: ${{f.outputs.table}}\n"
        'steps:\n  f:\n    uses: ../features/pipeline.yaml\n    inputs: {raw: "${{parent.inputs.raw}}"}\n'
    )
    outer = OUTER.replace("./features/pipeline.yaml", "./middle/pipeline.yaml").replace(", ratio: 0.3", "")
    write(
        tmp_path, {"features/pipeline.yaml": FEATURES, "middle/pipeline.yaml": middle, "pipeline.yaml": outer}
    )
    python_job, yaml_job, files = both_targets(tmp_path / "pipeline.yaml", tmp_path / "out")
    assert sorted(files) == ["features.pipeline.yml", "middle.pipeline.yml", "outer.yml"]
    assert diff(job_graph(python_job), job_graph(yaml_job)) == []
    assert "build" in job_graph(yaml_job)["jobs"]["one"]["pipeline"]["jobs"]["f"]["pipeline"]["jobs"]


@pytest.mark.skipif(not CORPUS, reason="AZPIPE_CORPUS not set")
def test_corpus_pipeline_with_pipeline_components(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    shutil.copytree(Path(CORPUS) / TRAIN_EVAL, folder)
    (folder / "data").mkdir(exist_ok=True)
    python_job, yaml_job, _ = both_targets(folder / "pipeline.yml", tmp_path / "out")
    assert diff(job_graph(python_job), job_graph(yaml_job)) == []
    assert diff(job_dict(python_job), job_dict(yaml_job)) == []
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        original = azure().load_job(folder / "pipeline.yml")
    finally:
        os.chdir(cwd)
    assert diff(job_graph(yaml_job), job_graph(original)) == []


def run_cli(*argv: str) -> tuple[int, str]:
    import contextlib
    import io

    from azpipe.cli.main import main

    with contextlib.redirect_stderr(io.StringIO()) as stderr, contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, stderr.getvalue()


@pytest.mark.parametrize(
    ("target", "output", "written"),
    [
        ("python", "out/", ["outer.py"]),
        ("yaml", "out/", ["features.pipeline.yml", "outer.yml"]),
        ("yaml", "out/job.yml", ["features.pipeline.yml", "job.yml"]),
    ],
)
def test_compile_validate_writes_the_component_files(
    tmp_path: Path, target: str, output: str, written: list[str]
) -> None:
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": OUTER})
    (tmp_path / "out").mkdir()
    code, said = run_cli("compile", str(tmp_path / "pipeline.yaml"), "--target", target,
                         "-o", str(tmp_path / output), "--validate")  # fmt: skip
    assert code == 0, said
    assert sorted(os.listdir(tmp_path / "out")) == written  # no proof copies left behind


def test_yaml_to_standard_output_is_refused_with_sub_pipelines(tmp_path: Path) -> None:
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": OUTER})
    code, said = run_cli("compile", str(tmp_path / "pipeline.yaml"), "--target", "yaml")
    assert code == 1 and "S109" in said and "-o FOLDER/" in said


REGISTERED = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
settings: {default_compute: azureml:cpu}
outputs:
  table: {type: uri_folder}
jobs:
  inner:
    type: pipeline
    component: azureml:inner:1
    inputs: {rows: 3}
    outputs: {table: "${{parent.outputs.table}}"}
  inner2:
    type: pipeline
    component: azureml://registries/azureml/components/inner/versions/1
    inputs: {rows: 3}
"""


def test_registered_pipeline_components_in_both_targets(tmp_path: Path) -> None:
    (tmp_path / "job.yml").write_text(REGISTERED, encoding="utf-8")  # "job": a name the module also uses
    python_job, yaml_job, files = both_targets(tmp_path / "job.yml", tmp_path / "out")
    assert list(files) == ["job.yml"]
    assert diff(job_graph(python_job), job_graph(yaml_job)) == []
    assert diff(job_dict(python_job), job_dict(yaml_job)) == []
    graph = job_graph(yaml_job)["jobs"]
    assert graph["inner"]["type"] == "pipeline" and graph["inner"]["component"] == "inner:1"
    original = azure().load_job(tmp_path / "job.yml")
    assert diff(job_graph(yaml_job), job_graph(original)) == []


@pytest.mark.skipif(not CORPUS, reason="AZPIPE_CORPUS not set")
def test_import_of_a_native_file_with_pipeline_components(tmp_path: Path) -> None:
    from tests.fidelity_support import differences

    folder = tmp_path / "example"
    shutil.copytree(Path(CORPUS) / TRAIN_EVAL, folder)
    (folder / "data").mkdir(exist_ok=True)
    # directly and after `azpipe import`, both targets: the job azure-ai-ml loads, in every field
    assert differences(folder / "pipeline.yml") == []
    code, said = run_cli("import", str(folder / "pipeline.yml"), "-o", str(tmp_path / "elsewhere" / "p.yaml"))
    assert code == 0, said
    imported = azpipe.load(tmp_path / "elsewhere" / "p.yaml")
    assert [d for d in imported.diagnostics if d.severity.name == "ERROR"] == []
    step = imported.steps["train_and_evaluate_model1"]
    assert step.kind == "pipeline" and step.uses is not None and step.uses.pipeline is not None


INNER_ENTITIES = """\
azpipe: 1
name: inner
defaults: {compute: gpu, environment: inner-env}
environments:
  inner-env: {image: "python:3.11", version: "2"}
compute:
  gpu: {type: amlcompute, size: STANDARD_NC6, max_instances: 1}
inputs:
  raw: {type: uri_folder}
outputs:
  out: ${{s.outputs.out}}
steps:
  s:
    command: python x.py --raw ${{parent.inputs.raw}} --out ${{outputs.out}}
"""


def test_entities_declared_in_a_sub_pipeline_are_provisioned(tmp_path: Path) -> None:
    outer = (
        "azpipe: 1\nname: outer\ndefaults: {compute: cpu, environment: azureml:e:1}\n"
        "outputs:\n  out: ${{a.outputs.out}}\nsteps:\n  a:\n    uses: ./inner/pipeline.yaml\n"
        "    inputs: {raw: ./data}\n"
    )
    write(tmp_path, {"inner/pipeline.yaml": INNER_ENTITIES, "pipeline.yaml": outer})
    python_job, yaml_job, files = both_targets(tmp_path / "pipeline.yaml", tmp_path / "out")
    assert {"inner-env.environment.yml", "gpu.compute.yml", "inner.pipeline.yml"} <= set(files)
    module = (tmp_path / "out" / "module.py").read_text(encoding="utf-8")
    assert 'name="inner-env"' in module and 'AmlCompute(name="gpu"' in module
    assert job_graph(yaml_job)["jobs"]["a"]["pipeline"]["jobs"]["s"]["compute"] == "gpu"
    assert diff(job_graph(python_job), job_graph(yaml_job)) == []
