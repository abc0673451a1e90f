"""What ``azpipe submit`` would do, for ``--dry-run``: no client, no credential, no request.

Without asking the workspace, the plan cannot know what already exists there,
so each entity is listed with the rule submission applies to it: environments
and data assets are created or updated, or skipped when the workspace has that
version with the same content; compute is created only when missing. The job
follows as the Azure ML CLI v2 YAML ``azpipe compile --target yaml`` writes
(``--set`` values included), which describes the same job as the Python module
submission sends (``tests/test_compile_azure.py`` checks that). No azure import
here, so a dry run is fast and cannot reach the network.
"""

from __future__ import annotations

from pathlib import Path

from azpipe.emit.plan import plan
from azpipe.model import Compute, DataAsset, Environment, Pipeline
from azpipe.records import record
from azpipe.submit.overrides import Override
from azpipe.submit.workspace import Workspace

ASSET_RULE = "create or update; skipped if the workspace has this version with the same content"
COMPUTE_RULE = "create if missing (an existing target is left as it is)"


@record(frozen=True)
class Action:
    """One entity submission provisions, in order."""

    kind: str  # environment, data or compute
    label: str  # name, with :version or @latest
    rule: str
    detail: str


def provisioning(pipeline: Pipeline) -> list[Action]:
    """Environments, then data assets, then compute — the order submission provisions them."""
    return (
        [_environment(e) for e in pipeline.environments.values()]
        + [_data(d) for d in pipeline.data.values()]
        + [_compute(c) for c in pipeline.compute.values()]
    )


def _label(name: str, version: str | None) -> str:
    return f"{name}:{version}" if version else f"{name}@latest"


def _environment(env: Environment) -> Action:
    parts = [f"image {env.image}"] if env.image else []
    parts += [f"conda file {env.conda_file}"] if env.conda_file else []
    rule = ASSET_RULE if env.version else ASSET_RULE.replace("this version", "its latest version")
    return Action("environment", _label(env.name, env.version), rule, "; ".join(parts))


def _data(data: DataAsset) -> Action:
    local = not data.path.startswith("azureml:") and "://" not in data.path
    where = f"uploads {data.path}" if local else f"path {data.path}"
    rule = ASSET_RULE if data.version else ASSET_RULE.replace("this version", "its latest version")
    return Action("data", _label(data.name, data.version), rule, f"{data.type}, {where}")


def _compute(target: Compute) -> Action:
    parts = [target.type] + ([target.size] if target.size else [])
    if target.type == "amlcompute":
        low, high = target.min_instances, target.max_instances
        parts.append(f"{0 if low is None else low}-{'default' if high is None else high} instances")
    return Action("compute", target.name, COMPUTE_RULE, ", ".join(parts))


def uploads(pipeline: Pipeline) -> list[str]:
    """Local paths azure-ai-ml uploads with the job: steps' ``code``, component files (with theirs),
    and every local file or folder an input is given (pipeline inputs, ``--set`` paths, literal step
    inputs). Data assets are uploaded when provisioned, and listed there.

    Raises :class:`azpipe.emit.CompileRefused` when the pipeline cannot be compiled.
    """
    planned = plan(pipeline)
    found = []
    for step in planned.steps:
        if step.code is not None and step.code.local:
            found.append(f"code        {step.code.text}")
        elif step.kind == "file" and step.component:
            found.append(f"component   {step.component} (with its own code)")
        for port in step.inputs:
            path = port.source.path if port.source is not None and port.source.kind == "asset" else None
            if path is not None and path.local:
                found.append(f"input       {step.name}.{port.name}: {path.text}")
    for item in planned.inputs:
        if item.path is not None and item.path.local:
            found.append(f"input       {item.name}: {item.path.text}")
    return sorted(dict.fromkeys(found))


def default_experiment() -> str:
    """The experiment azure-ai-ml files a job under when none is set: the current folder's name.

    The same rule as azure-ai-ml's ``generate_defaults`` (``Default`` at a filesystem root).
    """
    return Path("./").resolve().stem.replace(" ", "") or "Default"


@record
class DryRun:
    """Everything ``--dry-run`` prints."""

    pipeline: str
    experiment: str
    workspace: Workspace | None
    workspace_problem: str | None
    actions: list[Action]
    uploads: list[str]
    overrides: list[Override]
    yaml: str


def render(dry: DryRun) -> str:
    """The dry run as text: target, provisioning in order, code uploads, overrides, the job YAML."""
    lines = ["Dry run: nothing is created and no request is sent to Azure.", ""]
    lines += [f"pipeline    {dry.pipeline}", f"experiment  {dry.experiment}"]
    lines += _workspace_lines(dry)
    lines += ["", "Would provision, in this order:"]
    lines += [_action_line(action) for action in dry.actions] or ["  nothing declared"]
    lines += ["", "Would upload with the job (content-addressed; skipped when already uploaded):"]
    lines += [f"  {item}" for item in dry.uploads] or ["  nothing"]
    if dry.overrides:
        lines += ["", "Inputs set with --set:"]
        lines += [f"  {o.name} = {o.text}" for o in dry.overrides]
    lines += ["", "Would submit this job (as Azure ML CLI v2 YAML, paths relative to the pipeline file):"]
    lines += [dry.yaml.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _workspace_lines(dry: DryRun) -> list[str]:
    if dry.workspace is None:
        return [f"workspace   not configured: {dry.workspace_problem}"]
    ws = dry.workspace
    return [
        f"workspace   {ws.name} (resource group {ws.resource_group}, subscription {ws.subscription_id})",
        f"            from {ws.origin()}",
    ]


def _action_line(action: Action) -> str:
    head = f"  {action.kind:<11} {action.label}"
    detail = f"\n              {action.detail}" if action.detail else ""
    return f"{head}\n              {action.rule}{detail}"
