"""Jobs in the workspace: check the workspace, submit, follow, read status, cancel.

Each function wraps its Azure calls in :func:`~azpipe.submit.errors.guarded`, so
a failure reaches the command as one line. Exit codes from a followed job:
``Completed`` is 0, every other final status is 1.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import field
from typing import Any

from azpipe.records import record
from azpipe.submit.console import Console, sdk_output
from azpipe.submit.errors import AzureFailure, Context, guarded, one_line
from azpipe.submit.workspace import Workspace

LOGGER = logging.getLogger("azpipe.submit")
SUCCEEDED = ("Completed",)
FINAL = ("Completed", "Failed", "Canceled", "NotResponding", "Paused")


@record(frozen=True)
class Submitted:
    """A job Azure ML accepted."""

    name: str
    status: str
    studio_url: str | None
    experiment: str | None = None  # the experiment the service filed it under


@record
class JobStatus:
    """What ``azpipe status`` shows."""

    name: str
    status: str
    display_name: str | None
    experiment: str | None
    studio_url: str | None
    steps: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``azpipe status --json``)."""
        steps = [{"name": name, "status": status} for name, status in self.steps]
        return {
            "name": self.name,
            "status": self.status,
            "display_name": self.display_name,
            "experiment": self.experiment,
            "studio_url": self.studio_url,
            "steps": steps,
        }


def check_workspace(ml_client: Any, workspace: Workspace) -> None:
    """Read the workspace once, so that a wrong name or missing rights fail first, and clearly."""
    with guarded(Context(f"reading {workspace.describe()}", "workspace", workspace)):
        ml_client.workspaces.get(workspace.name)


def submit(
    ml_client: Any, job: Any, experiment: str | None, workspace: Workspace, console: Console
) -> Submitted:
    """Submit ``job`` under ``experiment``; code folders and anonymous components are uploaded first.

    An unset ``experiment`` stays unset: azure-ai-ml then files the job under the current
    folder's name (``Default`` at a root), exactly as ``az ml job create`` does.
    """
    context = Context(f"submitting the job to {workspace.describe()}", "job", workspace)
    with guarded(context), sdk_output(console):
        created = ml_client.jobs.create_or_update(job, experiment_name=experiment)
    filed = getattr(created, "experiment_name", None) or experiment
    return Submitted(str(created.name), state(created.status), created.studio_url, filed)


def follow(ml_client: Any, name: str, workspace: Workspace, console: Console) -> int:
    """Stream the job's logs until it ends; 0 when it completed, 1 otherwise."""
    from azure.ai.ml.exceptions import JobException

    context = Context(f"following job `{name}`", "lookup", workspace, _job_missing(name, workspace))
    try:
        with guarded(context):
            ml_client.jobs.stream(name)
    except AzureFailure as failure:
        cause = failure.__cause__
        if not isinstance(cause, JobException):
            raise
        if isinstance(cause.__cause__, KeyboardInterrupt):  # azure-ai-ml turns Ctrl-C into a JobException
            raise KeyboardInterrupt from None
        console.note(f"job `{name}` failed: {_failure_reason(cause)}")
        return 1
    return _final_exit(ml_client, name, workspace, console)


def _final_exit(ml_client: Any, name: str, workspace: Workspace, console: Console) -> int:
    with guarded(Context(f"reading job `{name}`", "lookup", workspace, _job_missing(name, workspace))):
        status = state(ml_client.jobs.get(name).status)
    console.note(f"job `{name}` ended: {status}")
    return 0 if status in SUCCEEDED else 1


def _failure_reason(error: BaseException) -> str:
    """The service's error message from azure-ai-ml's "Exception : {json}" text, or a pointer to the logs."""
    text = str(getattr(error, "message", "") or error)
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if match:
        try:
            details = json.loads(match.group(0))
        except ValueError:
            details = {}
        inner = details.get("error", details) if isinstance(details, dict) else {}
        if isinstance(inner, dict) and inner.get("message"):
            return one_line(str(inner["message"]))
    return "see its logs in Azure ML Studio"


def status(ml_client: Any, name: str, workspace: Workspace) -> JobStatus:
    """The job's status and, for a pipeline, each step's."""
    with guarded(Context(f"reading job `{name}`", "lookup", workspace, _job_missing(name, workspace))):
        job = ml_client.jobs.get(name)
        steps = _steps(ml_client, name) if getattr(job, "type", "") == "pipeline" else []
    return JobStatus(
        str(job.name),
        state(job.status),
        job.display_name,
        job.experiment_name,
        job.studio_url,
        steps,
    )


def _steps(ml_client: Any, name: str) -> list[tuple[str, str]]:
    children = [child for child in ml_client.jobs.list(parent_job_name=name) if child is not None]
    found = [(str(child.display_name or child.name), state(child.status)) for child in children]
    return sorted(found)


def cancel(ml_client: Any, name: str, workspace: Workspace, console: Console, wait: bool) -> str:
    """Ask Azure ML to cancel the job; with ``wait``, until the request is accepted. Returns its status."""
    context = Context(f"canceling job `{name}`", "lookup", workspace, _job_missing(name, workspace))
    with guarded(context):
        poller = ml_client.jobs.begin_cancel(name)
        if wait:
            console.wait(poller, f"canceling job `{name}`", f"cancel accepted for job `{name}`")
        return state(ml_client.jobs.get(name).status)


def state(value: Any) -> str:
    """A job status as Azure ML spells it (``Completed``), whether azure-ai-ml gives a string or an enum."""
    return str(getattr(value, "value", value))


def _job_missing(name: str, workspace: Workspace) -> str:
    return f"job `{name}` not found in {workspace.describe()}"
