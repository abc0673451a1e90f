"""Issue 10's defects, one regression test each: every field a user writes reaches Azure ML.

Most tests write a small Azure ML pipeline, load it with azure-ai-ml as
``az ml job create`` would, compile it with azpipe (directly, and after
``azpipe import``; both targets, into another folder) and require every field of
azure-ai-ml's job dict to be the same (:func:`tests.fidelity_support.differences`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.diagnostics import Severity
from azpipe.emit import CompileRefused
from tests.fidelity_support import compiled_jobs, differences, errors, imported, same_graph, write

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"


def test_no_settings_compiles_to_no_settings_key(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": f"type: pipeline\njobs:\n  a:\n    command: echo hi\n    environment: {ENV}\n"
                        "    compute: azureml:cpu-cluster\n",
    })  # fmt: skip
    assert "settings" not in azpipe.to_yaml(azpipe.load(path))
    assert differences(path) == []


def test_python_keeps_a_pipeline_outputs_name_version_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yaml": "azpipe: 1\nname: p\ndefaults: {compute: cpu, environment: env@latest}\n"
                         "outputs:\n  model:\n    value: ${{train.outputs.model}}\n    name: my-model\n"
                         "    version: '3'\n    path: azureml://datastores/store/paths/models/\n"
                         "steps:\n  train:\n    command: python train.py --model ${{outputs.model}}\n",
    })  # fmt: skip
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []
    output = compiled_jobs(pipeline, tmp_path / "out")["python"].outputs["model"]
    assert (output.name, output.version, output.path) == (
        "my-model",
        "3",
        "azureml://datastores/store/paths/models/",
    )


INLINE_COMPONENT = {
    "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\njobs:\n"
    "  train:\n    type: command\n    component:\n      type: command\n"
    "      command: python train.py --epochs ${{inputs.epochs}} --mode ${{inputs.mode}}\n"
    "      code: ./src\n      additional_includes: [./shared]\n"
    f"      environment: {ENV}\n      is_deterministic: false\n"
    "      resources: {instance_count: 2, shm_size: 2g}\n"
    "      distribution: {type: mpi, process_count_per_instance: 2}\n"
    "      inputs:\n        epochs: {type: integer, min: 1, max: 10, default: 3}\n"
    "        mode: {type: string, enum: [fast, slow], default: fast}\n",
    "src/": "",
    "shared/": "",
}


def test_an_inline_component_keeps_every_setting(tmp_path: Path) -> None:
    path = write(tmp_path, INLINE_COMPONENT)
    assert differences(path) == []
    yaml_job = compiled_jobs(azpipe.load(path), tmp_path / "out")["yaml"]
    component = yaml_job.jobs["train"].component
    assert component.is_deterministic is False  # Azure ML must not reuse a run the user turned off
    assert component.resources.instance_count == 2 and component.distribution.process_count_per_instance == 2
    assert [Path(p).name for p in component.additional_includes] == ["shared"]
    assert (component.inputs["epochs"].min, component.inputs["epochs"].max) == (1, 10)
    assert component.inputs["mode"].enum == ["fast", "slow"]


JOB_FIELDS = {
    "pipeline.yml": "type: pipeline\nexperiment_name: fields\n"
    "identity: {type: managed, client_id: 00000000-0000-0000-0000-000000000001}\n"
    "properties: {owner: data-team}\n"
    "settings:\n  default_compute: azureml:cpu-cluster\n  on_init: setup\n  on_finalize: cleanup\n"
    "jobs:\n"
    f"  setup:\n    command: echo setup\n    environment: {ENV}\n"
    f"  cleanup:\n    command: echo cleanup\n    environment: {ENV}\n"
    f"  train:\n    command: echo train\n    environment: {ENV}\n"
    "    services:\n      vscode: {type: vs_code}\n"
    "      board: {type: tensor_board, log_dir: outputs/logs}\n"
    "    queue_settings: {job_tier: spot, priority: high}\n"
    "    properties: {stage: training}\n"
    "    resources: {instance_count: 1, docker_args: --ipc=host, locations: [westeurope]}\n"
    "    distribution: {type: ray, port: 6379, include_dashboard: true}\n"
    "    identity: {type: user_identity}\n"
    "  score:\n    type: command\n    component: ./score.yml\n    comment: scores the model\n"
    "    properties: {stage: scoring}\n",
    "score.yml": f"type: command\ncommand: echo score\nenvironment: {ENV}\n",
}


def test_job_settings_and_node_settings_reach_azure_ml(tmp_path: Path) -> None:
    path = write(tmp_path, JOB_FIELDS)
    assert differences(path) == []
    for job in compiled_jobs(azpipe.load(path), tmp_path / "out").values():
        assert (job.settings.on_init, job.settings.on_finalize) == ("setup", "cleanup")
        assert job.identity.client_id == "00000000-0000-0000-0000-000000000001"
        assert job.properties == {"owner": "data-team"}
        train = job.jobs["train"]
        assert sorted(train.services) == ["board", "vscode"] and train.queue_settings.job_tier == "spot"
        assert train.resources.locations == ["westeurope"] and train.distribution.port == 6379
        assert job.jobs["score"].comment == "scores the model"


def test_import_keeps_the_same_fields(tmp_path: Path) -> None:
    text = imported(write(tmp_path, JOB_FIELDS)).source_text
    for field in ("on_init", "client_id", "owner", "vs_code", "job_tier", "docker_args", "ray", "comment"):
        assert field in text, field


OUTPUT_TYPES = {
    "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\n"
    "outputs:\n  model: {type: mlflow_model, mode: rw_mount}\n"
    "  report:\n    type: uri_file\n    path: azureml://datastores/store/paths/${{name}}/report.txt\n"
    "    mode: rw_mount\n"
    "  table:\n  folder:\n"
    "jobs:\n  train:\n    type: command\n    component: ./train.yml\n"
    "    outputs:\n      model: ${{parent.outputs.model}}\n      table:\n"
    "        type: uri_folder\n        path: ${{parent.outputs.table}}\n"
    f"  report:\n    command: echo hi > ${{{{outputs.report}}}} ${{{{outputs.folder}}}}\n"
    f"    environment: {ENV}\n"
    "    outputs:\n      report: ${{parent.outputs.report}}\n      folder: ${{parent.outputs.folder}}\n",
    "train.yml": f"type: command\ncommand: echo ${{{{outputs.model}}}} ${{{{outputs.table}}}}\nenvironment: {ENV}\n"
    "outputs:\n  model: {type: mlflow_model}\n  table: {type: mltable}\n",
}


def test_output_types_and_path_bindings_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path, OUTPUT_TYPES)
    assert differences(path) == []
    jobs = compiled_jobs(azpipe.load(path), tmp_path / "out")
    for job in jobs.values():
        assert job.outputs["model"].type == "mlflow_model"  # was uri_folder in YAML
        assert job.outputs["report"].type == "uri_file"  # was uri_folder
        assert job.jobs["report"].component.outputs["report"].type == "uri_file"
    assert "${{parent.outputs.table}}" in str(
        jobs["yaml"].jobs["train"].outputs["table"]._data
    )  # was dropped


def test_a_compute_bound_to_an_input_stays_a_binding(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\ninputs:\n  compute_name: cpu-cluster\njobs:\n"
                        f"  a:\n    command: echo hi\n    environment: {ENV}\n"
                        "    compute: ${{parent.inputs.compute_name}}\n",
    })  # fmt: skip
    assert "azureml:${{" not in azpipe.to_yaml(azpipe.load(path))
    assert differences(path) == []


def test_local_data_stays_where_it_is_after_import(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\njobs:\n"
                        "  convert:\n    type: command\n    component: ./convert/entry.yml\n"
                        "    inputs:\n      data: {type: uri_folder, path: ./data/train}\n",
        "convert/entry.yml": f"type: command\ncommand: ls ${{{{inputs.data}}}}\nenvironment: {ENV}\n"
                             "inputs: {data: {type: uri_folder}}\n",
        "data/train/": "",
    })  # fmt: skip
    assert "convert/data" not in imported(path).source_text
    assert differences(path) == []


def test_an_unset_experiment_stays_unset(tmp_path: Path) -> None:
    native = write(tmp_path, {"pipeline.yml": f"type: pipeline\njobs:\n  a:\n    command: echo hi\n"
                                              f"    environment: {ENV}\n    compute: azureml:cpu\n"})  # fmt: skip
    assert differences(native) == []
    ours = write(tmp_path / "azpipe", {"pipeline.yaml": "azpipe: 1\nname: p\n"
                                       "defaults: {compute: cpu, environment: env@latest}\n"
                                       "steps:\n  a: {command: echo hi}\n"})  # fmt: skip
    for job in compiled_jobs(azpipe.load(ours), tmp_path / "out").values():
        assert job.experiment_name is None  # `az ml job create` and azpipe file it in the same experiment


def test_a_type_next_to_a_binding_follows_azure_ml(tmp_path: Path) -> None:
    """azure-ai-ml drops a node's `type:` next to a binding: the registered component's type counts."""
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\njobs:\n"
                        f"  prep:\n    command: echo ${{{{outputs.out}}}}\n    environment: {ENV}\n"
                        "    outputs: {out: {type: uri_file}}\n"
                        "  train:\n    type: command\n    component: azureml:train:1\n"
                        "    inputs:\n      data:\n        type: uri_folder\n"
                        "        path: ${{parent.jobs.prep.outputs.out}}\n"
                        "  score:\n    type: command\n    component: ./score.yml\n"
                        "    inputs:\n      model: {type: uri_file, path: '${{parent.jobs.prep.outputs.out}}'}\n",
        "score.yml": f"type: command\ncommand: cat ${{{{inputs.model}}}}\nenvironment: {ENV}\n"
                     "inputs: {model: {type: uri_file}}\n",
    })  # fmt: skip
    pipeline = azpipe.load(path)
    assert errors(pipeline) == [], pipeline.check()
    assert differences(path) == []


def test_the_legacy_path_type_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\njobs:\n"
                        "  a:\n    type: command\n    component: ./a.yml\n    inputs: {data: {type: uri_folder, path: ./d}}\n",
        "a.yml": f"type: command\ncommand: ls ${{{{inputs.data}}}}\nenvironment: {ENV}\ninputs: {{data: {{type: path}}}}\n",
        "d/": "",
    })  # fmt: skip
    pipeline = azpipe.load(path)
    assert errors(pipeline) == []
    warnings = [d for d in pipeline.diagnostics if d.code == "T604"]
    assert len(warnings) == 1  # in the component file (a node input takes modern types only)
    assert all(d.severity is Severity.WARNING and "uri_folder" in (d.hint or "") for d in warnings)
    assert differences(path) == []


def test_a_name_in_an_inline_environment_is_no_error(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\njobs:\n"
                        "  a:\n    command: echo hi\n    environment:\n      name: my-env\n      version: '2'\n"
                        "      image: python:3.11-slim\n",
    })  # fmt: skip
    pipeline = azpipe.load(path)
    assert errors(pipeline) == []
    assert {d.code for d in pipeline.diagnostics} == {"S110"}  # azure-ai-ml warns too, and drops them
    assert differences(path) == []


def test_a_pipeline_components_version_is_no_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "component.yml": "$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json\n"
                         "type: pipeline\nname: train_pipeline\nversion: '1'\njobs:\n"
                         f"  a:\n    command: echo hi\n    environment: {ENV}\n",
    })  # fmt: skip
    assert azpipe.load(path).diagnostics == []  # pipeline component files are read (issue 11)


def test_the_reserved_artifacts_output_needs_no_placeholder(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\njobs:\n"
                        "  hello:\n    command: echo hi > ./outputs/world.txt\n"
                        f"    environment: {ENV}\n    compute: azureml:cpu-cluster\n    outputs:\n      artifacts:\n"
                        "  world:\n    command: cat ${{inputs.world}}/outputs/world.txt\n"
                        f"    environment: {ENV}\n    compute: azureml:cpu-cluster\n"
                        "    inputs:\n      world: ${{parent.jobs.hello.outputs.artifacts}}\n",
    })  # fmt: skip
    assert errors(azpipe.load(path)) == []
    assert differences(path) == []


def test_a_field_only_python_can_say_is_refused_for_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yaml": "azpipe: 1\nname: p\ndefaults: {compute: cpu, environment: env@latest}\n"
                         "outputs:\n  model: {value: '${{train.outputs.model}}', description: The trained model}\n"
                         "steps:\n  train:\n    command: python train.py --model ${{outputs.model}}\n",
    })  # fmt: skip
    pipeline = azpipe.load(path)
    with pytest.raises(CompileRefused) as refused:
        azpipe.to_yaml(pipeline)
    [diagnostic] = refused.value.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("S109", 5, 3)
    assert "description of pipeline output `model`" in diagnostic.message
    assert azpipe.to_job(pipeline).outputs["model"].description == "The trained model"


def test_import_elsewhere_keeps_every_path_right(tmp_path: Path) -> None:
    """`import -o other/dir/x.yaml` rewrites the new fields' paths too (includes, build contexts)."""
    path = write(tmp_path, {
        **INLINE_COMPONENT,
        "pipeline.yml": INLINE_COMPONENT["pipeline.yml"].replace(
            f"      environment: {ENV}\n", "      environment: {build: {path: ./context}}\n"
        ),
        "context/": "", "context/Dockerfile": "FROM python:3.11\n",
    })  # fmt: skip
    elsewhere = imported(path, tmp_path / "other" / "dir" / "x.yaml")
    assert "../../shared" in elsewhere.source_text and "../../context" in elsewhere.source_text
    assert same_graph(elsewhere, tmp_path / "out") == []
    jobs = compiled_jobs(elsewhere, tmp_path / "out")
    component = jobs["yaml"].jobs["train"].component
    assert [Path(component.base_path, p).resolve() for p in component.additional_includes] == [
        tmp_path / "shared"
    ]


def test_a_pipelines_compute_is_its_default_compute(tmp_path: Path) -> None:
    """`compute:` at the top of a job (public azureml-examples `doris-test`) is the older name of
    `settings.default_compute`; registered components' outputs without a type stay untyped."""
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\ncompute: azureml:arccompute\njobs:\n"
                        "  train:\n    type: command\n    component: azureml:train@latest\n"
                        "    inputs: {train_input: /mount/nfs/, epoch: 1}\n"
                        "    outputs:\n      train_output: {mode: rw_mount}\n    resources: {instance_count: 2}\n"
                        "  registry:\n    type: command\n    component: azureml:model_registry@latest\n"
                        "    inputs:\n      registry_input: ${{parent.jobs.train.outputs.train_output}}\n",
    })  # fmt: skip
    assert [d.code for d in azpipe.load(path).diagnostics if d.severity is not Severity.INFO] == []
    assert differences(path) == []


def test_settings_azure_ml_does_not_know_are_passed_on_as_written(tmp_path: Path) -> None:
    """azure-ai-ml keeps unknown `settings:` keys (unknown=INCLUDE) and sends them: so does azpipe, with a warning."""
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings:\n  default_compute: azureml:cpu-cluster\n"
                        "  continue_on_step_faliure: true\n  custom-flag: {a: 1}\n"
                        f"jobs:\n  a:\n    command: echo hi\n    environment: {ENV}\n",
    })  # fmt: skip
    pipeline = azpipe.load(path)
    warned = [(d.code, d.span.line, d.severity) for d in pipeline.diagnostics]
    assert warned == [("S101", 4, Severity.WARNING), ("S101", 5, Severity.WARNING)]
    assert "did you mean `continue_on_step_failure`" in str(pipeline.diagnostics[0].hint)
    assert differences(path) == []
    for job in compiled_jobs(pipeline, tmp_path / "out").values():
        settings = job.settings._to_dict()
        assert settings["continue_on_step_faliure"] is True and settings["custom-flag"] == {"a": 1}
    again = imported(path)
    assert again.extra_settings == {"continue_on_step_faliure": True, "custom-flag": {"a": 1}}


def test_a_private_settings_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings:\n  default_compute: azureml:cpu-cluster\n  _init: 3\n  items: 1\n"
                        f"jobs:\n  a:\n    command: echo hi\n    environment: {ENV}\n",
    })  # fmt: skip
    assert [(d.code, d.span.line) for d in azpipe.load(path).diagnostics if d.severity == Severity.ERROR] == [
        ("S108", 4),
        ("S108", 5),
    ]


def test_an_unbound_pipeline_output_is_named_not_silently_dropped(tmp_path: Path) -> None:
    """azure-ai-ml keeps an output no job writes (empty on Azure ML); azpipe says it leaves it out."""
    path = write(tmp_path, {
        "pipeline.yml": "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\n"
                        "outputs:\n  empty:\n    type: uri_folder\n  model:\n"
                        f"jobs:\n  a:\n    command: echo hi > ${{{{outputs.m}}}}\n    environment: {ENV}\n"
                        "    outputs:\n      m: ${{parent.outputs.model}}\n",
    })  # fmt: skip
    found = [(d.code, d.span.line, d.severity) for d in azpipe.load(path).diagnostics]
    assert found == [("S110", 4, Severity.WARNING)]
    assert "empty" not in azpipe.to_yaml(azpipe.load(path))
