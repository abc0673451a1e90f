"""``azpipe submit`` without a network, and what ``--dry-run`` lists (issue 13 item 12).

With a service principal in the environment and no network, ``DefaultAzureCredential``
fails to reach Microsoft Entra ID; that is not "no credentials found". The
dry run lists every local path the job uploads, and no data asset that ``--set``
made unused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError
from azure.core.pipeline.transport import HttpTransport
from azure.identity import DefaultAzureCredential

from azpipe.submit import client
from azpipe.submit.compiled import import_azure_ml
from azpipe.submit.errors import NO_CREDENTIALS, _sign_in
from tests.fake_azure import TENANT, Harness, forbid_sockets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification"
pytestmark = pytest.mark.filterwarnings("ignore")

import_azure_ml()


class Unreachable(HttpTransport):  # type: ignore[type-arg]
    """An azure-core transport for a machine with no route to Azure: every request fails to connect."""

    def __init__(self) -> None:
        self.hosts: list[str] = []

    def __enter__(self) -> Unreachable:
        return self

    def __exit__(self, *args: Any) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, request: Any, **kwargs: Any) -> Any:
        host = request.url.split("/")[2]
        self.hosts.append(host)
        raise ServiceRequestError(
            f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: / "
            "(Caused by NewConnectionError('Failed to establish a new connection: [Errno 101] "
            "Network is unreachable'))"
        )


@pytest.fixture
def service_principal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment variables of a service principal (the secret is never printed)."""
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", "00000000-0000-4000-8000-0000000000c1")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-a-real-secret-0123456789")


def copy(folder: Path, tmp_path: Path) -> Path:
    shutil.copytree(folder, tmp_path / folder.name)
    return tmp_path / folder.name / "pipeline.yaml"


def the_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("azpipe submit:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_credentials_but_no_network_says_azure_cannot_be_reached(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    service_principal: None,
) -> None:
    harness = Harness(monkeypatch, capsys, tmp_path)
    transport = Unreachable()
    monkeypatch.setattr(client, "credential_factory", lambda: DefaultAzureCredential(transport=transport))
    monkeypatch.setattr(client, "client_options", {"transport": transport})
    run = harness.run("submit", str(copy(EXAMPLE, tmp_path)))
    line = the_line(run.err)
    assert run.code == 1
    assert line.startswith("azpipe submit: cannot reach Azure to sign in (login.microsoftonline.com): ")
    assert "(login.microsoftonline.com): EnvironmentCredential: Network is unreachable; check" in line
    assert line.endswith("check the network connection and any proxy settings (HTTPS_PROXY)")
    assert "no Azure credentials found" not in run.err and "not-a-real-secret" not in run.err
    assert transport.hosts and set(transport.hosts) == {"login.microsoftonline.com"}


def test_the_real_default_credential_with_no_name_lookup(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    service_principal: None,
) -> None:
    """No transport seam at all: ``DefaultAzureCredential()`` as azpipe makes it, with every socket refused."""
    from azpipe.cli.main import main

    monkeypatch.setattr(client, "credential_factory", client.default_credential)
    monkeypatch.setattr(client, "client_options", {})
    for name, value in (
        ("AZURE_SUBSCRIPTION_ID", "s"),
        ("AZURE_RESOURCE_GROUP", "g"),
        ("AZUREML_WORKSPACE_NAME", "w"),
    ):
        monkeypatch.setenv(name, value)
    with forbid_sockets() as attempts:
        code = main(["submit", str(copy(EXAMPLE, tmp_path))])
    _, err = capsys.readouterr()
    assert code == 1 and attempts
    assert the_line(err).startswith(
        "azpipe submit: cannot reach Azure to sign in (login.microsoftonline.com)"
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
            "Attempted credentials:\n\tEnvironmentCredential: EnvironmentCredential authentication "
            "unavailable. Environment variables are not fully configured.\n\tManagedIdentityCredential: "
            "ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.\n\t"
            "AzureCliCredential: Azure CLI not found on path",
            NO_CREDENTIALS,
        ),
        (
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
            "Attempted credentials:\n\tEnvironmentCredential: Authentication failed: AADSTS7000215: "
            "Invalid client secret provided.",
            "signing in to Azure failed: EnvironmentCredential: Authentication failed: AADSTS7000215: "
            "Invalid client secret provided; check its settings",
        ),
        (
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
            "Attempted credentials:\n\tAzureCliCredential: ERROR: HTTPSConnectionPool(host='login."
            "microsoftonline.com', port=443): Max retries exceeded",
            "cannot reach Azure to sign in (login.microsoftonline.com): AzureCliCredential: Max retries exceeded;",
        ),
        (
            "Failed to resolve 'login.microsoftonline.com' ([Errno -3] Temporary failure in name resolution)",
            "cannot reach Azure to sign in (login.microsoftonline.com): credential: Temporary failure in name "
            "resolution;",
        ),
    ],
)
def test_what_each_sign_in_failure_says(message: str, expected: str) -> None:
    assert _sign_in(message).startswith(expected)


# ----------------------------------------------------------------------------- --dry-run


LOCAL_INPUTS = """\
azpipe: 1
name: local_inputs
defaults: {compute: serverless, environment: azureml:env:1}
data:
  shared: {type: uri_folder, path: ./shared, version: "1"}
inputs:
  images: ./images
  labels: {type: uri_file, path: ./labels.csv}
  extra: ${{data.shared}}
steps:
  train:
    code: src
    inputs:
      vocab: {value: ./vocab.txt, type: uri_file}
    command: >-
      python train.py --images ${{parent.inputs.images}} --labels ${{parent.inputs.labels}}
      --extra ${{parent.inputs.extra}} --vocab ${{inputs.vocab}}
"""


@pytest.fixture
def local_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "p"
    for sub in ("src", "images", "shared", "other"):
        (folder / sub).mkdir(parents=True)
    for name in ("labels.csv", "vocab.txt", "src/train.py"):
        (folder / name).write_text("x\n", encoding="utf-8")
    (folder / "pipeline.yaml").write_text(LOCAL_INPUTS, encoding="utf-8")
    monkeypatch.chdir(folder)
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"):
        monkeypatch.delenv(name, raising=False)
    return folder / "pipeline.yaml"


def dry_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    from azpipe.cli.main import main

    code = main(["submit", *argv, "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0, err
    provision, rest = out.split("Would upload with the job", 1)
    return provision, rest.split("Would submit this job", 1)[0]


def test_dry_run_lists_every_local_input_it_uploads(
    local_inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    provision, uploads = dry_run(capsys, str(local_inputs))
    for line in (
        "code        src",
        "input       images: images",
        "input       labels: labels.csv",
        "input       train.vocab: vocab.txt",
    ):
        assert f"\n  {line}\n" in uploads
    assert "data        shared:1" in provision and "uploads ./shared" in provision


def test_dry_run_lists_set_paths_and_no_asset_set_made_unused(
    local_inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    provision, uploads = dry_run(capsys, str(local_inputs), "--set", "extra=other")
    assert "shared" not in provision
    assert "\n  input       extra: other\n" in uploads


def test_an_asset_still_used_elsewhere_stays(local_inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        local_inputs.read_text(encoding="utf-8")
        .replace(
            "      vocab: {value: ./vocab.txt, type: uri_file}\n",
            "      vocab: {value: ./vocab.txt, type: uri_file}\n      more: ${{data.shared}}\n",
        )
        .replace("--vocab ${{inputs.vocab}}", "--vocab ${{inputs.vocab}} --more ${{inputs.more}}")
    )
    local_inputs.write_text(text, encoding="utf-8")
    provision, _ = dry_run(capsys, str(local_inputs), "--set", "extra=other")
    assert "data        shared:1" in provision


# ----------------------------------------------------------------------------- status -f json, --color


def test_status_takes_format_and_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    harness = Harness(monkeypatch, capsys, tmp_path)
    submitted = harness.run("submit", str(copy(ROOT / "tests" / "fixtures" / "submit" / "inputs", tmp_path)))
    name = submitted.out.split("submitted job ", 1)[1].split()[0]
    as_json = harness.run("status", name, "-f", "json")
    assert as_json.code == 0 and json.loads(as_json.out) == json.loads(
        harness.run("status", name, "--json").out
    )
    coloured = harness.run("status", name, "--color", "always").out
    assert "\x1b[32mCompleted\x1b[0m" in coloured and "\x1b[33mRunning\x1b[0m" in coloured
    assert "\x1b" not in harness.run("status", name).out  # not a terminal
    assert "\x1b[33mCancelRequested\x1b[0m" in harness.run("cancel", name, "--color", "always").out
