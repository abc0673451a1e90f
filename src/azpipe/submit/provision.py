"""Create what the pipeline declares, in order: environments, data assets, compute.

- An environment or data asset is read first (its version, or its latest when
  the file gives none). When the workspace has it with the same content it is
  skipped; otherwise ``create_or_update`` sends it (``created`` or ``updated``;
  Azure ML refuses to change an existing version's content, and that refusal
  is reported as one line by :mod:`azpipe.submit.errors`).
- A compute target is created only when missing, with progress while Azure
  provisions it; an existing one is left as it is.

"Same content": an environment's image, conda file and description; a data
asset's type, description and path — for a local path, the content hash
azure-ai-ml puts in the uploaded path (``LocalUpload/<hash>/...``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from azpipe.records import record
from azpipe.submit.console import Console, sdk_output
from azpipe.submit.errors import Context, chain, guarded

LOGGER = logging.getLogger("azpipe.submit")


@record(frozen=True)
class Outcome:
    """What happened to one entity."""

    kind: str  # environment, data or compute
    label: str
    action: str  # created, updated, skipped, exists
    detail: str = ""

    def line(self) -> str:
        """``environment prep-env:1: created``."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.kind} {self.label}: {self.action}{detail}"


def provision(ml_client: Any, compiled: Any, console: Console, workspace: Any) -> list[Outcome]:
    """Environments, then data assets, then compute; each outcome is printed as it happens.

    Raises :class:`~azpipe.submit.errors.AzureFailure` (one line) when Azure refuses.
    """
    outcomes: list[Outcome] = []
    tasks: list[tuple[str, Any, Callable[[Any, Any, Console], Outcome]]] = [
        *(("environment", env, ensure_environment) for env in compiled.environments),
        *(("data", data, ensure_data) for data in compiled.data),
        *(("compute", target, ensure_compute) for target in compiled.compute),
    ]
    for kind, entity, ensure in tasks:
        label = _label(entity) if kind != "compute" else f"`{entity.name}`"
        verb = "creating" if kind == "compute" else "creating or updating"
        with guarded(Context(f"{verb} {kind} {label}", kind, workspace)), sdk_output(console):
            outcome = ensure(ml_client, entity, console)
        console.note(outcome.line())
        outcomes.append(outcome)
    return outcomes


def _label(entity: Any) -> str:
    version = getattr(entity, "version", None)
    return f"`{entity.name}:{version}`" if version else f"`{entity.name}@latest`"


def _existing(get: Callable[[], Any]) -> Any:
    """The entity ``get`` returns, or ``None`` when it does not exist."""
    try:
        return get()
    except Exception as error:
        if not _missing(error):
            raise
        return None


def _missing(error: BaseException) -> bool:
    """True for "not found": Azure's 404, or azure-ai-ml's own "does not exist" around it.

    For ``label="latest"`` of an asset with no version at all, azure-ai-ml raises a
    ``ValidationException`` (``RESOURCE_NOT_FOUND``), which ``data.get`` wraps again
    in a plain ``MlException``; the 404 stays in the chain.
    """
    from azure.ai.ml.exceptions import ValidationErrorType, ValidationException
    from azure.core.exceptions import ResourceNotFoundError

    for cause in chain(error):
        if isinstance(cause, ResourceNotFoundError):
            return True
        if (
            isinstance(cause, ValidationException)
            and cause.error_type == ValidationErrorType.RESOURCE_NOT_FOUND
        ):
            return True
    return False


def _read(operations: Any, entity: Any) -> Any:
    """The workspace's copy: the declared version, or the latest one when none is declared."""
    if entity.version:
        return _existing(lambda: operations.get(entity.name, version=entity.version))
    return _existing(lambda: operations.get(entity.name, label="latest"))


def _send(operations: Any, entity: Any, kind: str, existing: Any, differences: list[str]) -> Outcome:
    label = _label(entity).strip("`")
    if existing is not None and not differences:
        return Outcome(kind, label, "skipped", "the workspace has it with the same content")
    created = operations.create_or_update(entity)
    label = f"{entity.name}:{created.version}" if getattr(created, "version", None) else label
    if existing is None:
        return Outcome(kind, label, "created")
    return Outcome(kind, label, "updated", "changed: " + ", ".join(differences))


def ensure_environment(ml_client: Any, env: Any, console: Console) -> Outcome:
    """Create or update ``env`` unless the workspace has it with the same content."""
    existing = _read(ml_client.environments, env)
    differences = _differences(environment_content(env), environment_content(existing)) if existing else []
    LOGGER.debug("environment %s: %s", env.name, _decision(existing, differences))
    return _send(ml_client.environments, env, "environment", existing, differences)


def environment_content(env: Any) -> dict[str, Any]:
    """What makes two environment versions the same."""
    return {"image": env.image, "conda file": env.conda_file or None, "description": env.description or None}


def ensure_data(ml_client: Any, data: Any, console: Console) -> Outcome:
    """Create or update ``data`` unless the workspace has it with the same content."""
    existing = _read(ml_client.data, data)
    differences = _data_differences(data, existing) if existing else []
    LOGGER.debug("data %s: %s", data.name, _decision(existing, differences))
    return _send(ml_client.data, data, "data", existing, differences)


def _data_differences(local: Any, remote: Any) -> list[str]:
    ours = {"type": local.type, "description": local.description or None}
    theirs = {"type": remote.type, "description": remote.description or None}
    differences = _differences(ours, theirs)
    if not same_data_path(str(local.path), str(remote.path)):
        differences.append("path")
    return differences


def same_data_path(local: str, remote: str) -> bool:
    """True when ``remote`` holds what ``local`` names (for a local path: the same content hash)."""
    if local.startswith("azureml:") or "://" in local:
        return local.rstrip("/") == remote.rstrip("/")
    if not os.path.exists(local):
        return False
    from azure.ai.ml._utils._asset_utils import get_ignore_file, get_object_hash

    content_hash = get_object_hash(local, get_ignore_file(local))
    return f"/{content_hash}/" in remote + "/"


def ensure_compute(ml_client: Any, target: Any, console: Console) -> Outcome:
    """Create ``target`` when the workspace has no compute of that name (with progress)."""
    if _existing(lambda: ml_client.compute.get(target.name)) is not None:
        LOGGER.debug("compute %s: exists", target.name)
        return Outcome("compute", target.name, "exists", "left as it is")
    LOGGER.debug("compute %s: missing, creating", target.name)
    poller = ml_client.compute.begin_create_or_update(target)
    console.wait(poller, f"creating compute `{target.name}`", f"created compute `{target.name}`")
    return Outcome("compute", target.name, "created", _compute_detail(target))


def _compute_detail(target: Any) -> str:
    size = getattr(target, "size", None)
    low, high = getattr(target, "min_instances", None), getattr(target, "max_instances", None)
    parts = [str(size)] if size else []
    if high is not None:
        parts.append(f"{low or 0}-{high} instances")
    return ", ".join(parts)


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [key for key in ours if ours[key] != theirs.get(key)]


def _decision(existing: Any, differences: list[str]) -> str:
    if existing is None:
        return "not in the workspace, creating"
    if differences:
        return "differs (" + ", ".join(differences) + "), updating"
    return "same content, skipping"
