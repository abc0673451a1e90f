"""Which Azure ML workspace to talk to.

Each of the subscription, the resource group and the workspace name comes from,
in order: its flag (``--subscription``, ``--resource-group``, ``--workspace``), its
environment variable (``AZURE_SUBSCRIPTION_ID``, ``AZURE_RESOURCE_GROUP``,
``AZUREML_WORKSPACE_NAME``), or a workspace ``config.json``. The file is
``--config PATH`` (a file, or a folder to search from), else it is searched for
the way ``MLClient.from_config`` does: from the current folder up to 20 levels,
in ``.azureml/``, ``aml_config/`` and the folder itself, ``config.json`` before
``project.json``. It holds ``subscription_id``, ``resource_group`` and
``workspace_name``, or a ``Scope`` ARM id. No azure import here.

No Azure name holds a control character, so a value that does (from any of the
three places) is refused before anything is printed or sent; what is printed
about it, and every path, has its control characters escaped.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from pathlib import Path

from azpipe.records import record
from azpipe.report.text import printable

FIELDS = ("subscription_id", "resource_group", "workspace_name")
ENV_VARS = {
    "subscription_id": "AZURE_SUBSCRIPTION_ID",
    "resource_group": "AZURE_RESOURCE_GROUP",
    "workspace_name": "AZUREML_WORKSPACE_NAME",
}
FLAGS = {
    "subscription_id": "--subscription",
    "resource_group": "--resource-group",
    "workspace_name": "--workspace",
}
CONFIG_DIRS: tuple[str | None, ...] = (".azureml", "aml_config", None)
CONFIG_FILES = ("config.json", "project.json")
SEARCH_LEVELS = 20
MAX_CONFIG_BYTES = 64 * 1024


class WorkspaceNotConfigured(Exception):
    """No complete workspace could be resolved; the message says how to give one."""


@record(frozen=True)
class Workspace:
    """An Azure ML workspace and where each part of its name came from."""

    subscription_id: str
    resource_group: str
    name: str
    sources: tuple[str, ...] = ()

    def describe(self) -> str:
        """``workspace `ws` (resource group `rg`, subscription `…`)``, control characters escaped."""
        return printable(
            f"workspace `{self.name}` (resource group `{self.resource_group}`, "
            f"subscription `{self.subscription_id}`)"
        )

    def origin(self) -> str:
        """Where the values came from, for ``--verbose`` and the dry run (escaped: paths may hold anything)."""
        return printable(", ".join(dict.fromkeys(self.sources)))


def add_workspace_arguments(parser: argparse.ArgumentParser) -> None:
    """``--subscription``, ``--resource-group``/``-g``, ``--workspace``/``-w``, ``--config``."""
    group = parser.add_argument_group("workspace (default: environment variables, then config.json)")
    group.add_argument("--subscription", dest="subscription_id", metavar="ID", help="subscription id")
    group.add_argument("-g", "--resource-group", dest="resource_group", metavar="NAME", help="resource group")
    group.add_argument(
        "-w", "--workspace", "--workspace-name", dest="workspace_name", metavar="NAME", help="workspace name"
    )
    group.add_argument(
        "--config", metavar="PATH", help="workspace config.json, or a folder to search it from (default: .)"
    )


def resolve_workspace(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None, cwd: str | None = None
) -> Workspace:
    """The workspace named by flags, environment variables or config.json (in that order, per field).

    Raises :class:`WorkspaceNotConfigured` when a part is missing or the config file is unusable.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name in FIELDS:
        flag, env = getattr(args, name, None), environ.get(ENV_VARS[name], "").strip()
        if flag:
            values[name], sources[name] = flag, FLAGS[name]
        elif env:
            values[name], sources[name] = env, ENV_VARS[name]
    missing = [name for name in FIELDS if name not in values]
    if missing:
        path = _config_path(getattr(args, "config", None), cwd or os.getcwd())
        config = read_config(path)
        for name in missing:
            values[name], sources[name] = config[name], f"config file {path}"
    for name in FIELDS:
        _refuse_control_characters(name, values[name], sources[name])
    return Workspace(
        values["subscription_id"],
        values["resource_group"],
        values["workspace_name"],
        tuple(sources[name] for name in FIELDS),
    )


def _refuse_control_characters(field: str, value: str, source: str) -> None:
    """No subscription, resource group or workspace name holds a control character:
    such a value is a broken or hostile config, shown escaped and refused."""
    if not value.isprintable():
        raise WorkspaceNotConfigured(
            f"{field} `{printable(value)}` from {printable(source)} holds a control character; "
            "no Azure name does"
        )


def _config_path(given: str | None, cwd: str) -> Path:
    """The config file to read: ``--config`` (file or folder to search from), else searched from ``cwd``."""
    if given and Path(given).is_file():
        return Path(given)
    if given and not Path(given).is_dir():
        raise WorkspaceNotConfigured(f"--config {printable(given)}: no such file or folder")
    start = Path(given) if given else Path(cwd)
    found = find_config(start)
    if found is None:
        raise WorkspaceNotConfigured(_how_to_configure(start))
    return found


def find_config(start: Path) -> Path | None:
    """The first config file found from ``start`` upwards, in ``MLClient.from_config``'s order."""
    for folder in CONFIG_DIRS:
        for name in CONFIG_FILES:
            found = _search_up(start, os.path.join(folder, name) if folder else name)
            if found is not None:
                return found
    return None


def _search_up(start: Path, relative: str) -> Path | None:
    current = start.resolve()
    for _ in range(SEARCH_LEVELS + 1):
        candidate = current / relative
        if candidate.is_file():
            return candidate
        if current.parent == current:
            break
        current = current.parent
    return None


def read_config(path: Path) -> dict[str, str]:
    """``subscription_id``, ``resource_group`` and ``workspace_name`` from a workspace config file."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ValueError("larger than 64 KiB")
        data = json.loads(raw)
    except (OSError, ValueError) as error:
        raise WorkspaceNotConfigured(
            f"cannot read workspace config {_shown(path)}: {printable(str(error))}"
        ) from None
    if not isinstance(data, dict):
        raise WorkspaceNotConfigured(f"workspace config {_shown(path)} is not a JSON object")
    scoped = _from_scope(data.get("Scope"))
    values: dict[str, object] = dict(scoped) if scoped else {name: data.get(name) for name in FIELDS}
    bad = [name for name in FIELDS if not isinstance(values.get(name), str) or not values[name]]
    if bad:
        raise WorkspaceNotConfigured(
            f"workspace config {_shown(path)} has no {', '.join(bad)}: it needs subscription_id, "
            "resource_group and workspace_name (download it from the workspace's page in the Azure portal)"
        )
    return {name: str(values[name]) for name in FIELDS}


def _from_scope(scope: object) -> dict[str, str] | None:
    """Parts of ``/subscriptions/S/resourceGroups/R/providers/Microsoft.MachineLearningServices/workspaces/W``."""
    if not isinstance(scope, str):
        return None
    pieces = scope.split("/")
    if len(pieces) < 9:
        return None
    return {"subscription_id": pieces[2], "resource_group": pieces[4], "workspace_name": pieces[8]}


def _shown(path: Path) -> str:
    return printable(str(path))


def _how_to_configure(start: Path) -> str:
    return (
        "no workspace given: pass --subscription, --resource-group and --workspace, or set "
        "AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME, or put the workspace's "
        f"config.json (Azure portal → the workspace → Download config.json) in {_shown(start)} or a folder above it"
    )
