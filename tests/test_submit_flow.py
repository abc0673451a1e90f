"""``azpipe submit``/``status``/``cancel`` run the real ``MLClient`` against the offline Azure in ``fake_azure``.

What is proved here: the order of the calls (environment, data, compute, then
the job), that the job request body is the REST form azure-ai-ml makes of the
compiled pipeline, that code and data uploads carry the local files' bytes,
that a second submission skips what exists, that ``--set`` reaches the request,
that ``--dry-run`` sends nothing, and the exit codes of ``--stream``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import azpipe
from azpipe.submit.compiled import compile_pipeline, import_azure_ml
from azpipe.submit.overrides import apply_overrides, read_overrides
from tests.fake_azure import (
    TENANT,
    WORKSPACE_ID,
    FakeAzure,
    Harness,
    Request,
    not_found,
    studio_url,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification"
INPUTS = ROOT / "tests" / "fixtures" / "submit" / "inputs"
UNVERSIONED = ROOT / "tests" / "fixtures" / "submit" / "unversioned"
pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

import_azure_ml()  # once per test process


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Harness:
    return Harness(monkeypatch, capsys, tmp_path)


def copy(folder: Path, tmp_path: Path) -> Path:
    """A copy of an example folder; returns its pipeline file."""
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target / "pipeline.yaml"


def job_name(out: str) -> str:
    match = re.search(r"submitted job (\S+)", out)
    assert match, out
    return match.group(1)


# ------------------------------------------------------------------- the order of the calls


def test_provisions_environments_then_data_then_compute_then_submits(
    harness: Harness, tmp_path: Path
) -> None:
    run = harness.run("submit", str(copy(EXAMPLE, tmp_path)))
    assert run.code == 0, run.err
    kinds = [r.kind for r in run.requests if r.kind in ("environment", "data", "compute", "job")]
    phases = [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] != kind]
    assert phases == ["environment", "data", "compute", "job"]
    writes = [(r.method, r.kind) for r in run.requests if r.method in ("PUT", "POST") and r.kind != "blob"]
    # the environment, then the datastore secrets the data upload needs
    assert writes[:2] == [("PUT", "environment"), ("POST", "datastore")]
    assert ("PUT", "data") in writes and ("PUT", "compute") in writes
    assert writes[-1] == ("PUT", "job")
    assert run.requests[0].kind == "workspace"  # the workspace is read first: wrong names fail clearly


def test_reports_each_entity_then_the_job_name_and_studio_url(harness: Harness, tmp_path: Path) -> None:
    run = harness.run("submit", str(copy(EXAMPLE, tmp_path)))
    assert "environment prep-env:1: created" in run.err
    assert "data my_image_data:1: created" in run.err
    assert "creating compute `cpu-cluster`…" in run.err and "created compute `cpu-cluster` in" in run.err
    assert "compute cpu-cluster: created (STANDARD_D2_V2, 0-4 instances)" in run.err
    name = job_name(run.out)
    assert "experiment image-classification" in run.out
    # the service's Studio link, with the tenant azure-ai-ml appends from the token
    assert f"Studio: {studio_url(name)}&tid={TENANT}" in run.out


def test_compute_creation_polls_the_long_running_operation(harness: Harness, tmp_path: Path) -> None:
    harness.azure.compute_polls = 3
    run = harness.run("submit", str(copy(EXAMPLE, tmp_path)))
    polls = [r for r in run.requests if "computeOperationsStatus" in r.path]
    assert run.code == 0 and len(polls) == 4  # three "InProgress", then "Succeeded"
    created = harness.azure.resources[f"{WORKSPACE_ID}/computes/cpu-cluster".lower()]
    assert created["properties"]["provisioningState"] == "Succeeded"


def test_an_unset_experiment_stays_unset(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As `az ml job create`: azure-ai-ml files the job under the current folder's name, never the pipeline's."""
    run = harness.run("submit", str(copy(INPUTS, tmp_path)))
    assert run.code == 0, run.err
    ((_, body),) = harness.azure.bodies("PUT", "job")
    assert body["properties"]["experimentName"] == "tuning"
    path = tmp_path / "inputs" / "pipeline.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("experiment: tuning\n", ""), encoding="utf-8")
    where = tmp_path / "my project"
    where.mkdir()
    monkeypatch.chdir(where)
    run = harness.run("submit", str(path))
    assert run.code == 0, run.err
    sent = harness.azure.bodies("PUT", "job")[-1][1]["properties"]["experimentName"]
    assert sent == "myproject"  # azure-ai-ml's own default (spaces removed), not the pipeline's name `tune`
    dry = harness.run("submit", str(path), "--dry-run")
    assert "experiment  unset (azure-ai-ml uses the current folder's name: myproject)" in dry.out


# ------------------------------------------------------------------- the job request body


def offline_rest_form(pipeline_file: Path, sets: list[tuple[str, str]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """The REST body azure-ai-ml makes of the compiled pipeline, offline (``_to_rest_object()``).

    Serialised as the SDK serialises request bodies (``SdkJSONEncoder``, read-only
    fields left out); offline each node's ``componentId`` still holds the component
    object, which is written as that component's own REST form.
    """
    from azure.ai.ml._restclient.arm_ml_service._utils.model_base import SdkJSONEncoder
    from azure.ai.ml.entities import Component

    class OfflineEncoder(SdkJSONEncoder):  # type: ignore[misc]
        def default(self, o: Any) -> Any:
            if isinstance(o, Component):
                return o._to_rest_object().as_dict(exclude_readonly=True)
            return super().default(o)

    pipeline = azpipe.load(pipeline_file)
    apply_overrides(pipeline, read_overrides(pipeline, list(sets)))
    rest = compile_pipeline(pipeline).job._to_rest_object()
    return json.loads(json.dumps(rest, cls=OfflineEncoder, exclude_readonly=True))  # type: ignore[no-any-return]


ARM_ID = re.compile(
    r"^(?:azureml:)?/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.MachineLearningServices"
    r"/workspaces/[^/]+/(\w+)/([^/]+)(?:/versions/([^/]+))?$",
    re.IGNORECASE,
)


def normalise_wire(value: Any, azure: FakeAzure) -> Any:
    """The recorded job body in the offline form's terms.

    On the wire azure-ai-ml has already registered what the job refers to, so:
    a node's ``componentId`` is the ARM id of an anonymous component it PUT first
    (its hash-named version) — replaced by that recorded component body; a
    component's ``code`` is the ARM id of the code asset it uploaded — replaced by
    ``code:<folder>``, the folder named in that code asset's ``codeUri`` (the bytes
    are checked in another test); data and compute references are ARM ids —
    replaced by ``azureml:NAME:VERSION`` and ``NAME``, the short forms the offline
    body has. Nothing else is changed.
    """
    if isinstance(value, dict):
        return {key: _normalise_entry(key, item, azure) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise_wire(item, azure) for item in value]
    if isinstance(value, str) and ARM_ID.match(value):
        kind, name, version = ARM_ID.match(value).groups()  # type: ignore[union-attr]
        if kind.lower() == "codes":
            code = azure.resources[value.removeprefix("azureml:").lower()]
            return "code:" + code["properties"]["codeUri"].rstrip("/").rsplit("/", 1)[-1]
        return name if kind.lower() == "computes" else f"azureml:{name}:{version}"
    return value


def _normalise_entry(key: str, value: Any, azure: FakeAzure) -> Any:
    if key == "componentId" and isinstance(value, str):
        component = azure.resources[value.lower()]
        return normalise_wire({k: v for k, v in component.items() if k == "properties"}, azure)
    return normalise_wire(value, azure)


def normalise_offline(value: Any) -> Any:
    """The offline body with each component's local ``code`` folder as ``code:<folder>``."""
    if isinstance(value, dict):
        return {
            key: f"code:{Path(item).name}"
            if key == "code" and Path(str(item)).is_dir()
            else normalise_offline(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [normalise_offline(item) for item in value]
    return value


def test_job_body_is_the_rest_form_of_the_compiled_pipeline(harness: Harness, tmp_path: Path) -> None:
    pipeline_file = copy(EXAMPLE, tmp_path)
    run = harness.run("submit", str(pipeline_file), "--set", "epochs=12")
    assert run.code == 0, run.err
    ((path, wire),) = harness.azure.bodies("PUT", "job")
    assert path.endswith(f"/jobs/{job_name(run.out)}")
    expected = normalise_offline(offline_rest_form(pipeline_file, [("epochs", "12")]))
    assert normalise_wire(wire, harness.azure) == expected
    without_set = normalise_offline(offline_rest_form(pipeline_file))
    assert normalise_wire(wire, harness.azure) != without_set  # the comparison does see a difference
    assert wire["properties"]["inputs"]["epochs"] == {"jobInputType": "literal", "value": "12"}


def test_job_body_of_a_pipeline_with_every_input_kind(harness: Harness, tmp_path: Path) -> None:
    pipeline_file = copy(INPUTS, tmp_path)
    sets = [("momentum", "0.5"), ("shuffle", "true"), ("table", "azureml:tables:3"), ("label", "x y")]
    run = harness.run("submit", str(pipeline_file), *[f"--set={n}={v}" for n, v in sets])
    assert run.code == 0, run.err
    ((_, wire),) = harness.azure.bodies("PUT", "job")
    offline = normalise_offline(offline_rest_form(pipeline_file, sets))
    if "displayName" not in offline["properties"]:  # none set: azure-ai-ml makes one up when submitting
        wire["properties"].pop("displayName")
    assert normalise_wire(wire, harness.azure) == offline
    inputs = wire["properties"]["inputs"]
    assert inputs["momentum"]["value"] == "0.5" and inputs["shuffle"]["value"] == "True"
    assert inputs["table"]["uri"] == f"{WORKSPACE_ID}/data/tables/versions/3"  # resolved to its ARM id


def test_uploads_carry_the_local_bytes(harness: Harness, tmp_path: Path) -> None:
    pipeline_file = copy(EXAMPLE, tmp_path)
    assert harness.run("submit", str(pipeline_file)).code == 0
    blobs = harness.azure.blobs
    for folder in ("prep_data", "train", "score"):
        for local in (pipeline_file.parent / "src" / folder).rglob("*"):
            if local.is_file():
                uploaded = [key for key in blobs if key.endswith(f"/{folder}/{local.name}")]
                assert len(uploaded) == 1 and blobs[uploaded[0]] == local.read_bytes(), local
    images = [p for p in (pipeline_file.parent / "data" / "images").rglob("*") if p.is_file()]
    for local in images:
        relative = local.relative_to(pipeline_file.parent / "data").as_posix()
        uploaded = [key for key in blobs if "/LocalUpload/" in key and key.endswith("/" + relative)]
        assert len(uploaded) == 1 and blobs[uploaded[0]] == local.read_bytes(), relative
    ((_, data),) = harness.azure.bodies("PUT", "data")
    assert re.search(r"/paths/LocalUpload/[0-9a-f]{64}/images/?$", data["properties"]["dataUri"])


# ------------------------------------------------------------------- a second submission


def test_a_second_submission_skips_what_exists(harness: Harness, tmp_path: Path) -> None:
    pipeline_file = copy(EXAMPLE, tmp_path)
    assert harness.run("submit", str(pipeline_file)).code == 0
    again = harness.run("submit", str(pipeline_file))
    assert again.code == 0, again.err
    assert "environment prep-env:1: skipped (the workspace has it with the same content)" in again.err
    assert "data my_image_data:1: skipped" in again.err
    assert "compute cpu-cluster: exists (left as it is)" in again.err
    writes = [(r.method, r.kind) for r in again.requests if r.method in ("PUT", "POST", "HEAD")]
    assert writes == [("PUT", "component")] * 3 + [("PUT", "job")]  # code found by its hash: no upload


def test_a_changed_environment_is_sent_again(harness: Harness, tmp_path: Path) -> None:
    pipeline_file = copy(EXAMPLE, tmp_path)
    assert harness.run("submit", str(pipeline_file)).code == 0
    conda = pipeline_file.parent / "envs" / "prep.yaml"
    conda.write_text(conda.read_text(encoding="utf-8") + "  - pip\n", encoding="utf-8")
    again = harness.run("submit", str(pipeline_file))
    assert "environment prep-env:1: updated (changed: conda file)" in again.err
    assert ("PUT", "environment") in [(r.method, r.kind) for r in again.requests]


def test_an_existing_version_with_other_content_is_one_line(harness: Harness, tmp_path: Path) -> None:
    """Azure ML answers 409 when a version's content would change; azpipe says to bump the version."""
    pipeline_file = copy(EXAMPLE, tmp_path)
    harness.azure.add(f"{WORKSPACE_ID}/environments/prep-env/versions/1", {"image": "other:1"})
    conflict = {"error": {"code": "UserError", "message": "Conflict: environment prep-env:1 exists"}}
    harness.azure.fail("PUT", r"/environments/prep-env/versions/1\?", 409, conflict)
    run = harness.run("submit", str(pipeline_file))
    assert run.code == 1
    assert run.err.strip().splitlines()[-1] == (
        "azpipe submit: creating or updating environment `prep-env:1` failed: that version already exists in "
        "the workspace with different content, and Azure ML versions cannot change; give it a new `version:` "
        "in the pipeline file"
    )
    assert "Traceback" not in run.err


def test_assets_without_a_version_get_one_and_are_referenced_by_label(
    harness: Harness, tmp_path: Path
) -> None:
    """``environment: base`` without ``version:`` is ``azureml:base@latest`` in the job; it must resolve."""
    pipeline_file = copy(UNVERSIONED, tmp_path)
    run = harness.run("submit", str(pipeline_file))
    assert run.code == 0, run.err
    assert "environment base:1: created" in run.err and "data table:1: created" in run.err
    ((_, component),) = harness.azure.bodies("PUT", "component")
    assert component["properties"]["componentSpec"]["environment"] == (
        f"azureml:{WORKSPACE_ID}/environments/base/versions/1"
    )
    ((_, job),) = harness.azure.bodies("PUT", "job")
    assert job["properties"]["inputs"]["rows"]["uri"] == f"{WORKSPACE_ID}/data/table/versions/1"
    again = harness.run("submit", str(pipeline_file))
    assert "environment base@latest: skipped" in again.err and "data table@latest: skipped" in again.err


# ------------------------------------------------------------------- --set and --dry-run


def test_bad_set_is_a_usage_error_before_any_request(harness: Harness, tmp_path: Path) -> None:
    run = harness.run("submit", str(copy(INPUTS, tmp_path)), "--set", "epochs=many")
    assert run.code == 2 and run.requests == [] and harness.clients == 0
    assert run.err.strip() == (
        "azpipe submit: --set epochs='many': the value is not an integer (`epochs` is an integer input)"
    )


def test_dry_run_sends_nothing_and_prints_the_plan(harness: Harness, tmp_path: Path) -> None:
    run = harness.run("submit", str(copy(EXAMPLE, tmp_path)), "--dry-run", "--set", "epochs=20")
    assert run.code == 0, run.err
    assert run.requests == [] and harness.clients == 0 and harness.credential.issued == []
    out = run.out
    order = [out.index(f"  {kind}") for kind in ("environment prep-env:1", "data ", "compute ")]
    assert order == sorted(order)
    assert "create if missing" in out
    assert "skipped if the workspace has this version with the same content" in out
    assert "code        src/prep_data" in out and "epochs = 20" in out
    assert f"workspace   {harness_workspace()}" in out
    job = out.split("Would submit this job", 1)[1]
    for expected in ('type: "pipeline"', '"epochs": 20', 'experiment_name: "image-classification"'):
        assert expected in job


def harness_workspace() -> str:
    from tests.fake_azure import RESOURCE_GROUP, SUBSCRIPTION, WORKSPACE

    return f"{WORKSPACE} (resource group {RESOURCE_GROUP}, subscription {SUBSCRIPTION})"


def test_dry_run_never_imports_azure_ml(tmp_path: Path) -> None:
    """A separate process: the dry run makes no client because it never even imports the SDK."""
    code = (
        "import sys; from azpipe.cli.main import main; "
        f"rc = main(['submit', {str(EXAMPLE / 'pipeline.yaml')!r}, '--dry-run']); "
        "print(rc, ' '.join(m for m in ('azure.ai.ml', 'azure.identity', 'azure.core') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": ""},
    )
    assert result.stdout.strip().splitlines()[-1] == "0", result.stderr
    assert "no workspace configured" in result.stderr


def test_file_with_errors_is_refused_before_any_request(harness: Harness, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "azpipe: 1\nname: x\nsteps:\n  a:\n    command: echo ${{b.outputs.o}}\n", encoding="utf-8"
    )
    run = harness.run("submit", str(broken))
    assert run.code == 1 and run.requests == [] and "error[" in run.err


def test_missing_workspace_is_a_usage_error(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AZUREML_WORKSPACE_NAME")
    run = harness.run("submit", str(copy(INPUTS, tmp_path)))
    assert run.code == 2 and run.requests == []
    assert run.err.startswith(
        "azpipe submit: no workspace given: pass --subscription, --resource-group and --workspace"
    )


# ------------------------------------------------------------------- --stream, status, cancel


def test_stream_follows_the_logs_and_exits_0_when_completed(harness: Harness, tmp_path: Path) -> None:
    harness.azure.run_statuses = ["Running", "Running", "Completed"]
    run = harness.run("submit", str(copy(INPUTS, tmp_path)), "--stream")
    assert run.code == 0, run.err
    assert "step prep_data: Completed" in run.out and "Execution Summary" in run.out
    assert f"job `{job_name(run.out)}` ended: Completed" in run.err
    assert [r.kind for r in run.requests].count("history") == 3


@pytest.mark.parametrize("final", ["Failed", "Canceled"])
def test_stream_exits_1_when_the_job_does_not_complete(harness: Harness, tmp_path: Path, final: str) -> None:
    harness.azure.run_statuses = ["Running", final]
    harness.azure.run_error = {"error": {"code": "UserError", "message": "train.py exited with code 3"}}
    run = harness.run("submit", str(copy(INPUTS, tmp_path)), "--stream")
    assert run.code == 1
    name = job_name(run.out)
    expected = f"job `{name}` failed: train.py exited with code 3" if final == "Failed" else "ended: Canceled"
    assert expected in run.err and "Traceback" not in run.err


def test_ctrl_c_while_streaming_leaves_the_job_running(harness: Harness, tmp_path: Path) -> None:
    harness.azure.run_statuses = ["Running"]
    harness.azure.fail("GET", r"/runs/.*/details", 0, {}, raises=KeyboardInterrupt(), times=1)
    run = harness.run("submit", str(copy(INPUTS, tmp_path)), "--stream")
    name = job_name(run.out)
    assert run.code == 130
    assert (
        f"azpipe submit: stopped following job {name}; it keeps running (`azpipe cancel {name}`)" in run.err
    )
    assert not any(r.method == "POST" and r.path.endswith("/cancel") for r in run.requests)


def test_status_shows_the_job_and_its_steps(harness: Harness, tmp_path: Path) -> None:
    name = job_name(harness.run("submit", str(copy(INPUTS, tmp_path))).out)
    run = harness.run("status", name)
    assert run.code == 0, run.err
    assert re.search(rf"^job +{name}$", run.out, re.M) and re.search(r"^status +NotStarted$", run.out, re.M)
    assert re.search(r"^  prep_data +Completed$", run.out, re.M)
    assert re.search(r"^  train +Running$", run.out, re.M)
    as_json = json.loads(harness.run("status", name, "--json").out)
    assert as_json["status"] == "NotStarted" and as_json["experiment"] == "tuning"
    assert as_json["steps"] == [
        {"name": "prep_data", "status": "Completed"},
        {"name": "train", "status": "Running"},
    ]


def test_cancel_posts_and_waits_for_the_operation(harness: Harness, tmp_path: Path) -> None:
    name = job_name(harness.run("submit", str(copy(INPUTS, tmp_path))).out)
    run = harness.run("cancel", name)
    assert run.code == 0, run.err
    assert f"job {name}: CancelRequested" in run.out
    posts = [r for r in run.requests if r.method == "POST"]
    assert [p.path.rsplit("/", 2)[-2:] for p in posts] == [[name, "cancel"]]
    assert any("jobOperationsStatus" in r.path for r in run.requests)  # the 202's Location was polled


def test_status_and_cancel_of_an_unknown_job(harness: Harness) -> None:
    harness.azure.fail("GET", r"/jobs/nope\?", 404, not_found("Job nope not found"))
    harness.azure.fail("POST", r"/jobs/nope/cancel", 404, not_found("Job nope not found"))
    for command in ("status", "cancel"):
        run = harness.run(command, "nope")
        assert run.code == 1
        assert run.err.startswith(f"azpipe {command}: job `nope` not found in workspace `azpipe-ws`")


def test_requests_are_recorded_with_methods_and_kinds() -> None:
    request = Request("GET", f"https://management.azure.com{WORKSPACE_ID}/computes/c?api-version=1", {}, b"")
    assert request.kind == "compute" and request.query == {"api-version": "1"}
