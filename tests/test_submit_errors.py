"""Each Azure failure, simulated by its HTTP status and body (or a credential that has no token), is one line.

The message says what happened and what to do; the exit code is 1; there is no
traceback. Bodies follow Azure Resource Manager's and Azure ML's error format.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError
from azure.identity import CredentialUnavailableError

from azpipe.submit.compiled import import_azure_ml
from azpipe.submit.errors import Context, explain, one_line, redact
from tests.fake_azure import (
    RESOURCE_GROUP,
    SAS_SIGNATURE,
    SUBSCRIPTION,
    WORKSPACE,
    Harness,
    Run,
    arm_error,
    make_token,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification"
INPUTS = ROOT / "tests" / "fixtures" / "submit" / "inputs"
WS = f"workspace `{WORKSPACE}` (resource group `{RESOURCE_GROUP}`, subscription `{SUBSCRIPTION}`)"
pytestmark = pytest.mark.filterwarnings("ignore")

import_azure_ml()


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Harness:
    return Harness(monkeypatch, capsys, tmp_path)


def submit(harness: Harness, tmp_path: Path, folder: Path = INPUTS, *argv: str) -> Run:
    target = tmp_path / folder.name
    if not target.exists():
        shutil.copytree(folder, target)
    return harness.run("submit", str(target / "pipeline.yaml"), *argv)


def only_line(run: Run) -> str:
    """The one error line (progress lines before it are allowed); checks there is no traceback."""
    assert run.code == 1, (run.code, run.err)
    assert "Traceback" not in run.err and 'File "' not in run.err
    lines = [line for line in run.err.splitlines() if line.startswith("azpipe ")]
    assert len(lines) == 1, run.err
    return lines[0]


# ------------------------------------------------------------------- credentials


def test_no_credentials(harness: Harness, tmp_path: Path) -> None:
    harness.credential.error = CredentialUnavailableError("EnvironmentCredential authentication unavailable.")
    assert only_line(submit(harness, tmp_path)) == (
        "azpipe submit: no Azure credentials found: sign in with `az login` (or set AZURE_TENANT_ID, "
        "AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal, or run where a managed identity "
        "is available)"
    )


def test_default_credential_chain_failing(harness: Harness, tmp_path: Path) -> None:
    """What ``DefaultAzureCredential`` raises when every credential in its chain failed."""
    harness.credential.error = ClientAuthenticationError(
        "DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted "
        "credentials:\n\tEnvironmentCredential: EnvironmentCredential authentication unavailable.\n\t"
        "AzureCliCredential: Please run 'az login' to set up an account"
    )
    assert "no Azure credentials found: sign in with `az login`" in only_line(submit(harness, tmp_path))


def test_rejected_token(harness: Harness, tmp_path: Path) -> None:
    body = arm_error("InvalidAuthenticationToken", "The access token is invalid.")
    harness.azure.fail("GET", rf"/workspaces/{WORKSPACE}\?", 401, body)
    assert only_line(submit(harness, tmp_path)) == (
        f"azpipe submit: Azure refused the credentials while reading {WS} (401 InvalidAuthenticationToken): "
        "The access token is invalid; sign in again with `az login` (with `--tenant TENANT` if the "
        "workspace is in another tenant)"
    )


# ------------------------------------------------------------------- workspace


def test_workspace_not_found(harness: Harness, tmp_path: Path) -> None:
    run = submit(harness, tmp_path, INPUTS, "--workspace", "nope")
    assert [r.kind for r in run.requests] == ["workspace"]  # nothing else is tried
    assert only_line(run) == (
        f"azpipe submit: workspace `nope` not found in resource group `{RESOURCE_GROUP}` (subscription "
        f"`{SUBSCRIPTION}`): check --workspace / AZUREML_WORKSPACE_NAME or the config.json in use "
        "(`az ml workspace list -g GROUP` lists them)"
    )


def test_resource_group_not_found(harness: Harness, tmp_path: Path) -> None:
    body = arm_error("ResourceGroupNotFound", "Resource group 'elsewhere' could not be found.")
    harness.azure.fail("GET", r"/resourceGroups/elsewhere/", 404, body)
    assert only_line(submit(harness, tmp_path, INPUTS, "-g", "elsewhere")) == (
        f"azpipe submit: resource group `elsewhere` not found in subscription `{SUBSCRIPTION}`: "
        "check --resource-group / AZURE_RESOURCE_GROUP"
    )


def test_subscription_not_found(harness: Harness, tmp_path: Path) -> None:
    body = arm_error("SubscriptionNotFound", "The subscription 'x' could not be found.")
    harness.azure.fail("GET", r"/subscriptions/x/", 404, body)
    line = only_line(submit(harness, tmp_path, INPUTS, "--subscription", "x"))
    assert line.startswith(
        "azpipe submit: subscription `x` not found, or not visible to the signed-in identity"
    )


# ------------------------------------------------------------------- permissions


def forbidden(action: str) -> dict[str, Any]:
    return arm_error(
        "AuthorizationFailed",
        "The client 'someone@example.com' with object id 'aaaa' does not have authorization to perform "
        f"action '{action}' over scope '/subscriptions/{SUBSCRIPTION}/...' or the scope is invalid. "
        "If access was recently granted, please refresh your credentials.",
    )


def test_permission_denied_reading_the_workspace(harness: Harness, tmp_path: Path) -> None:
    action = "Microsoft.MachineLearningServices/workspaces/read"
    harness.azure.fail("GET", rf"/workspaces/{WORKSPACE}\?", 403, forbidden(action))
    assert only_line(submit(harness, tmp_path)) == (
        f"azpipe submit: permission denied while reading {WS}: the signed-in identity may not perform "
        f"`{action}` on {WS}; ask an owner for a role that allows it (for example AzureML Data Scientist), "
        "then sign in again with `az login`"
    )


def test_permission_denied_submitting_the_job(harness: Harness, tmp_path: Path) -> None:
    action = "Microsoft.MachineLearningServices/workspaces/jobs/write"
    harness.azure.fail("PUT", r"/jobs/", 403, forbidden(action))
    line = only_line(submit(harness, tmp_path))
    assert line.startswith(f"azpipe submit: permission denied while submitting the job to {WS}")
    assert f"may not perform `{action}`" in line


def test_permission_denied_creating_compute(harness: Harness, tmp_path: Path) -> None:
    action = "Microsoft.MachineLearningServices/workspaces/computes/write"
    harness.azure.fail("PUT", r"/computes/cpu-cluster\?", 403, forbidden(action))
    run = submit(harness, tmp_path, EXAMPLE)
    assert "permission denied while creating compute `cpu-cluster`" in only_line(run)
    assert "environment prep-env:1: created" in run.err  # what came before is reported
    assert not any(r.kind == "job" for r in run.requests)  # and the job is not sent


# ------------------------------------------------------------------- quota


def test_quota_exceeded_when_creating_compute(harness: Harness, tmp_path: Path) -> None:
    body = {
        "error": {
            "code": "UserError",
            "message": "Operation could not be completed as it results in exceeding approved "
            "standardDv2Family Cores quota. Current Limit: 0, Current Usage: 0, Additional Required: 8.",
            "innerError": {"code": "QuotaExceeded"},
        }
    }
    harness.azure.fail("PUT", r"/computes/cpu-cluster\?", 400, body)
    assert only_line(submit(harness, tmp_path, EXAMPLE)) == (
        "azpipe submit: quota exceeded while creating compute `cpu-cluster`: Operation could not be completed "
        "as it results in exceeding approved standardDv2Family Cores quota. Current Limit: 0, Current Usage: 0, "
        "Additional Required: 8 — choose a smaller `size` or fewer instances (`min_instances`, `max_instances`), "
        "or request more quota in the Azure portal (Quotas → Machine learning)"
    )


def test_quota_exceeded_while_the_compute_provisions(harness: Harness, tmp_path: Path) -> None:
    """The creation is accepted, then its long-running operation ends "Failed"."""
    harness.azure.compute_error = {
        "code": "QuotaExceeded",
        "message": "Cluster creation failed: the subscription's vCPU quota is smaller than min nodes.",
    }
    line = only_line(submit(harness, tmp_path, EXAMPLE))
    assert line.startswith(
        "azpipe submit: quota exceeded while creating compute `cpu-cluster`: Cluster creation"
    )
    assert "request more quota" in line


def test_quota_exceeded_when_submitting(harness: Harness, tmp_path: Path) -> None:
    body = arm_error("QuotaExceeded", "Serverless compute quota for Standard_D2_v2 is exhausted.")
    harness.azure.fail("PUT", r"/jobs/", 400, body)
    line = only_line(submit(harness, tmp_path))
    assert line.startswith(f"azpipe submit: quota exceeded while submitting the job to {WS}: Serverless")
    assert "use a compute target with free capacity, or request more quota" in line


# ------------------------------------------------------------------- the job


def test_invalid_job_rejected_by_the_service(harness: Harness, tmp_path: Path) -> None:
    body = {
        "error": {
            "code": "UserError",
            "message": "Job validation failed: input 'table' of node 'fit' refers to data asset "
            "'tables:1', which does not exist.",
            "details": [{"code": "InvalidPipelineJob", "message": "..."}],
        }
    }
    harness.azure.fail("PUT", r"/jobs/", 400, body)
    assert only_line(submit(harness, tmp_path)) == (
        "azpipe submit: Azure ML rejected the job (UserError): Job validation failed: input 'table' of node "
        "'fit' refers to data asset 'tables:1', which does not exist — fix the pipeline file (`azpipe check`, "
        "`azpipe compile --validate`) and submit again"
    )


def test_other_service_errors_name_status_and_code(harness: Harness, tmp_path: Path) -> None:
    harness.azure.fail("PUT", r"/jobs/", 409, arm_error("Conflict", "A job with this name is being created."))
    assert only_line(submit(harness, tmp_path)) == (
        f"azpipe submit: submitting the job to {WS} failed: Azure returned 409 Conflict: "
        "A job with this name is being created"
    )


# ------------------------------------------------------------------- the network and secrets in messages


def test_unreachable_azure_and_secrets_in_the_error_are_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    harness = Harness(monkeypatch, capsys, tmp_path, retry_total=0)
    token = make_token("https://management.azure.com")
    message = (
        "HTTPSConnectionPool(host='management.azure.com', port=443): Max retries exceeded with url: "
        f"/x?sv=2024&sig={SAS_SIGNATURE} (Caused by NameResolutionError) Authorization: Bearer {token}"
    )
    harness.azure.fail("GET", rf"/workspaces/{WORKSPACE}\?", 0, {}, raises=ServiceRequestError(message))
    line = only_line(submit(harness, tmp_path))
    assert line.startswith(f"azpipe submit: cannot reach Azure while reading {WS}: HTTPSConnectionPool")
    assert "check the network connection and any proxy settings (HTTPS_PROXY)" in line
    assert SAS_SIGNATURE not in line and token not in line and "sig=***" in line


def test_an_azpipe_bug_is_one_redacted_line_exit_2(
    harness: Harness, tmp_path: Path, monkeypatch: Any
) -> None:
    from azpipe.submit import provision

    token = make_token("https://management.azure.com")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"unexpected state near Bearer {token}")

    monkeypatch.setattr(provision, "provision", broken)
    run = submit(harness, tmp_path)
    assert run.code == 2 and "Traceback" not in run.err
    assert "azpipe submit: internal error: RuntimeError: unexpected state near Bearer ***" in run.err
    assert token not in run.err


# ------------------------------------------------------------------- explain() and redact() directly


def test_azure_ml_own_refusals_are_one_line() -> None:
    from azure.ai.ml.exceptions import ValidationException

    error = ValidationException(message="Compute not set\nfor node fit", no_personal_data_message="x")
    context = Context("submitting the job", "job")
    assert explain(error, context) == "submitting the job failed: azure-ai-ml: Compute not set for node fit"
    assert explain(ValueError("not azure"), context) is None


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("GET https://a.blob.core.windows.net/c/b?sv=2024&sig=S3CRET%2B&se=1", "S3CRET"),
        ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=S3CRET==;EndpointSuffix=x", "S3CRET"),
        ('{"secretsType": "Sas", "sasToken": "sv=1&sig=S3CRET"}', "S3CRET"),
        ('{"key": "S3CRET"}', "S3CRET"),
        ("x-azureml-token: S3CRET", "S3CRET"),
        ("Endpoint=sb://n/;SharedAccessKeyName=k;SharedAccessKey=S3CRET", "S3CRET"),
        (f"token {make_token('https://ml.azure.com')} end", "eyJ"),
    ],
)
def test_redact(text: str, secret: str) -> None:
    assert secret not in redact(text) and "***" in redact(text)


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "The specified key does not exist; monkey=1; keyboard: yes; job `train` failed"
    assert redact(text) == text
    assert one_line("a\n  b.  ") == "a b"
