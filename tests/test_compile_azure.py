"""Both targets, checked by azure-ai-ml itself: each validates, and both describe the same job.

For every example, every compile fixture and every rule example that is clean:
the emitted module, imported, builds a ``PipelineJob`` that passes ``_validate()``
(and each node's component passes its own); ``load_job`` on the emitted YAML
passes too; and :func:`azpipe.emit.jobgraph.job_graph` finds the two jobs equal.
"""

from __future__ import annotations

import io
import os
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

import azpipe
from azpipe.emit import CompileRefused
from azpipe.emit.job import validation_errors
from azpipe.emit.jobgraph import diff, job_graph
from azpipe.emit.yaml import emit_yaml_files
from tests.compile_support import (
    EXAMPLES,
    FIXTURES,
    OTHER_FIXTURES,
    ROOT,
    RULE_EXAMPLES,
    azure,
    copy_example,
    example_id,
    import_file,
    load_clean,
    python_job,
    with_environment,
    yaml_job,
)

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
CLEAN_RULE_EXAMPLES = [p for p in RULE_EXAMPLES + OTHER_FIXTURES if azpipe.load(p).ok]


def both_jobs(path: Path, tmp_path: Path) -> tuple[Any, Any]:
    """The Python and the YAML job of a copy of ``path``, after checking that each validates."""
    copied = copy_example(path, tmp_path)
    if path in RULE_EXAMPLES or path in OTHER_FIXTURES:  # test pipelines, not all naming an environment
        with_environment(copied)
    pipeline = load_clean(copied)
    python, native = python_job(pipeline), yaml_job(pipeline)
    assert validation_errors(python) == {}
    assert validation_errors(native) == {}
    return python, native


@pytest.mark.parametrize("path", EXAMPLES + FIXTURES + CLEAN_RULE_EXAMPLES, ids=example_id)
def test_python_and_yaml_are_the_same_valid_job(path: Path, tmp_path: Path) -> None:
    python, native = both_jobs(path, tmp_path)
    left, right = job_graph(python), job_graph(native)
    assert left == right, "\n".join(diff(left, right))


def test_the_comparison_sees_a_difference(tmp_path: Path) -> None:
    python, native = both_jobs(ROOT / "pipelines/image_classification/pipeline.yaml", tmp_path)
    native.jobs["train"].inputs.epochs = 11
    assert any(
        ".jobs.train.inputs.epochs.binding" in line for line in diff(job_graph(python), job_graph(native))
    )


def test_after_becomes_a_direct_input_bound_to_a_synthetic_output(tmp_path: Path) -> None:
    python, _ = both_jobs(ROOT / "tests/fixtures/compile/after/pipeline.yaml", tmp_path)
    jobs = job_graph(python)["jobs"]
    edge = jobs["download"]["inputs"]["azpipe_after_setup"]
    assert edge == {
        "type": "uri_folder",
        "optional": False,
        "default": None,
        "mode": "direct",
        "declared_mode": None,
        "binding": "parent.jobs.setup.outputs.azpipe_done",
    }
    assert jobs["setup"]["outputs"]["azpipe_done"]["type"] == "uri_folder"
    assert "azpipe" not in jobs["download"]["command"]
    assert sorted(name for name in jobs["clean"]["inputs"] if name.startswith("azpipe_after_")) == [
        "azpipe_after_download",
        "azpipe_after_setup",
    ]


def test_component_files_and_registered_components(tmp_path: Path) -> None:
    python, _ = both_jobs(ROOT / "tests/fixtures/compile/components/pipeline.yaml", tmp_path)
    jobs = job_graph(python)["jobs"]
    assert jobs["score"]["component"] == "score_model:3"
    assert jobs["report"]["component"] == "report_model@latest"
    assert jobs["report"]["inputs"]["extra"]["binding"] == "parent.jobs.score.outputs.extra"
    assert jobs["train"]["command"].startswith("python main.py --data ${{inputs.data}}")
    assert jobs["train"]["display_name"] == "Train (from a file)"
    assert jobs["clean_b"]["environment_variables"] == {"MODE": "lenient"}
    assert jobs["clean_a"]["inputs"]["level"]["default"] == 3


def test_names_that_would_clash_in_python(tmp_path: Path) -> None:
    python, _ = both_jobs(ROOT / "tests/fixtures/compile/names/pipeline.yaml", tmp_path)
    assert sorted(python.jobs) == ["epochs", "prep", "str", "yes"]
    assert python.name is None and python.display_name is None  # no display name: none, as in CLI v2


def test_a_step_without_an_environment_is_refused() -> None:
    pipeline = azpipe.load(ROOT / "tests/rules/C902/bad.yaml")
    with pytest.raises(CompileRefused) as refused:
        azpipe.to_python(pipeline)
    [diagnostic] = refused.value.diagnostics
    assert diagnostic.code == "C902" and "has no environment" in diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 3)


def test_to_job_resolves_paths_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    azure()
    monkeypatch.chdir(tmp_path)
    job = azpipe.to_job(azpipe.load(ROOT / "pipelines/image_classification/pipeline.yaml"))
    assert validation_errors(job) == {}
    code = job_graph(job)["jobs"]["prep_data"]["code"]
    assert code == str(ROOT / "pipelines/image_classification/src/prep_data")


def test_output_in_another_folder_points_back(tmp_path: Path) -> None:
    pipeline = load_clean(copy_example(ROOT / "pipelines/taxi_fare_regression/pipeline.yaml", tmp_path))
    elsewhere = tmp_path / "build" / "deeper"
    elsewhere.mkdir(parents=True)
    python, native = python_job(pipeline, elsewhere), yaml_job(pipeline, elsewhere)
    assert validation_errors(python) == validation_errors(native) == {}
    assert job_graph(python) == job_graph(native)
    assert '"../../taxi_fare_regression/src/prep"' in (elsewhere / "emitted_job.yml").read_text()


def test_entity_files_load(tmp_path: Path) -> None:
    ml = azure()
    pipeline = load_clean(ROOT / "tests/fixtures/compile/settings/pipeline.yaml")
    files = emit_yaml_files(pipeline, str(tmp_path))
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sorted(files) == [
        "base-env.environment.yml",
        "cpu-cluster.compute.yml",
        "every_setting.yml",
        "gpu-box.compute.yml",
        "gpu-env.environment.yml",
        "raw.data.yml",
        "remote.data.yml",
    ]
    environment = ml.load_environment(tmp_path / "base-env.environment.yml")
    assert environment.conda_file["name"] == "env" and environment.version is None
    assert ml.load_environment(tmp_path / "gpu-env.environment.yml").version == "2"
    assert ml.load_compute(tmp_path / "gpu-box.compute.yml").type == "computeinstance"
    assert ml.load_compute(tmp_path / "cpu-cluster.compute.yml").max_instances == 2
    data = ml.load_data(tmp_path / "raw.data.yml")
    assert os.path.samefile(data.path, ROOT / "tests/fixtures/compile/settings/data/raw.csv")
    assert ml.load_data(tmp_path / "remote.data.yml").version == "3"


def test_dry_run_prints_the_job_without_connecting(tmp_path: Path) -> None:
    azure()
    copied = copy_example(ROOT / "pipelines/component_reuse/pipeline.yaml", tmp_path)
    pipeline = load_clean(copied)
    module_path = copied.parent / "component_reuse.py"
    module_path.write_text(azpipe.to_python(pipeline), encoding="utf-8")
    module = import_file(module_path)
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert module.main(["--dry-run"]) == 0
    text = printed.getvalue()
    assert "normalize_a:" in text and "type: pipeline" in text
    assert [entity.name for entity in module.ENVIRONMENTS] == ["py-env"]
    assert [entity.name for entity in module.DATA] == ["station_a", "station_b"]
