"""No token, key or SAS signature is ever printed or logged — also with ``--verbose`` and with every SDK logger at DEBUG.

The fake hands out JWT bearer tokens (one per audience), a datastore SAS and a
log-file SAS, each with a recognisable signature. The tests check that they
were used on the wire (so the grep below is not vacuous) and that none of them
appears in standard output, standard error, or any log record from azpipe,
azure-core (its HTTP logging policy included), azure-storage, azure-identity or
azure-ai-ml.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from azpipe.submit.compiled import import_azure_ml
from tests.fake_azure import (
    LOG_SAS_SIGNATURE,
    SAS_SIGNATURE,
    SECRETS,
    TOKEN_SIGNATURE,
    Harness,
    Run,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification"
pytestmark = pytest.mark.filterwarnings("ignore")

import_azure_ml()


def everything(harness: Harness, tmp_path: Path) -> list[Run]:
    """Submit (uploads, compute, streamed logs), then status and cancel, all with --verbose."""
    shutil.copytree(EXAMPLE, tmp_path / "example")
    harness.azure.run_statuses = ["Running", "Completed"]
    submitted = harness.run("submit", str(tmp_path / "example" / "pipeline.yaml"), "--stream", "--verbose")
    assert submitted.code == 0, submitted.err
    name = re.search(r"submitted job (\S+)", submitted.out).group(1)  # type: ignore[union-attr]
    return [submitted, harness.run("status", name, "--verbose"), harness.run("cancel", name, "--verbose")]


def assert_no_secret(runs: list[Run], tokens: list[str]) -> None:
    for run in runs:
        for where, text in (("stdout", run.out), ("stderr", run.err), ("logs", run.logs)):
            for secret in [*SECRETS, *tokens]:
                assert secret not in text, f"a secret reached {where}"
            assert not re.search(r"(?i)bearer\s+(?!\*\*\*)\S", text), f"a bearer token reached {where}"
            assert not re.search(r"eyJ[\w-]+\.[\w-]+\.", text), f"a JWT reached {where}"


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Harness:
    made = Harness(monkeypatch, capsys, tmp_path)
    made.loud_sdk(monkeypatch)
    return made


def test_tokens_go_on_the_wire_and_nowhere_else(harness: Harness, tmp_path: Path) -> None:
    runs = everything(harness, tmp_path)
    tokens = harness.credential.issued
    assert tokens and all(t.endswith("." + TOKEN_SIGNATURE) for t in tokens)
    requests = [r for run in runs for r in run.requests]
    arm = [r for r in requests if r.host == "management.azure.com"]
    assert arm and all(r.headers.get("Authorization", "").removeprefix("Bearer ") in tokens for r in arm)
    job_put = next(r for r in requests if r.method == "PUT" and r.kind == "job")
    assert job_put.headers["x-azureml-token"] in tokens  # the AML-audience token azure-ai-ml adds
    assert any(SAS_SIGNATURE in r.url for r in requests if r.kind == "blob")  # uploads used the SAS
    assert any(LOG_SAS_SIGNATURE in r.url for r in requests if r.kind == "blob")  # log download too
    assert_no_secret(runs, tokens)
    logs = "\n".join(run.logs for run in runs)
    assert "azure.core.pipeline.policies.http_logging_policy" in logs  # azure-core did log the requests
    assert "'Authorization': 'REDACTED'" in logs  # with the header it must not show


def test_verbose_logs_requests_without_query_strings_headers_or_bodies(
    harness: Harness, tmp_path: Path
) -> None:
    submitted = everything(harness, tmp_path)[0]
    lines = [line for line in submitted.err.splitlines() if line.startswith("azpipe: ")]
    assert any(
        re.match(r"azpipe: PUT https://management\.azure\.com/\S+/jobs/\S+ -> 201 \(\d", s) for s in lines
    )
    assert any("environment prep-env: not in the workspace, creating" in line for line in lines)
    requests = [line for line in lines if " -> " in line]
    assert requests and not any("?" in line or "api-version" in line for line in requests)
    assert not any(re.search(r"(?i)authorization|x-azureml-token|\{", line) for line in requests)


def test_logging_enable_is_never_passed_to_azure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Even if something asked for azure-core's body and header logging, the client is made without it."""
    harness = Harness(monkeypatch, capsys, tmp_path, logging_enable=True)
    harness.loud_sdk(monkeypatch)
    runs = everything(harness, tmp_path)
    assert_no_secret(runs, harness.credential.issued)
    # NetworkTraceLoggingPolicy (the one that prints header values) logs on this logger: it stayed silent
    assert not any("azure.core.pipeline.policies._universal" in run.logs for run in runs)


def test_errors_with_secrets_in_service_messages_are_redacted(harness: Harness, tmp_path: Path) -> None:
    body = {
        "error": {
            "code": "BadRequest",
            "message": f"bad SAS in https://x.blob.core.windows.net/c?sig={SAS_SIGNATURE}",
        }
    }
    harness.azure.fail("PUT", r"/jobs/", 400, body)
    shutil.copytree(EXAMPLE, tmp_path / "example")
    run = harness.run("submit", str(tmp_path / "example" / "pipeline.yaml"), "--verbose")
    assert run.code == 1 and "sig=***" in run.err
    assert_no_secret([run], harness.credential.issued)
