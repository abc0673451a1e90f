"""The compiled module's command line (issue 13 item 13): a quiet ``--dry-run``, one-line errors
without a workspace or a network, and the option names and help of ``azpipe submit``."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import azpipe
from azpipe.cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification"
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def module_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The image classification example compiled next to a copy of its pipeline file."""
    folder = tmp_path_factory.mktemp("compiled") / "image_classification"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "image_classification.py"
    path.write_text(azpipe.to_python(azpipe.load(folder / "pipeline.yaml")), encoding="utf-8")
    return path


def run(module_file: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The module as a user runs it: a fresh process, no workspace, no Azure variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "AZUREML_"))}
    return subprocess.run(
        [sys.executable, str(module_file), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=module_file.parent,
        env={**clean, "HOME": str(module_file.parent), **env},
        check=False,
    )


def test_dry_run_prints_only_the_job(module_file: Path) -> None:
    result = run(module_file, "--dry-run")
    assert result.returncode == 0
    assert result.stderr == ""  # no "This is an experimental class" notices
    assert result.stdout.startswith("description:") and "type: pipeline" in result.stdout


def test_no_workspace_is_one_line_and_exit_2(module_file: Path) -> None:
    result = run(module_file)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    first, second = result.stderr.splitlines()
    assert first.startswith("image_classification.py: no workspace: We could not find config.json")
    assert second == (
        "image_classification.py: pass --subscription, -g and -w, or set AZURE_SUBSCRIPTION_ID, "
        "AZURE_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME, or give --config"
    )


def test_no_network_is_one_line_and_exit_1(
    module_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Credentials set, Azure unreachable: the credential's connection error, in one line."""
    from azure.identity import DefaultAzureCredential

    from tests.test_submit_network import Unreachable

    module = load(module_file)
    monkeypatch.setattr(
        module, "DefaultAzureCredential", lambda: DefaultAzureCredential(transport=Unreachable())
    )
    for name, value in (("AZURE_TENANT_ID", "t"), ("AZURE_CLIENT_ID", "c"), ("AZURE_CLIENT_SECRET", "s")):
        monkeypatch.setenv(name, value)
    assert module.main(["--subscription", "s", "-g", "g", "-w", "w"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith("image_classification.py: cannot reach Azure: ")
    assert "EnvironmentCredential: Authentication failed: " in err and "Network is unreachable" in err
    assert "To mitigate" not in err


def test_azure_refusals_are_one_line(module_file: Path) -> None:
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError

    module = load(module_file)
    assert (
        module.explain(ClientAuthenticationError("no\n  token"))
        == "cannot sign in to Azure: no token (try `az login`)"
    )
    assert module.explain(ServiceRequestError("down")).startswith("cannot reach Azure: down")
    assert module.explain(HttpResponseError("Forbidden")).startswith("Azure refused the request: Forbidden")
    assert len(module.one_line(ValueError("x" * 1000))) == 300


def test_options_match_azpipe_submit(module_file: Path) -> None:
    module = load(module_file)
    parser = capture_parser(module)
    submit = subcommand("submit")
    ours = {tuple(a.option_strings): a for a in parser._actions if a.option_strings}
    theirs = {tuple(a.option_strings) for a in submit._actions}
    for strings, action in ours.items():
        assert action.help, strings
        if strings != ("-h", "--help"):
            long = strings[-1]
            assert any(long in names for names in theirs), f"{long} is not an `azpipe submit` option"
    assert (
        ("--subscription",) in ours and ("-g", "--resource-group") in ours and ("-w", "--workspace") in ours
    )


def load(path: Path) -> Any:
    from azpipe.emit.job import load_module

    return load_module(path.read_text(encoding="utf-8"), str(path), name="compiled_main_test")


def capture_parser(module: Any) -> argparse.ArgumentParser:
    """The parser ``options()`` builds (caught as it parses ``--help``)."""
    built: list[argparse.ArgumentParser] = []
    original = argparse.ArgumentParser.parse_args

    def catch(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
        built.append(self)
        return original(self, [], None)

    argparse.ArgumentParser.parse_args = catch  # type: ignore[method-assign]
    try:
        module.options(["--help"])
    finally:
        argparse.ArgumentParser.parse_args = original  # type: ignore[method-assign]
    return built[0]


def subcommand(name: str) -> argparse.ArgumentParser:
    parser, _ = build_parser()
    [group] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = group.choices[name]
    return found
