"""Which workspace ``azpipe submit`` uses: flags, then environment variables, then config.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from azpipe.submit.workspace import (
    WorkspaceNotConfigured,
    add_workspace_arguments,
    find_config,
    read_config,
    resolve_workspace,
)

CONFIG = {"subscription_id": "sub-config", "resource_group": "rg-config", "workspace_name": "ws-config"}
ENVIRON = {
    "AZURE_SUBSCRIPTION_ID": "sub-env",
    "AZURE_RESOURCE_GROUP": "rg-env",
    "AZUREML_WORKSPACE_NAME": "ws-env",
}


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_workspace_arguments(parser)
    return parser.parse_args(list(argv))


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_flags_win_over_environment_variables(tmp_path: Path) -> None:
    args = parse("--subscription", "sub-flag", "-g", "rg-flag", "-w", "ws-flag")
    workspace = resolve_workspace(args, ENVIRON, str(tmp_path))
    assert (workspace.subscription_id, workspace.resource_group, workspace.name) == (
        "sub-flag",
        "rg-flag",
        "ws-flag",
    )
    assert workspace.origin() == "--subscription, --resource-group, --workspace"


def test_environment_variables_win_over_config(tmp_path: Path) -> None:
    write(tmp_path / "config.json", CONFIG)
    workspace = resolve_workspace(parse(), ENVIRON, str(tmp_path))
    assert (workspace.subscription_id, workspace.resource_group, workspace.name) == (
        "sub-env",
        "rg-env",
        "ws-env",
    )


def test_each_part_comes_from_the_first_source_that_has_it(tmp_path: Path) -> None:
    write(tmp_path / "config.json", CONFIG)
    environ = {"AZURE_RESOURCE_GROUP": "rg-env"}
    workspace = resolve_workspace(parse("-w", "ws-flag"), environ, str(tmp_path))
    assert (workspace.subscription_id, workspace.resource_group, workspace.name) == (
        "sub-config",
        "rg-env",
        "ws-flag",
    )
    assert "config file" in workspace.origin() and "AZURE_RESOURCE_GROUP" in workspace.origin()


def test_config_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    write(tmp_path / "config.json", CONFIG)
    nested = tmp_path / "a" / "b" / "c"
    nested.mkdir(parents=True)
    assert resolve_workspace(parse(), {}, str(nested)).name == "ws-config"


def test_search_order_is_that_of_mlclient_from_config(tmp_path: Path) -> None:
    """``.azureml/`` first, then ``aml_config/``, then the folder itself; ``config.json`` before ``project.json``."""
    start = tmp_path / "project"
    start.mkdir()
    write(tmp_path / "config.json", {**CONFIG, "workspace_name": "plain-in-parent"})
    write(start / "project.json", {**CONFIG, "workspace_name": "project-here"})
    assert find_config(start) == tmp_path / "config.json"
    write(tmp_path / "aml_config" / "config.json", {**CONFIG, "workspace_name": "aml-config"})
    assert find_config(start) == tmp_path / "aml_config" / "config.json"
    write(tmp_path / ".azureml" / "project.json", {**CONFIG, "workspace_name": "dot-azureml"})
    assert find_config(start) == tmp_path / ".azureml" / "project.json"


def test_config_flag_takes_a_file_or_a_folder(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere" / "team.json", CONFIG)
    assert resolve_workspace(parse("--config", str(path)), {}, str(tmp_path)).name == "ws-config"
    write(tmp_path / "other" / ".azureml" / "config.json", {**CONFIG, "workspace_name": "from-folder"})
    args = parse("--config", str(tmp_path / "other"))
    assert resolve_workspace(args, {}, str(tmp_path)).name == "from-folder"


def test_scope_form(tmp_path: Path) -> None:
    scope = "/subscriptions/s1/resourceGroups/r1/providers/Microsoft.MachineLearningServices/workspaces/w1"
    path = write(tmp_path / "config.json", {"Scope": scope})
    assert read_config(path) == {"subscription_id": "s1", "resource_group": "r1", "workspace_name": "w1"}


def test_nothing_configured_says_how(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotConfigured) as raised:
        resolve_workspace(parse(), {}, str(tmp_path))
    message = str(raised.value)
    assert "--workspace" in message and "AZUREML_WORKSPACE_NAME" in message and "config.json" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "cannot read workspace config"),
        ("[1, 2]", "is not a JSON object"),
        (json.dumps({"subscription_id": "s"}), "has no resource_group, workspace_name"),
    ],
)
def test_unusable_config_is_one_clear_line(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "config.json").write_text(content, encoding="utf-8")
    with pytest.raises(WorkspaceNotConfigured, match=expected):
        resolve_workspace(parse(), {}, str(tmp_path))


def test_missing_config_flag_path(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotConfigured, match="no such file or folder"):
        resolve_workspace(parse("--config", str(tmp_path / "nope.json")), {}, str(tmp_path))
