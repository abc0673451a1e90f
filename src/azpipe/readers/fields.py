"""Where every field azure-ai-ml lets a user set goes: carried, passed on verbatim, or refused by name.

azure-ai-ml 1.35's marshmallow schemas say which fields a pipeline job, its
settings, inputs and outputs, a command node (with or without a component), an
inline command component and a command component file may hold. Each of them
is listed here under the schema that declares it, with what azpipe does with it:

- ``carried``: read from native files, modelled, checked, and written unchanged
  by both compile targets and by ``azpipe import``; ``form`` is how the azpipe
  language says it (``step.services``: the ``services`` key of a step);
- ``verbatim``: in a component file, which goes to Azure ML unchanged;
- ``ignored``: azure-ai-ml reads it and drops it; azpipe says so (``rule``);
- ``refused``: azpipe does not carry it and reports it (``rule``), so it is
  never lost without a word.

``tests/test_fidelity_schema.py`` walks the schemas at test time and fails on a
settable field missing here, so a new azure-ai-ml release cannot slip a field
past azpipe; it also checks that each carried field is read by both readers.
"""

from __future__ import annotations

from azpipe.records import record

CARRIED, VERBATIM, IGNORED, REFUSED = "carried", "verbatim", "ignored", "refused"


@record(frozen=True)
class Field:
    """What azpipe does with one field (see the module docstring)."""

    status: str
    form: str | None = None  # carried: where the azpipe language says it
    rule: str | None = None  # ignored or refused: the diagnostic that says so


def carried(form: str) -> Field:
    """A field azpipe models, written as ``form`` in the azpipe language."""
    return Field(CARRIED, form=form)


def ignored(rule: str | None) -> Field:
    """A field azure-ai-ml drops (``rule`` warns about it; ``None``: an editor's hint only)."""
    return Field(IGNORED, rule=rule)


def refused(rule: str) -> Field:
    """A field azpipe refuses with ``rule``."""
    return Field(REFUSED, rule=rule)


_NODE_SETTINGS = {
    "code": carried("step.code"),
    "command": carried("step.command"),
    "compute": carried("step.compute"),
    "distribution": carried("step.distribution"),
    "environment": carried("step.environment"),
    "environment_variables": carried("step.environment_variables"),
    "identity": carried("step.identity"),
    "inputs": carried("step.inputs"),
    "limits": carried("step.limits"),
    "outputs": carried("step.outputs"),
    "properties": carried("step.properties"),
    "queue_settings": carried("step.queue_settings"),
    "resources": carried("step.resources"),
    "services": carried("step.services"),
    "type": carried("step"),
}
# A node with a component takes more keys than its schema declares (`unknown=INCLUDE`): azure-ai-ml
# passes them to `command()`. These are its parameters (`azure.ai.ml.command`).
_COMMAND_FUNCTION = {
    "name": ignored("S110"),  # a node is named after its key
    "description": carried("step.description"),
    "tags": carried("step.tags"),
    "properties": carried("step.properties"),
    "display_name": carried("step.display_name"),
    "command": carried("step.command"),
    "experiment_name": ignored("S110"),
    "environment": carried("step.environment"),
    "environment_variables": carried("step.environment_variables"),
    "distribution": carried("step.distribution"),
    "compute": carried("step.compute"),
    "inputs": carried("step.inputs"),
    "outputs": carried("step.outputs"),
    "instance_count": refused("S108"),  # also written into the component's resources by azure-ai-ml
    "instance_type": refused("S108"),  # also written into the component's resources by azure-ai-ml
    "locations": refused("S108"),  # also written into the component's resources by azure-ai-ml
    "docker_args": refused("S108"),  # also written into the component's resources by azure-ai-ml
    "shm_size": refused("S108"),  # also written into the component's resources by azure-ai-ml
    "timeout": refused("S108"),  # also written into the component's limits by azure-ai-ml
    "code": carried("step.code"),
    "identity": carried("step.identity"),
    "is_deterministic": ignored("S110"),  # the component's counts
    "services": carried("step.services"),
    "job_tier": refused("S108"),  # also written into the component's queue_settings by azure-ai-ml
    "priority": refused("S108"),  # also written into the component's queue_settings by azure-ai-ml
    "parent_job_name": refused("S108"),
}
_INPUT = {
    "type": carried("step_input.type"),
    "path": carried("step_input.value"),
    "mode": carried("step_input.mode"),
    "datastore": carried("step_input.datastore"),
    "path_on_compute": refused("S108"),
}
_PORT = {
    "type": carried("component_input.type"),
    "default": carried("component_input.default"),
    "optional": carried("component_input.optional"),
    "description": carried("component_input.description"),
}
_OUTPUT_PORT = {
    "type": carried("component_output.type"),
    "mode": carried("component_output.mode"),
    "description": carried("component_output.description"),
}
_RESOURCES = {
    name: carried(f"resources.{name}")
    for name in (
        "instance_count", "instance_type", "shm_size", "docker_args", "locations", "max_instance_count", "properties",
    )
}  # fmt: skip
_SERVICE = {"type": carried("service.type"), "nodes": carried("service.nodes"), "port": carried("service.port"),
            "properties": carried("service.properties")}  # fmt: skip
_COMPONENT = {
    "additional_includes": carried("component.additional_includes"),
    "code": carried("component.code"),
    "command": carried("component.command"),
    "description": carried("component.description"),
    "display_name": carried("component.display_name"),
    "distribution": carried("component.distribution"),
    "environment": carried("component.environment"),
    "environment_variables": carried("component.environment_variables"),
    "inputs": carried("component.inputs"),
    "is_deterministic": carried("component.is_deterministic"),
    "outputs": carried("component.outputs"),
    "properties": carried("component.properties"),
    "queue_settings": carried("component.queue_settings"),
    "resources": carried("component.resources"),
    "tags": carried("component.tags"),
    "type": carried("component"),
    "$schema": ignored(None),  # a schema URL for editors; Azure ML does not use it
    "id": refused("S108"),
    "auto_delete_setting": refused("S108"),
}

FIELDS: dict[str, dict[str, Field]] = {
    "PipelineJobSchema": {
        "compute": carried("defaults.compute"),  # the older name of settings.default_compute
        "description": carried("pipeline.description"),
        "display_name": carried("pipeline.display_name"),
        "experiment_name": carried("pipeline.experiment"),
        "identity": carried("pipeline.identity"),
        "inputs": carried("pipeline.inputs"),
        "name": carried("pipeline.job_name"),
        "outputs": carried("pipeline.outputs"),
        "properties": carried("pipeline.properties"),
        "services": carried("pipeline.services"),
        "settings": carried("pipeline.settings"),
        "tags": carried("pipeline.tags"),
        "type": carried("pipeline"),
    },
    "PipelineJobSettingsSchema": {
        "continue_on_step_failure": carried("settings.continue_on_step_failure"),
        "default_compute": carried("defaults.compute"),
        "default_datastore": carried("defaults.datastore"),
        "force_rerun": carried("settings.force_rerun"),
        # Hidden from the public schema (private preview), read all the same (`unknown=INCLUDE`).
        "on_init": carried("settings.on_init"),
        "on_finalize": carried("settings.on_finalize"),
    },
    "CommandSchema": {**_NODE_SETTINGS, "comment": carried("step.comment")},
    "CommandSchema(unknown=INCLUDE)": _COMMAND_FUNCTION,
    "PipelineCommandJobSchema": {
        **_NODE_SETTINGS,
        "description": carried("step.description"),
        "display_name": carried("step.display_name"),
        "tags": carried("step.tags"),
        "experiment_name": ignored("S110"),
        "name": ignored("S110"),
        "parent_job_name": refused("S108"),
    },
    # An inline component's `name` and `version` are not in its schema: azure-ai-ml drops them (S110).
    "AnonymousCommandComponentSchema": {**_COMPONENT, "intellectual_property": refused("S101")},  # preview
    "CommandComponentSchema": {
        name: Field(VERBATIM)
        for name in (*_COMPONENT, "name", "version", "intellectual_property")
        if name != "environment_variables"  # only an inline component has them
    },
    # Private preview: an item of `additional_includes` may name an Azure DevOps artifact.
    "AzureDevopsArtifactsSchema": {
        name: refused("S102")
        for name in ("feed", "name", "organization", "project", "scope", "type", "version")
    },
    "IntellectualPropertySchema": {"protection_level": refused("S101"), "publisher": refused("S101")},
    "ProtectionLevelSchema": {"protection_level": refused("S101")},
    "AnonymousEnvironmentSchema": {
        "build": carried("environment.build"),
        "conda_file": carried("environment.conda_file"),
        "description": carried("environment.description"),
        "image": carried("environment.image"),
        "os_type": carried("environment.os_type"),
        "tags": carried("environment.tags"),
        "name": ignored("S110"),
        "version": ignored("S110"),
        "datastore": refused("S101"),
        "id": refused("S101"),
        "inference_config": refused("S101"),
        "auto_delete_setting": refused("S101"),
    },
    "BuildContextSchema": {
        "path": carried("build.path"),
        "dockerfile_path": carried("build.dockerfile_path"),
    },
    # Inside fields refused above: refused with them.
    "AutoDeleteSettingSchema": {"condition": refused("S108"), "value": refused("S108")},
    "InferenceConfigSchema": {
        "liveness_route": refused("S101"),
        "readiness_route": refused("S101"),
        "scoring_route": refused("S101"),
    },
    "RouteSchema": {"path": refused("S101"), "port": refused("S101")},
    "CommandJobLimitsSchema": {"timeout": carried("limits.timeout")},
    "JobResourceConfigurationSchema": _RESOURCES,
    "ComponentResourceSchema": _RESOURCES,
    "DataInputSchema": _INPUT,
    "MLTableInputSchema": _INPUT,
    "ModelInputSchema": {name: field for name, field in _INPUT.items() if name != "path_on_compute"},
    "InputLiteralValueSchema": {"value": carried("step_input.value")},
    "InputPortSchema": {
        **_PORT,
        "mode": carried("component_input.mode"),
        "intellectual_property": refused("S101"),  # private preview
    },
    "ParameterSchema": {
        **_PORT,
        "min": carried("component_input.min"),
        "max": carried("component_input.max"),
        "enum": carried("component_input.enum"),
    },
    "OutputPortSchema": {**_OUTPUT_PORT, "intellectual_property": refused("S101")},  # private preview
    "PrimitiveOutputSchema": {
        **_OUTPUT_PORT,
        "intellectual_property": refused("S101"),  # private preview, as is `early_available`,
        "early_available": refused("S101"),  # which only the Python SDK can say in a pipeline
    },
    "OutputSchema": {
        "type": carried("output.type"),
        "mode": carried("output.mode"),
        "path": carried("output.path"),
        "name": carried("output.name"),
        "version": carried("output.version"),
    },
    "QueueSettingsSchema": {
        "job_tier": carried("queue_settings.job_tier"),
        "priority": carried("queue_settings.priority"),
    },
    "ManagedIdentitySchema": {
        "type": carried("identity.type"),
        "client_id": carried("identity.client_id"),
        "object_id": carried("identity.object_id"),
        # The language carries it to the Python target; azure-ai-ml cannot load it from YAML,
        # so in a native file it is refused (S106, readers/native.py).
        "msi_resource_id": carried("identity.msi_resource_id"),
    },
    "UserIdentitySchema": {"type": carried("identity.type")},
    "AMLTokenIdentitySchema": {"type": carried("identity.type")},
    "MPIDistributionSchema": {
        "type": carried("distribution.type"),
        "process_count_per_instance": carried("distribution.process_count_per_instance"),
    },
    "PyTorchDistributionSchema": {
        "type": carried("distribution.type"),
        "process_count_per_instance": carried("distribution.process_count_per_instance"),
    },
    "TensorFlowDistributionSchema": {
        "type": carried("distribution.type"),
        "worker_count": carried("distribution.worker_count"),
        "parameter_server_count": carried("distribution.parameter_server_count"),
    },
    "RayDistributionSchema": {
        name: carried(f"distribution.{name}")
        for name in (
            "type",
            "port",
            "address",
            "include_dashboard",
            "dashboard_port",
            "head_node_additional_args",
            "worker_node_additional_args",
        )
    },
    "JobServiceSchema": _SERVICE,
    "SshJobServiceSchema": {**_SERVICE, "ssh_public_keys": carried("service.ssh_public_keys")},
    "TensorBoardJobServiceSchema": {**_SERVICE, "log_dir": carried("service.log_dir")},
    "VsCodeJobServiceSchema": _SERVICE,
    "JupyterLabJobServiceSchema": _SERVICE,
}
